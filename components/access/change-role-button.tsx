"use client";

import { useRouter } from "next/navigation";
import { ROLE_LABELS } from "@/components/access/role-labels";
import { useUpdateUser } from "@/components/access/use-update-user";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";
import type { TUser } from "@/lib/auth/users";

/** "Make Admin" for a Viewer, "Make Viewer" for an Admin; the server keeps the last Admin. */
export function ChangeRoleButton({ user, isSelf }: { user: TUser; isSelf: boolean }) {
  const router = useRouter();
  const update = useUpdateUser();
  const role = user.role === "admin" ? "viewer" : "admin";
  const verb = `Make ${ROLE_LABELS[role]}`;
  // Giving up one's own Admin role cannot be undone by oneself: it asks first.
  const [isConfirming, setIsConfirming] = useState(false);
  useClearOnNextAction(Boolean(update.error) && !isConfirming, update.reset);
  const change = () =>
    update.mutate(
      { id: user.id, role },
      {
        // Made a Viewer, this page is no longer yours: the server renders it again for the new role.
        onSuccess: () => {
          setIsConfirming(false);
          if (isSelf && role === "viewer") router.refresh();
        },
      },
    );
  return (
    <>
      <Button
        variant="ghost"
        aria-label={`${verb}: ${user.email}`}
        // Not `disabled`, which would drop keyboard focus to the page while it saves.
        aria-disabled={update.isPending || undefined}
        onClick={() => {
          if (update.isPending) return;
          if (isSelf && role === "viewer") setIsConfirming(true);
          else change();
        }}
      >
        {update.isPending ? "Saving…" : verb}
      </Button>
      <ConfirmDialog
        open={isConfirming}
        title="Make yourself a Viewer?"
        description="You will no longer manage integrations, users or API keys, and only another Admin can make you an Admin again."
        confirmLabel="Make me a Viewer"
        pendingLabel="Saving…"
        action={update}
        onConfirm={change}
        onClose={() => setIsConfirming(false)}
      />
      {update.error && !isConfirming ? (
        <span role="alert" className="block max-w-64 text-xs font-medium text-red-700">
          {update.error.message}
        </span>
      ) : null}
    </>
  );
}
