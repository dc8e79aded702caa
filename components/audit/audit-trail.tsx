"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { auditKeys, fetchAuditEntries, type TAuditListParams } from "@/components/audit/audit-api";
import { actionLabel, AUDIT_ACTION_LABELS, describeDetails } from "@/components/audit/audit-labels";
import { Button } from "@/components/ui/button";
import { DataTable, Td, type TColumn } from "@/components/ui/data-table";
import { EmailText } from "@/components/ui/email-text";
import { inputClass } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";

const COLUMNS: readonly TColumn[] = [
  { key: "time", label: "Time" },
  { key: "user", label: "User" },
  { key: "action", label: "Action" },
  { key: "target", label: "Target" },
  { key: "details", label: "Details" },
  { key: "from", label: "From" },
];
const REFRESH_MS = 5_000;

/** Every change and sign-in, newest first, filterable by who and by what. */
export function AuditTrail() {
  const [filters, setFilters] = useState({ actor: "", action: "" });
  // Older pages: the marker of each page shown before this one, so "Newer" can go back.
  const [pages, setPages] = useState<string[]>([]);
  const params: TAuditListParams = { ...filters, before: pages.at(-1) ?? null };
  const { data, error, isPending } = useQuery({
    queryKey: auditKeys.list(params),
    queryFn: ({ signal }) => fetchAuditEntries(params, signal),
    refetchInterval: params.before ? false : REFRESH_MS,
    placeholderData: keepPreviousData,
  });

  const setFilter = (name: "actor" | "action", value: string) => {
    setFilters((current) => ({ ...current, [name]: value }));
    setPages([]);
  };

  return (
    <>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="audit-user" className="mb-1 block text-sm font-medium text-slate-800">
            User
          </label>
          <select
            id="audit-user"
            className={inputClass}
            value={filters.actor}
            onChange={(event) => setFilter("actor", event.target.value)}
          >
            <option value="">All users</option>
            {(data?.actors ?? []).map((actor) => (
              <option key={actor} value={actor}>
                {actor}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-action" className="mb-1 block text-sm font-medium text-slate-800">
            Action
          </label>
          <select
            id="audit-action"
            className={inputClass}
            value={filters.action}
            onChange={(event) => setFilter("action", event.target.value)}
          >
            <option value="">All actions</option>
            {Object.entries(AUDIT_ACTION_LABELS).map(([action, label]) => (
              <option key={action} value={action}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error ? (
        <p role="alert" className="mb-3 text-sm text-red-700">
          The audit trail could not be loaded: {error.message}
        </p>
      ) : null}
      {isPending ? <p className="text-sm text-slate-700">Loading the audit trail…</p> : null}
      {data ? (
        <DataTable
          caption="Audit trail, newest first"
          columns={COLUMNS}
          isEmpty={data.entries.length === 0}
          emptyMessage="No entries match."
        >
          {data.entries.map((entry) => (
            <tr key={entry.id}>
              <Td className="whitespace-nowrap">
                <RelativeTime iso={entry.at} />
              </Td>
              <Td>
                <EmailText email={entry.actorLabel} />
                {entry.actorType === "api_key" ? <span className="text-xs text-slate-600"> (API key)</span> : null}
              </Td>
              <Td>
                <span className={entry.outcome === "failure" ? "font-medium text-red-700" : undefined}>
                  {actionLabel(entry.action, entry.outcome)}
                </span>
              </Td>
              {entry.targetType === "user" ? (
                <Td>
                  <EmailText email={entry.targetLabel} />
                </Td>
              ) : (
                <Td className="[overflow-wrap:anywhere]">{entry.targetLabel}</Td>
              )}
              <Td className="text-xs break-words text-slate-700">{describeDetails(entry.details)}</Td>
              <Td className="text-xs text-slate-700">{entry.address}</Td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <div className="mt-3 flex gap-2">
        {pages.length > 0 ? (
          <Button variant="secondary" onClick={() => setPages((current) => current.slice(0, -1))}>
            Newer
          </Button>
        ) : null}
        {data?.next ? (
          <Button variant="secondary" onClick={() => setPages((current) => [...current, data.next!])}>
            Older
          </Button>
        ) : null}
      </div>
    </>
  );
}
