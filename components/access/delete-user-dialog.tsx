"use client";

import { useDeleteUser } from "@/components/access/use-delete-user";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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
    <ConfirmDialog
      open={user !== null}
      title="Delete user?"
      description={
        <>
          This deletes {user?.email}, who can no longer sign in; their sessions end at once.
          {isSelf ? " This is you: you will be signed out." : ""} API keys they created keep working until revoked. The
          audit trail keeps what they did.
        </>
      }
      confirmLabel="Delete"
      pendingLabel="Deleting…"
      action={remove}
      onConfirm={() => user && remove.mutate(user.id, { onSuccess: () => onClose() })}
      onClose={onClose}
    />
  );
}
