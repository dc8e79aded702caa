"use client";

import { formatAge } from "@/components/ui/format-time";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TCatoPollState, TCatoStatus } from "@/lib/cato/schema";

export const CATO_STATE_LABELS: Record<TCatoPollState, string> = {
  disabled: "Disabled",
  polling: "Polling",
  "caught-up": "Caught up",
  "rate-limited": "Rate-limited",
  error: "Error",
};

const STATE_CLASS: Record<TCatoPollState, string> = {
  disabled: "bg-slate-100 text-slate-700",
  polling: "bg-blue-50 text-blue-800",
  "caught-up": "bg-green-50 text-green-800",
  "rate-limited": "bg-amber-50 text-amber-900",
  error: "bg-red-50 text-red-800",
};

/** The poller's state, its reason, and how far it has come. */
export function CatoStatus({ status, events, audit }: { status: TCatoStatus; events: boolean; audit: boolean }) {
  return (
    <section aria-labelledby="cato-status-heading" className="mb-6 rounded border border-slate-200 bg-white p-4">
      <h2 id="cato-status-heading" className="mb-2 text-base font-semibold">
        Status
      </h2>
      <p className="mb-2 text-sm">
        <span
          data-testid="cato-state"
          className={`mr-2 inline-block rounded px-2 py-0.5 text-xs font-semibold ${STATE_CLASS[status.state]}`}
        >
          {CATO_STATE_LABELS[status.state]}
        </span>
        {status.detail ? <span className="text-slate-700">{status.detail}</span> : null}
      </p>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-600">Last successful call</dt>
        <dd>{status.lastPollAt ? <RelativeTime iso={status.lastPollAt} /> : "Never"}</dd>
        {events ? (
          <>
            <dt className="text-slate-600">Events fetched</dt>
            <dd data-testid="cato-fetched-events">{status.fetched.events.toLocaleString("en-US")}</dd>
          </>
        ) : null}
        {audit ? (
          <>
            <dt className="text-slate-600">Audit records fetched</dt>
            <dd data-testid="cato-fetched-audit">{status.fetched.audit.toLocaleString("en-US")}</dd>
          </>
        ) : null}
        <dt className="text-slate-600">Newest record fetched</dt>
        <dd>{status.lastRecordAt ? <RelativeTime iso={status.lastRecordAt} /> : "None yet"}</dd>
        <dt className="text-slate-600">Behind Cato</dt>
        <dd>
          {status.behindSeconds === null
            ? "Not known yet"
            : status.behindSeconds === 0
              ? "Caught up"
              : formatAge(status.behindSeconds)}
        </dd>
      </dl>
    </section>
  );
}
