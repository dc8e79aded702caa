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
 */
export function summariseStatus(
  row: Pick<Integration, "paused">,
  sources: [string, TSourceDelivery][],
): { status: TIntegrationStatus; statusDetail: string } {
  if (row.paused) return { status: "paused", statusDetail: "Paused: nothing is sent until it is resumed" };
  const both = sources.length > 1;
  const detail = (source: string, text: string) => (both ? `${SOURCE_LABEL[source]}: ${text}` : text);
  for (const status of ["error", "retrying"] as const) {
    const failing = sources.filter(([, d]) => d.status === status);
    if (failing.length > 0) {
      return { status, statusDetail: failing.map(([s, d]) => detail(s, d.statusDetail)).join(" · ") };
    }
  }
  if (sources.some(([, d]) => d.status === "healthy")) return { status: "healthy", statusDetail: "" };
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
