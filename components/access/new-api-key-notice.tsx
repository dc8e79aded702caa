"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import type { TCreatedApiKey } from "@/components/access/api-keys-api";

type TCopyState = "idle" | "copied" | "failed";

/** The key just created, shown this once with a Copy button; it goes when dismissed. */
export function NewApiKeyNotice({ created, onDismiss }: { created: TCreatedApiKey; onDismiss: () => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<TCopyState>("idle");

  // Focus goes to the key (which selects it), so that a keyboard or screen-reader user lands on it, not past it.
  useEffect(() => inputRef.current?.focus(), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopyState("copied");
    } catch {
      // No clipboard (a plain-http address, or permission refused): select the key for the user to copy.
      inputRef.current?.select();
      setCopyState("failed");
    }
  };

  return (
    <div role="status" className="mb-4 rounded border border-amber-300 bg-amber-50 p-4 text-sm">
      <p className="mb-2">
        API key <span className="font-medium">{created.apiKey.name}</span> created.{" "}
        <strong id="new-api-key-warning">Copy this key now: it will not be shown again.</strong>
      </p>
      <label htmlFor="new-api-key" className="mb-1 block font-medium text-slate-800">
        New API key
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          ref={inputRef}
          id="new-api-key"
          readOnly
          value={created.key}
          spellCheck={false}
          autoComplete="off"
          aria-describedby="new-api-key-warning"
          onFocus={(event) => event.currentTarget.select()}
          className="block min-w-0 flex-1 rounded border border-slate-300 bg-white px-2.5 py-1.5 font-mono text-sm focus:border-brand focus:ring-1 focus:ring-brand focus:outline-none"
        />
        <Button variant="secondary" onClick={() => void copy()}>
          Copy
        </Button>
        <Button variant="secondary" onClick={onDismiss}>
          Dismiss
        </Button>
      </div>
      {copyState === "copied" ? <p className="mt-2 text-green-800">Copied to the clipboard.</p> : null}
      {copyState === "failed" ? (
        <p className="mt-2 text-red-800">
          The browser did not allow copying. The key is selected: copy it with Ctrl+C (⌘C on a Mac).
        </p>
      ) : null}
    </div>
  );
}
