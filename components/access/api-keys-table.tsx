"use client";

import { ROLE_LABELS } from "@/components/access/role-labels";
import { useListApiKeys } from "@/components/access/use-list-api-keys";
import { Button } from "@/components/ui/button";
import { DataTable, RowHeader, Td, type TColumn } from "@/components/ui/data-table";
import { EmailText } from "@/components/ui/email-text";
import { formatLocalTime } from "@/components/ui/format-time";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TApiKey } from "@/lib/auth/api-keys";

const COLUMNS: readonly TColumn[] = [
  { key: "name", label: "Name" },
  { key: "role", label: "Role" },
  { key: "key", label: "Key" },
  { key: "createdBy", label: "Created by" },
  { key: "created", label: "Created" },
  { key: "lastUsed", label: "Last used" },
  { key: "status", label: "Status" },
  { key: "actions", label: "Actions", isLabelHidden: true },
];

function KeyStatus({ apiKey }: { apiKey: TApiKey }) {
  if (!apiKey.revokedAt) {
    return (
      <span className="inline-flex items-center rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-800 ring-1 ring-green-300 ring-inset">
        Active
      </span>
    );
  }
  return (
    <span className="inline-flex flex-col">
      <span className="inline-flex w-fit items-center rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-slate-300 ring-inset">
        Revoked
      </span>
      <span className="mt-1 text-xs text-slate-600">
        <RelativeTime iso={apiKey.revokedAt} />
      </span>
    </span>
  );
}

export function ApiKeysTable({ onRevoke }: { onRevoke: (apiKey: TApiKey) => void }) {
  const { data, error, isPending } = useListApiKeys();

  if (isPending) return <p className="text-sm text-slate-700">Loading API keys…</p>;
  if (error && !data) {
    return (
      <p role="alert" className="text-sm text-red-700">
        The API keys could not be loaded: {error.message}
      </p>
    );
  }
  return (
    <DataTable
      caption="API keys, newest first"
      columns={COLUMNS}
      isEmpty={data.length === 0}
      emptyMessage="No API keys yet. Create one for each script or tool that calls the API."
    >
      {data.map((apiKey) => (
        <tr key={apiKey.id}>
          <RowHeader className="max-w-48 break-words">{apiKey.name}</RowHeader>
          <Td>{ROLE_LABELS[apiKey.role]}</Td>
          <Td>
            {/* Only the prefix is stored in clear: enough to tell keys apart. */}
            <code className="font-mono text-xs whitespace-nowrap">{apiKey.prefix}…</code>
          </Td>
          <Td>
            <EmailText email={apiKey.createdBy} />
          </Td>
          <Td className="text-xs whitespace-nowrap">
            <time dateTime={apiKey.createdAt}>{formatLocalTime(apiKey.createdAt)}</time>
          </Td>
          <Td className="whitespace-nowrap">
            {apiKey.lastUsedAt ? (
              <RelativeTime iso={apiKey.lastUsedAt} />
            ) : (
              <span className="text-slate-600">Never</span>
            )}
          </Td>
          <Td>
            <KeyStatus apiKey={apiKey} />
          </Td>
          <Td className="text-right">
            {apiKey.revokedAt ? null : (
              <Button
                variant="ghost"
                className="text-red-700 hover:bg-red-50"
                aria-label={`Revoke ${apiKey.name} (${apiKey.prefix}…)`}
                onClick={() => onRevoke(apiKey)}
              >
                Revoke
              </Button>
            )}
          </Td>
        </tr>
      ))}
    </DataTable>
  );
}
