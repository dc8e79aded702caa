"use client";

import { formatBytes, formatCount, isSource, SOURCE_LABELS } from "@/components/integrations/delivery-summary";
import { useGetIntegrationActivity } from "@/components/integrations/use-get-integration-activity";
import { DataTable, Td, type TColumn } from "@/components/ui/data-table";
import { formatLocalTime } from "@/components/ui/format-time";
import type { TDeliveryAttempt } from "@/lib/delivery/attempts";

const OUTCOMES: Record<TDeliveryAttempt["outcome"], { label: string; className: string }> = {
  accepted: { label: "Accepted", className: "text-green-800" },
  "partly-accepted": { label: "Partly accepted", className: "text-amber-900" },
  retry: { label: "Will retry", className: "text-amber-900" },
  rejected: { label: "Rejected", className: "text-red-700" },
  "too-large": { label: "Too large", className: "text-amber-900" },
  network: { label: "Network error", className: "text-red-700" },
  acknowledged: { label: "Indexed (acknowledged)", className: "text-green-800" },
  "ack-timeout": { label: "Not acknowledged, sent again", className: "text-amber-900" },
};

const COLUMNS: readonly TColumn[] = [
  { key: "time", label: "Time" },
  { key: "source", label: "Source" },
  { key: "outcome", label: "Outcome" },
  { key: "httpStatus", label: "HTTP Status" },
  { key: "hecCode", label: "HEC Code" },
  { key: "ackId", label: "Ack ID" },
  { key: "records", label: "Records", isNumeric: true },
  { key: "bytes", label: "Bytes", isNumeric: true },
  { key: "duration", label: "Duration", isNumeric: true },
  { key: "detail", label: "Detail" },
];

const none = <span className="text-slate-600">—</span>;

function sourceLabel(source: string): string {
  return isSource(source) ? SOURCE_LABELS[source] : source;
}

function Time({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatLocalTime(iso)}</time>;
}

/** The last delivery attempts and the records set aside, refreshed with the page. */
export function IntegrationActivity({ id }: { id: string }) {
  const { data, error, isPending } = useGetIntegrationActivity(id);

  if (isPending) return <p className="text-sm text-slate-700">Loading delivery activity…</p>;
  if (error && !data) {
    return (
      <p role="alert" className="text-sm text-red-700">
        The delivery activity could not be loaded: {error.message}
      </p>
    );
  }
  return (
    <>
      <section aria-labelledby="attempts-heading" className="mb-6">
        <h2 id="attempts-heading" className="mb-2 text-lg font-semibold">
          Recent delivery attempts
        </h2>
        <DataTable
          caption="Recent delivery attempts"
          columns={COLUMNS}
          isEmpty={data.attempts.length === 0}
          emptyMessage="No delivery attempts yet: there has been nothing to send, or Redis could not be reached."
        >
          {data.attempts.map((attempt, index) => {
            const outcome = OUTCOMES[attempt.outcome];
            return (
              <tr key={`${attempt.at}-${attempt.source}-${index}`}>
                <Td className="whitespace-nowrap">
                  <Time iso={attempt.at} />
                </Td>
                <Td>{sourceLabel(attempt.source)}</Td>
                <Td className={`whitespace-nowrap font-medium ${outcome?.className ?? ""}`}>
                  {outcome?.label ?? attempt.outcome}
                </Td>
                <Td>{attempt.httpStatus ?? none}</Td>
                <Td>{attempt.hecCode ?? none}</Td>
                <Td>{attempt.ackId ?? none}</Td>
                <Td className="text-right">{formatCount(attempt.records)}</Td>
                <Td className="whitespace-nowrap text-right">{formatBytes(attempt.bytes)}</Td>
                <Td className="whitespace-nowrap text-right">{formatCount(attempt.durationMs)} ms</Td>
                <Td className="min-w-48 break-words text-xs">{attempt.detail || none}</Td>
              </tr>
            );
          })}
        </DataTable>
      </section>

      <section aria-labelledby="set-aside-heading">
        <h2 id="set-aside-heading" className="mb-1 text-lg font-semibold">
          Records set aside
        </h2>
        <p className="mb-2 text-sm text-slate-700">
          Records Splunk refused on their own (malformed or too large) are set aside so that the rest keep flowing.
        </p>
        {data.setAside.length === 0 ? (
          <p className="text-sm text-slate-700">No records set aside.</p>
        ) : (
          <ul className="space-y-3">
            {data.setAside.map((record) => {
              const labelId = `set-aside-${record.id}`;
              return (
                <li key={record.id} className="rounded border border-slate-200 bg-white p-3">
                  <p id={labelId} className="mb-1 text-sm">
                    <Time iso={record.createdAt} /> · {sourceLabel(record.source)} · {record.reason}
                  </p>
                  <p className="mb-1 font-mono text-xs text-slate-600">Marker {record.marker}</p>
                  {/* Focusable so that the keyboard can scroll it. */}
                  <pre
                    role="region"
                    aria-labelledby={labelId}
                    tabIndex={0}
                    className="max-h-40 overflow-auto whitespace-pre-wrap break-all rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
                  >
                    {record.preview}
                  </pre>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}
