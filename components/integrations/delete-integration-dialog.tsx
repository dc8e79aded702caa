"use client";

import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useDeleteIntegration } from "@/components/integrations/use-delete-integration";
import type { TIntegration } from "@/lib/integrations/schema";

export function DeleteIntegrationDialog({
  integration,
  onClose,
}: {
  integration: TIntegration | null;
  onClose: () => void;
}) {
  const remove = useDeleteIntegration();
  return (
    <ConfirmDialog
      open={integration !== null}
      title="Delete integration?"
      description={
        <>
          This deletes the connector &quot;{integration?.name}&quot; and stops sending data to its Splunk. Deleting
          removes nothing in Splunk: data already delivered stays in its index.
        </>
      }
      confirmLabel="Delete"
      pendingLabel="Deleting…"
      action={remove}
      onConfirm={() => integration && remove.mutate(integration.id, { onSuccess: () => onClose() })}
      onClose={onClose}
    />
  );
}
