"use client";

import type { ReactNode } from "react";
import { formatAge, formatLocalTime } from "@/components/ui/format-time";
import { RelativeTime, useNow } from "@/components/ui/relative-time";
import {
  formatBytes,
  formatLag,
  formatRecords,
  SOURCE_LABELS,
  type TSource,
} from "@/components/integrations/delivery-summary";
import { StatusBadge } from "@/components/integrations/status-badge";
import type { TSourceDelivery } from "@/lib/integrations/schema";

const DUE_NOW_MS = 5_000;

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-slate-600">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

function Moment({ iso, none }: { iso: string | null; none: string }) {
  return iso ? <RelativeTime iso={iso} /> : <span className="text-slate-600">{none}</span>;
}

/**
 * A next attempt in the past has not happened: it waits for a worker to pick it up, which
 * "23 seconds ago" would hide. It reads as overdue, by how long, never as a past event.
 */
function NextAttempt({ iso }: { iso: string | null }) {
  const now = useNow();
  if (!iso) return <span className="text-slate-600">As soon as records arrive</span>;
  const overdueMs = now === null ? null : now - Date.parse(iso);
  if (overdueMs !== null && overdueMs >= 0) {
    return (
      <>
        <time dateTime={iso} title={formatLocalTime(iso)}>
          {/* Clocks of browser and server differ by a little: a few seconds late is due now. */}
          {overdueMs < DUE_NOW_MS ? "Due now" : `Overdue by ${formatAge(overdueMs / 1000)}`}
        </time>
        <span className="block text-xs text-slate-600">waiting for a worker to take it</span>
      </>
    );
  }
  return <RelativeTime iso={iso} />;
}

/** How one data source of an integration is being delivered. */
export function SourceDelivery({ source, delivery }: { source: TSource; delivery: TSourceDelivery }) {
  const headingId = `delivery-${source}-heading`;
  return (
    <section aria-labelledby={headingId} className="rounded border border-slate-200 bg-white p-4">
      <div className="mb-3">
        <h3 id={headingId} className="mb-1 font-semibold">
          {SOURCE_LABELS[source]}
        </h3>
        <StatusBadge status={delivery.status} detail={delivery.statusDetail} isWide />
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <Item term="Delivered">
          {formatRecords(delivery.deliveredRecords)} ({formatBytes(delivery.deliveredBytes)})
        </Item>
        <Item term="Set aside">{formatRecords(delivery.setAsideRecords)}</Item>
        <Item term="Gaps">
          {formatRecords(delivery.gapRecords)}
          {delivery.gapRecords > 0 ? (
            <span className="block text-xs text-slate-600">aged out of the feed before they could be delivered</span>
          ) : null}
        </Item>
        <Item term="Lag">
          {delivery.lag ? formatLag(delivery.lag) : <span className="text-slate-600">Unknown</span>}
        </Item>
        <Item term="Last delivered">
          <Moment iso={delivery.lastDeliveredAt} none="Never" />
        </Item>
        <Item term="Last error">
          <Moment iso={delivery.lastErrorAt} none="None" />
        </Item>
        {delivery.failingSince ? (
          <Item term="Failing since">
            <RelativeTime iso={delivery.failingSince} />
          </Item>
        ) : null}
        {delivery.pendingAcks > 0 ? (
          <Item term="Waiting for acknowledgment">
            {delivery.pendingAcks} batch{delivery.pendingAcks === 1 ? "" : "es"}
          </Item>
        ) : null}
        <Item term="Next attempt">
          <NextAttempt iso={delivery.nextAttemptAt} />
        </Item>
      </dl>
    </section>
  );
}
