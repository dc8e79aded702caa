"use client";

import { ROLE_LABELS } from "@/components/access/role-labels";
import { useListApiKeys } from "@/components/access/use-list-api-keys";
import { Button } from "@/components/ui/button";
import { formatLocalTime } from "@/components/ui/format-time";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TApiKey } from "@/lib/auth/api-keys";

const th = "px-2 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
const td = "px-2 py-2 align-top text-sm";
const COLUMNS = 8;

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
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">API keys, newest first</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={th}>
              Name
            </th>
            <th scope="col" className={th}>
              Role
            </th>
            <th scope="col" className={th}>
              Key
            </th>
            <th scope="col" className={th}>
              Created by
            </th>
            <th scope="col" className={th}>
              Created
            </th>
            <th scope="col" className={th}>
              Last used
            </th>
            <th scope="col" className={th}>
              Status
            </th>
            <th scope="col" className={th}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {data.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS} className="px-3 py-8 text-center text-sm text-slate-700">
                No API keys yet. Create one for each script or tool that calls the API.
              </td>
            </tr>
          ) : (
            data.map((apiKey) => (
              <tr key={apiKey.id}>
                <th scope="row" className={`${td} max-w-48 text-left font-medium break-words`}>
                  {apiKey.name}
                </th>
                <td className={td}>{ROLE_LABELS[apiKey.role]}</td>
                <td className={td}>
                  {/* Only the prefix is stored in clear: enough to tell keys apart. */}
                  <code className="font-mono text-xs whitespace-nowrap">{apiKey.prefix}…</code>
                </td>
                <td className={`${td} break-all`}>{apiKey.createdBy}</td>
                <td className={`${td} text-xs whitespace-nowrap`}>{formatLocalTime(apiKey.createdAt)}</td>
                <td className={`${td} whitespace-nowrap`}>
                  {apiKey.lastUsedAt ? (
                    <RelativeTime iso={apiKey.lastUsedAt} />
                  ) : (
                    <span className="text-slate-600">Never</span>
                  )}
                </td>
                <td className={td}>
                  <KeyStatus apiKey={apiKey} />
                </td>
                <td className={`${td} text-right`}>
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
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
