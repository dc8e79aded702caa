"use client";

import { useRevokeApiKey } from "@/components/access/use-revoke-api-key";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { TApiKey } from "@/lib/auth/api-keys";

export function RevokeApiKeyDialog({ apiKey, onClose }: { apiKey: TApiKey | null; onClose: () => void }) {
  const revoke = useRevokeApiKey();
  return (
    <ConfirmDialog
      open={apiKey !== null}
      title="Revoke API key?"
      description={
        <>
          Requests with the key &quot;{apiKey?.name}&quot; ({apiKey?.prefix}…) are refused from now on. This cannot be
          undone: the key stays listed, revoked, and whatever uses it needs a new one.
        </>
      }
      confirmLabel="Revoke"
      pendingLabel="Revoking…"
      action={revoke}
      onConfirm={() => apiKey && revoke.mutate(apiKey.id, { onSuccess: () => onClose() })}
      onClose={onClose}
    />
  );
}
