import { readPendingAcks } from "@/lib/delivery/pending-acks";
import { isFeedName } from "@/lib/feeds/feed-store";
import type { Delivery, Integration } from "@/lib/generated/prisma/client";
import { metadataFromColumns } from "@/lib/hec/metadata";
import {
  ZEventFilter,
  type TIntegration,
  type TIntegrationStatus,
  type TLag,
  type TSourceDelivery,
} from "@/lib/integrations/schema";

export type TIntegrationRow = Integration & { deliveries?: Delivery[] };
export type TLagBySource = Partial<Record<string, TLag>>;

const SOURCE_LABEL: Record<string, string> = { events: "Events", flows: "Flows", audit: "Audit Trail" };
const SOURCE_ORDER = Object.keys(SOURCE_LABEL);

function serializeDelivery(delivery: Delivery, lag: TLag | undefined): TSourceDelivery {
  return {
    status: delivery.status,
    statusDetail: delivery.statusDetail,
    deliveredRecords: Number(delivery.deliveredRecords),
    deliveredBytes: Number(delivery.deliveredBytes),
    setAsideRecords: delivery.setAsideRecords,
    gapRecords: Number(delivery.gapRecords),
    lastDeliveredAt: delivery.lastDeliveredAt?.toISOString() ?? null,
    lastErrorAt: delivery.lastErrorAt?.toISOString() ?? null,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    failingSince: delivery.failingSince?.toISOString() ?? null,
    pendingAcks: readPendingAcks(delivery.pendingAcks).filter((p) => !p.acked).length,
    lag: lag ?? null,
  };
}

/**
 * The integration's status from its data sources: paused wins, then the worst source
 * (error, retrying), then healthy once anything was delivered; pending before that.
 * Sources are named in a fixed order (Events, Flows, Audit Trail), and sources failing
 * for the same reason share one line ("Events, Flows: ...") instead of repeating it.
 */
export function summariseStatus(
  row: Pick<Integration, "paused">,
  sources: [string, TSourceDelivery][],
): { status: TIntegrationStatus; statusDetail: string } {
  if (row.paused) return { status: "paused", statusDetail: "Paused: nothing is sent until it is resumed" };
  const ordered = [...sources].sort(([a], [b]) => SOURCE_ORDER.indexOf(a) - SOURCE_ORDER.indexOf(b));
  const both = ordered.length > 1;
  for (const status of ["error", "retrying"] as const) {
    const failing = ordered.filter(([, d]) => d.status === status);
    if (failing.length === 0) continue;
    const byReason = new Map<string, string[]>();
    for (const [source, d] of failing) byReason.set(d.statusDetail, [...(byReason.get(d.statusDetail) ?? []), source]);
    const lines = [...byReason].map(([reason, names]) =>
      both ? `${names.map((s) => SOURCE_LABEL[s]).join(", ")}: ${reason}` : reason,
    );
    return { status, statusDetail: lines.join(" · ") };
  }
  if (ordered.some(([, d]) => d.status === "healthy")) return { status: "healthy", statusDetail: "" };
  return { status: "pending", statusDetail: "" };
}

/** Row to API shape. The ciphertext never goes out; only the hint. */
export function serializeIntegration(
  row: TIntegrationRow,
  lag: TLagBySource = {},
  deliveredPerMinute: number[] = [],
): TIntegration {
  const filter = ZEventFilter.safeParse(row.eventFilter);
  const delivery: TIntegration["delivery"] = {};
  const enabled: [string, TSourceDelivery][] = [];
  for (const d of row.deliveries ?? []) {
    if (!isFeedName(d.source) || !row[d.source]) continue;
    const view = serializeDelivery(d, lag[d.source]);
    delivery[d.source] = view;
    enabled.push([d.source, view]);
  }
  const delivered = enabled.map(([, d]) => d.lastDeliveredAt).filter((t): t is string => t !== null);
  return {
    id: row.id,
    app: "splunk",
    auth: "api_key",
    name: row.name,
    description: row.description,
    ingestionUrl: row.ingestionUrl,
    apiKeyHint: row.tokenHint,
    index: row.index,
    events: row.events,
    flows: row.flows,
    audit: row.audit,
    eventFilter: filter.success ? filter.data : [],
    errorEvents: row.errorEvents,
    indexerAck: row.indexerAck,
    paused: row.paused,
    ...metadataFromColumns(row),
    ...summariseStatus(row, enabled),
    lastDeliveredAt: delivered.sort().at(-1) ?? null,
    delivery,
    deliveredPerMinute,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What a role may see: a Viewer gets no part of the token, not even its hint. */
export function forRole(integration: TIntegration, role: "admin" | "viewer"): TIntegration {
  return role === "admin" ? integration : { ...integration, apiKeyHint: "" };
}
