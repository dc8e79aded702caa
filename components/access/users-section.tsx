"use client";

import { useState } from "react";
import { AddUserForm } from "@/components/access/add-user-form";
import { DeleteUserDialog } from "@/components/access/delete-user-dialog";
import { ResetPasswordDialog } from "@/components/access/reset-password-dialog";
import { UsersTable } from "@/components/access/users-table";
import { useCurrentUser } from "@/components/auth/current-user";
import type { TUser } from "@/lib/auth/users";

/** Users who sign in to the console: add, change role, reset password, delete. */
export function UsersSection() {
  const [resetting, setResetting] = useState<TUser | null>(null);
  const [deleting, setDeleting] = useState<TUser | null>(null);
  const [notice, setNotice] = useState("");
  const selfEmail = useCurrentUser()?.label ?? null;

  return (
    <section aria-labelledby="users-heading" className="mb-10">
      <h2 id="users-heading" className="mb-1 text-lg font-semibold">
        Users
      </h2>
      <p className="mb-3 text-sm text-slate-700">
        Admins manage integrations, users and API keys; Viewers see everything but change nothing.
      </p>
      <AddUserForm />
      {/* Always rendered: a live region announces changes only when it was there before them. */}
      <p role="status" className="text-sm text-slate-700">
        {notice ? <span className="mb-2 block">{notice}</span> : null}
      </p>
      <UsersTable selfEmail={selfEmail} onResetPassword={setResetting} onDelete={setDeleting} />
      <ResetPasswordDialog
        user={resetting}
        onClose={() => setResetting(null)}
        onDone={(user) => {
          setResetting(null);
          setNotice(`The password of ${user.email} was reset; their sessions have ended.`);
        }}
      />
      <DeleteUserDialog user={deleting} isSelf={deleting?.email === selfEmail} onClose={() => setDeleting(null)} />
    </section>
  );
}
