"use client";

import { formatBytes, formatCount, isSource, SOURCE_LABELS } from "@/components/integrations/delivery-summary";
import { useGetIntegrationActivity } from "@/components/integrations/use-get-integration-activity";
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

const COLUMNS = [
  { name: "Time" },
  { name: "Source" },
  { name: "Outcome" },
  { name: "HTTP Status" },
  { name: "HEC Code" },
  { name: "Ack ID" },
  { name: "Records", isNumber: true },
  { name: "Bytes", isNumber: true },
  { name: "Duration", isNumber: true },
  { name: "Detail" },
];

const th = "px-2 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600";
const td = "px-2 py-1.5 align-top text-sm";
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
        <div
          role="group"
          aria-labelledby="attempts-heading"
          // Focusable so that a keyboard can scroll the table when it is wider than the screen.
          tabIndex={0}
          className="overflow-x-auto rounded border border-slate-200 bg-white focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
        >
          <table aria-labelledby="attempts-heading" className="min-w-full divide-y divide-slate-200">
            <thead className="bg-slate-50">
              <tr>
                {COLUMNS.map((column) => (
                  <th key={column.name} scope="col" className={`${th} ${column.isNumber ? "text-right" : "text-left"}`}>
                    {column.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.attempts.length === 0 ? (
                <tr>
                  <td colSpan={COLUMNS.length} className="px-3 py-6 text-center text-sm text-slate-700">
                    No delivery attempts yet: there has been nothing to send, or Redis could not be reached.
                  </td>
                </tr>
              ) : (
                data.attempts.map((attempt, index) => {
                  const outcome = OUTCOMES[attempt.outcome];
                  return (
                    <tr key={`${attempt.at}-${attempt.source}-${index}`}>
                      <td className={`${td} whitespace-nowrap`}>
                        <Time iso={attempt.at} />
                      </td>
                      <td className={td}>{sourceLabel(attempt.source)}</td>
                      <td className={`${td} whitespace-nowrap font-medium ${outcome?.className ?? ""}`}>
                        {outcome?.label ?? attempt.outcome}
                      </td>
                      <td className={td}>{attempt.httpStatus ?? none}</td>
                      <td className={td}>{attempt.hecCode ?? none}</td>
                      <td className={td}>{attempt.ackId ?? none}</td>
                      <td className={`${td} text-right`}>{formatCount(attempt.records)}</td>
                      <td className={`${td} whitespace-nowrap text-right`}>{formatBytes(attempt.bytes)}</td>
                      <td className={`${td} whitespace-nowrap text-right`}>{formatCount(attempt.durationMs)} ms</td>
                      <td className={`${td} min-w-48 break-words text-xs`}>{attempt.detail || none}</td>
                    </tr>
                  );
                })
              )}
            </tbody>
          </table>
        </div>
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
