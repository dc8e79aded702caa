"use client";

import { useEffect, useSyncExternalStore } from "react";

const NOTICE_MS = 8_000;

// One notice at a time for the whole console, kept outside React so that it survives a
// client-side navigation (deleting from an integration's page lands on the list).
let current: { id: number; text: string } | null = null;
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

/** Tells the user that something they did succeeded ("Saved …", "Deleted …"). */
export function announce(text: string) {
  current = { id: nextId++, text };
  emit();
}

function dismiss(id: number) {
  if (current?.id !== id) return;
  current = null;
  emit();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The live region that shows the last success notice for a few seconds. It is always in
 * the page, so screen readers announce what appears in it.
 */
export function SuccessNotice() {
  const notice = useSyncExternalStore(
    subscribe,
    () => current,
    () => null,
  );
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => dismiss(notice.id), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  return (
    <div role="status" className="min-h-0">
      {notice ? (
        <p className="mb-3 flex items-center justify-between gap-3 rounded border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          <span>{notice.text}</span>
          <button
            type="button"
            onClick={() => dismiss(notice.id)}
            className="rounded px-1 text-green-900 hover:bg-green-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
            aria-label="Dismiss notice"
          >
            <span aria-hidden="true">×</span>
          </button>
        </p>
      ) : null}
    </div>
  );
}
