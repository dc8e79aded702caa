"use client";

import { AlertDialog } from "radix-ui";
import { useRevokeApiKey } from "@/components/access/use-revoke-api-key";
import { Button } from "@/components/ui/button";
import type { TApiKey } from "@/lib/auth/api-keys";

export function RevokeApiKeyDialog({ apiKey, onClose }: { apiKey: TApiKey | null; onClose: () => void }) {
  const revoke = useRevokeApiKey();

  return (
    <AlertDialog.Root
      open={apiKey !== null}
      onOpenChange={(open) => {
        if (!open) {
          revoke.reset();
          onClose();
        }
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 bg-slate-900/40" />
        <AlertDialog.Content className="fixed top-1/3 left-1/2 w-[28rem] max-w-[90vw] -translate-x-1/2 rounded bg-white p-5 shadow-xl">
          <AlertDialog.Title className="text-lg font-semibold">Revoke API key?</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-slate-700">
            Requests with the key &quot;{apiKey?.name}&quot; ({apiKey?.prefix}…) are refused from now on. This cannot be
            undone: the key stays listed, revoked, and whatever uses it needs a new one.
          </AlertDialog.Description>
          {revoke.error ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              {revoke.error.message}
            </p>
          ) : null}
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialog.Cancel>
            <Button
              variant="danger"
              disabled={revoke.isPending}
              onClick={() => {
                if (!apiKey) return;
                revoke.mutate(apiKey.id, { onSuccess: () => onClose() });
              }}
            >
              {revoke.isPending ? "Revoking…" : "Revoke"}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
