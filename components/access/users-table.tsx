"use client";

import { ChangeRoleButton } from "@/components/access/change-role-button";
import { ROLE_LABELS } from "@/components/access/role-labels";
import { useListUsers } from "@/components/access/use-list-users";
import { Button } from "@/components/ui/button";
import { DataTable, RowHeader, Td, type TColumn } from "@/components/ui/data-table";
import { EmailText } from "@/components/ui/email-text";
import { formatLocalTime } from "@/components/ui/format-time";
import type { TUser } from "@/lib/auth/users";

const COLUMNS: readonly TColumn[] = [
  { key: "email", label: "Email" },
  { key: "role", label: "Role" },
  { key: "created", label: "Created" },
  { key: "actions", label: "Actions", isLabelHidden: true },
];

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
    <DataTable caption="Users" columns={COLUMNS} isEmpty={data.length === 0} emptyMessage="No users yet.">
      {data.map((user) => {
        const isSelf = user.email === selfEmail;
        return (
          <tr key={user.id}>
            <RowHeader>
              <EmailText email={user.email} />
              {isSelf ? <span className="ml-1 text-xs font-normal text-slate-600">(you)</span> : null}
            </RowHeader>
            <Td>{ROLE_LABELS[user.role]}</Td>
            <Td className="text-xs whitespace-nowrap">
              <time dateTime={user.createdAt}>{formatLocalTime(user.createdAt)}</time>
            </Td>
            <Td className="text-right">
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
            </Td>
          </tr>
        );
      })}
    </DataTable>
  );
}
