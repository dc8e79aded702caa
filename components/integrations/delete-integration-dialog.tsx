"use client";

import { AlertDialog } from "radix-ui";
import { Button } from "@/components/ui/button";
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
    <AlertDialog.Root
      open={integration !== null}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 bg-slate-900/40" />
        <AlertDialog.Content className="fixed top-1/3 left-1/2 w-[28rem] max-w-[90vw] -translate-x-1/2 rounded bg-white p-5 shadow-xl">
          <AlertDialog.Title className="text-lg font-semibold">Delete integration?</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-slate-700">
            This deletes the connector &quot;{integration?.name}&quot; and stops sending data to its Splunk. Deleting
            removes nothing in Splunk: data already delivered stays in its index.
          </AlertDialog.Description>
          {remove.error ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              {remove.error.message}
            </p>
          ) : null}
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialog.Cancel>
            <Button
              variant="danger"
              disabled={remove.isPending}
              onClick={() => {
                if (!integration) return;
                remove.mutate(integration.id, { onSuccess: () => onClose() });
              }}
            >
              {remove.isPending ? "Deleting…" : "Delete"}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
