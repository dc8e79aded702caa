"use client";

import { AlertDialog } from "radix-ui";
import { useDeleteUser } from "@/components/access/use-delete-user";
import { Button } from "@/components/ui/button";
import type { TUser } from "@/lib/auth/users";

export function DeleteUserDialog({
  user,
  isSelf,
  onClose,
}: {
  user: TUser | null;
  isSelf: boolean;
  onClose: () => void;
}) {
  const remove = useDeleteUser();

  return (
    <AlertDialog.Root
      open={user !== null}
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
          <AlertDialog.Title className="text-lg font-semibold">Delete user?</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-slate-700">
            This deletes {user?.email}, who can no longer sign in; their sessions end at once.
            {isSelf ? " This is you: you will be signed out." : ""} API keys they created keep working until revoked.
            The audit trail keeps what they did.
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
                if (!user) return;
                remove.mutate(user.id, { onSuccess: () => onClose() });
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
