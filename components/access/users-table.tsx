"use client";

import { ChangeRoleButton } from "@/components/access/change-role-button";
import { ROLE_LABELS } from "@/components/access/role-labels";
import { useListUsers } from "@/components/access/use-list-users";
import { Button } from "@/components/ui/button";
import { formatLocalTime } from "@/components/ui/format-time";
import type { TUser } from "@/lib/auth/users";

const th = "px-2 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
const td = "px-2 py-2 align-top text-sm";

export function UsersTable({
  selfEmail,
  onResetPassword,
  onDelete,
}: {
  /** The signed-in user's email, to mark their own row. */
  selfEmail: string | null;
  onResetPassword: (user: TUser) => void;
  onDelete: (user: TUser) => void;
}) {
  const { data, error, isPending } = useListUsers();

  if (isPending) return <p className="text-sm text-slate-700">Loading users…</p>;
  if (error && !data) {
    return (
      <p role="alert" className="text-sm text-red-700">
        The users could not be loaded: {error.message}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">Users</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={th}>
              Email
            </th>
            <th scope="col" className={th}>
              Role
            </th>
            <th scope="col" className={th}>
              Created
            </th>
            <th scope="col" className={th}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {data.map((user) => {
            const isSelf = user.email === selfEmail;
            return (
              <tr key={user.id}>
                <th scope="row" className={`${td} text-left font-medium break-all`}>
                  {user.email}
                  {isSelf ? <span className="ml-1 text-xs font-normal text-slate-600">(you)</span> : null}
                </th>
                <td className={td}>{ROLE_LABELS[user.role]}</td>
                <td className={`${td} text-xs whitespace-nowrap`}>{formatLocalTime(user.createdAt)}</td>
                <td className={`${td} text-right`}>
                  <div className="flex flex-wrap items-start justify-end gap-1">
                    <div>
                      <ChangeRoleButton user={user} isSelf={isSelf} />
                    </div>
                    <Button
                      variant="ghost"
                      aria-label={`Reset password for ${user.email}`}
                      onClick={() => onResetPassword(user)}
                    >
                      Reset password
                    </Button>
                    <Button
                      variant="ghost"
                      className="text-red-700 hover:bg-red-50"
                      aria-label={`Delete ${user.email}`}
                      onClick={() => onDelete(user)}
                    >
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
