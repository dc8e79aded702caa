"use client";

import { useRouter } from "next/navigation";
import { ROLE_LABELS } from "@/components/access/role-labels";
import { useUpdateUser } from "@/components/access/use-update-user";
import { Button } from "@/components/ui/button";
import type { TUser } from "@/lib/auth/users";

/** "Make Admin" for a Viewer, "Make Viewer" for an Admin; the server keeps the last Admin. */
export function ChangeRoleButton({ user, isSelf }: { user: TUser; isSelf: boolean }) {
  const router = useRouter();
  const update = useUpdateUser();
  const role = user.role === "admin" ? "viewer" : "admin";
  const verb = `Make ${ROLE_LABELS[role]}`;
  return (
    <>
      <Button
        variant="ghost"
        aria-label={`${verb}: ${user.email}`}
        // Not `disabled`, which would drop keyboard focus to the page while it saves.
        aria-disabled={update.isPending || undefined}
        onClick={() => {
          if (update.isPending) return;
          update.mutate(
            { id: user.id, role },
            {
              // Made a Viewer, this page is no longer yours: the server renders it again for the new role.
              onSuccess: () => (isSelf && role === "viewer" ? router.refresh() : undefined),
            },
          );
        }}
      >
        {update.isPending ? "Saving…" : verb}
      </Button>
      {update.error ? (
        <span role="alert" className="block max-w-64 text-xs font-medium text-red-700">
          {update.error.message}
        </span>
      ) : null}
    </>
  );
}
