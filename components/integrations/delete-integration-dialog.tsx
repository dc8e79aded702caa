"use client";

import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useDeleteIntegration } from "@/components/integrations/use-delete-integration";
import type { TIntegration } from "@/lib/integrations/schema";

export function DeleteIntegrationDialog({
  integration,
  onClose,
  onDeleted,
  fallbackFocus,
}: {
  integration: TIntegration | null;
  onClose: () => void;
  onDeleted?: (integration: TIntegration) => void;
  /** Where focus goes once the integration, and with it the button that opened this, is gone. */
  fallbackFocus?: () => HTMLElement | null;
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
      onConfirm={() => {
        if (!integration) return;
        // A promise rather than mutate's callbacks, which do not run once the page showing
        // the integration has unmounted (its own query answers 404 after the delete).
        remove.mutateAsync(integration.id).then(
          () => {
            onDeleted?.(integration);
            onClose();
          },
          () => undefined, // shown in the dialog from the mutation's error
        );
      }}
      onClose={onClose}
      fallbackFocus={fallbackFocus}
    />
  );
}
