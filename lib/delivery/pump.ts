import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { Redis } from "ioredis";
import { recordAttempt, type TDeliveryAttempt } from "@/lib/delivery/attempts";
import { appendErrorEvent, ERROR_EVENT_INTERVAL_MS } from "@/lib/delivery/error-event";
import { headMarker } from "@/lib/delivery/state";
import { readAfter, type TFeedEntry, type TFeedName } from "@/lib/feeds/feed-store";
import { markerSeq } from "@/lib/feeds/marker";
import type { Delivery, Integration, PrismaClient } from "@/lib/generated/prisma/client";
import { backoffDelay, rejectedDelay } from "@/lib/hec/backoff";
import { buildBatch, type TBatch, type TBatchLimits } from "@/lib/hec/batch";
import { classifyReply } from "@/lib/hec/replies";
import { DestinationError, postToHec, type THecResponse } from "@/lib/hec/sender";
import { hecEventUrl } from "@/lib/integrations/ingestion-url";
import { matchesEventFilter } from "@/lib/integrations/event-filter";
import { ZEventFilter } from "@/lib/integrations/schema";
import { logger } from "@/lib/logger";
import { decryptToken } from "@/lib/security/token-cipher";

const gzip = promisify(gzipCallback);

export type TDeliveryConfig = {
  batchMaxBytes: number;
  batchMaxRecords: number;
  maxEventBytes: number;
  timeoutMs: number;
  gzipLevel: number;
  allowPrivateNetworks: boolean;
  encryptionKey: Buffer;
  maxFeedLength: number;
};

export type TPumpContext = { prisma: PrismaClient; redis: Redis; config: TDeliveryConfig; signal?: AbortSignal };

export type TPumpOutcome =
  | "caught-up" // nothing left to send
  | "budget" // time budget spent with records left: run again soon
  | "waiting" // failed; the next attempt is scheduled
  | "stopped" // deleted, paused, source switched off, aborted, or another pump moved the marker
  | "not-due"; // a retry is scheduled for later

type TLoaded = { integration: Integration; delivery: Delivery };

async function load(ctx: TPumpContext, integrationId: string, source: TFeedName): Promise<TLoaded | null> {
  const integration = await ctx.prisma.integration.findUnique({
    where: { id: integrationId },
    include: { deliveries: { where: { source } } },
  });
  if (!integration || integration.paused || !integration[source]) return null;
  const delivery = integration.deliveries[0];
  return delivery ? { integration, delivery } : null;
}

/** Moves the marker from `from` to `to` with the batch's counters, unless another pump moved it first. */
async function commit(
  ctx: TPumpContext,
  delivery: Delivery,
  to: string,
  counts: { records: number; bytes: number; gap: number; setAside?: number; delivered: boolean },
): Promise<boolean> {
  const now = new Date();
  const { count } = await ctx.prisma.delivery.updateMany({
    where: { integrationId: delivery.integrationId, source: delivery.source, marker: delivery.marker },
    data: {
      marker: to,
      deliveredRecords: { increment: BigInt(counts.records) },
      deliveredBytes: { increment: BigInt(counts.bytes) },
      gapRecords: { increment: BigInt(counts.gap) },
      setAsideRecords: { increment: counts.setAside ?? 0 },
      ...(counts.delivered
        ? { lastDeliveredAt: now, status: "healthy", statusDetail: "", failures: 0, nextAttemptAt: null }
        : {}),
    },
  });
  if (count === 0) return false;
  delivery.marker = to;
  return true;
}

async function setAside(ctx: TPumpContext, delivery: Delivery, entry: TFeedEntry, reason: string): Promise<void> {
  await ctx.prisma.setAsideRecord.create({
    data: {
      integrationId: delivery.integrationId,
      source: delivery.source,
      marker: entry.marker,
      reason,
      preview: entry.json.slice(0, 2000),
    },
  });
  logger.warn("record set aside", {
    integrationId: delivery.integrationId,
    source: delivery.source,
    marker: entry.marker,
    reason,
  });
}

async function fail(
  ctx: TPumpContext,
  loaded: TLoaded,
  kind: "retry" | "rejected",
  reason: string,
  retryAfterMs: number | null,
): Promise<void> {
  const { integration, delivery } = loaded;
  const failures = delivery.failures + 1;
  const now = Date.now();
  const delay = kind === "retry" ? backoffDelay(failures, retryAfterMs) : rejectedDelay();
  const shouldRaiseEvent =
    kind === "rejected" &&
    integration.errorEvents &&
    (!delivery.lastErrorEventAt || now - delivery.lastErrorEventAt.getTime() >= ERROR_EVENT_INTERVAL_MS);
  if (shouldRaiseEvent) {
    await appendErrorEvent(ctx.redis, {
      accountId: integration.accountId,
      integrationId: integration.id,
      connectorName: integration.name,
      source: delivery.source as TFeedName,
      reason,
      maxFeedLength: ctx.config.maxFeedLength,
    }).catch((error: unknown) => logger.warn("error event not appended", { error: String(error) }));
  }
  await ctx.prisma.delivery.updateMany({
    where: { integrationId: delivery.integrationId, source: delivery.source, marker: delivery.marker },
    data: {
      status: kind === "retry" ? "retrying" : "error",
      statusDetail: reason,
      failures,
      lastErrorAt: new Date(now),
      nextAttemptAt: new Date(now + delay),
      ...(shouldRaiseEvent ? { lastErrorEventAt: new Date(now) } : {}),
    },
  });
  logger.warn("delivery failed", {
    integrationId: integration.id,
    source: delivery.source,
    kind,
    reason,
    retryInMs: delay,
  });
}

function hecCode(body: string): number | null {
  const match = /"code"\s*:\s*(\d+)/.exec(body);
  return match ? Number(match[1]) : null;
}

/**
 * Delivers one data source of one integration: reads after its marker, filters (events
 * only), builds a batch of envelopes, compresses it and posts it; moves the marker only
 * once Splunk accepted. Runs until caught up, failed, stopped or out of its time budget.
 * Only one pump per (integration, source) runs at a time: the queue's job id, and the
 * marker's compare-and-set here as a second guard.
 */
export async function runPump(
  ctx: TPumpContext,
  integrationId: string,
  source: TFeedName,
  budgetMs: number,
): Promise<TPumpOutcome> {
  const deadline = Date.now() + budgetMs;
  const limits: TBatchLimits = { maxBytes: ctx.config.batchMaxBytes, maxRecords: ctx.config.batchMaxRecords };
  // Records read but not yet sent: one read feeds several batches when the byte cap
  // fills a batch before the record cap does.
  let readAhead: TFeedEntry[] = [];
  let pendingGap = 0;

  while (Date.now() < deadline) {
    if (ctx.signal?.aborted) return "stopped";
    // Read each batch's settings afresh: edits take effect on the next batch.
    const loaded = await load(ctx, integrationId, source);
    if (!loaded) return "stopped";
    const { integration, delivery } = loaded;
    if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > Date.now()) return "not-due";

    if (readAhead.length === 0) {
      const read = await readAfter(ctx.redis, source, delivery.marker, limits.maxRecords);
      if (read.isMarkerAhead) {
        // The feed was replaced (its data lost); start over from its current head.
        const head = await headMarker(ctx.redis, source);
        logger.warn("marker ahead of feed; restarting at its head", {
          integrationId,
          source,
          marker: delivery.marker,
          head,
        });
        if (!(await commit(ctx, delivery, head, { records: 0, bytes: 0, gap: 0, delivered: false }))) return "stopped";
        continue;
      }
      if (read.entries.length === 0) {
        // Everything after the marker aged out of the feed: count the gap and stand after it.
        if (read.gap > 0) {
          const past = `0-${markerSeq(delivery.marker) + read.gap}`;
          await commit(ctx, delivery, past, { records: 0, bytes: 0, gap: read.gap, delivered: false });
        }
        return "caught-up";
      }
      readAhead = read.entries;
      pendingGap = read.gap;
    }

    const filter = source === "events" ? ZEventFilter.catch([]).parse(integration.eventFilter) : [];
    const accept =
      filter.length > 0
        ? (entry: TFeedEntry) => matchesEventFilter(filter, entry.eventType, entry.eventSubType)
        : undefined;
    const batch = buildBatch(
      readAhead,
      { source, index: integration.index, maxEventBytes: ctx.config.maxEventBytes },
      limits,
      accept,
    );

    let outcome: TPumpOutcome | { consumed: number };
    if (batch.markers.length === 0) {
      // Everything read was filtered out: move past it.
      const moved = await commit(ctx, delivery, batch.lastMarker!, {
        records: 0,
        bytes: 0,
        gap: pendingGap,
        delivered: false,
      });
      outcome = moved ? { consumed: batch.consumed } : "stopped";
    } else {
      outcome = await sendBatch(ctx, loaded, batch, readAhead, pendingGap, limits);
    }
    if (typeof outcome === "string") return outcome;
    if (outcome.consumed > 0) pendingGap = 0;
    readAhead = readAhead.slice(outcome.consumed);
  }
  return "budget";
}

async function sendBatch(
  ctx: TPumpContext,
  loaded: TLoaded,
  batch: TBatch,
  entries: readonly TFeedEntry[],
  gap: number,
  limits: TBatchLimits,
): Promise<TPumpOutcome | { consumed: number }> {
  const { integration, delivery } = loaded;
  const source = delivery.source as TFeedName;
  const attempt = (partial: Partial<TDeliveryAttempt> & Pick<TDeliveryAttempt, "outcome">): TDeliveryAttempt => ({
    at: new Date().toISOString(),
    source,
    httpStatus: null,
    hecCode: null,
    records: batch.markers.length,
    bytes: batch.bytes,
    durationMs: 0,
    detail: "",
    ...partial,
  });

  let token: string;
  try {
    token = decryptToken(integration.tokenCiphertext, ctx.config.encryptionKey, integration.id);
  } catch {
    await fail(
      ctx,
      loaded,
      "rejected",
      "The stored API key cannot be decrypted with this server's encryption key; enter the API key again",
      null,
    );
    return "waiting";
  }

  const compressed = await gzip(batch.body, { level: ctx.config.gzipLevel });
  let response: THecResponse;
  try {
    if (ctx.signal?.aborted) return "stopped";
    response = await postToHec(hecEventUrl(integration.ingestionUrl), token, compressed, {
      timeoutMs: ctx.config.timeoutMs,
      allowPrivateNetworks: ctx.config.allowPrivateNetworks,
    });
  } catch (error) {
    if (ctx.signal?.aborted) return "stopped";
    const problem = error instanceof DestinationError ? error : new DestinationError(String(error), false);
    await recordAttempt(ctx.redis, integration.id, attempt({ outcome: "network", detail: problem.message }));
    await fail(ctx, loaded, problem.needsAdmin ? "rejected" : "retry", problem.message, null);
    return "waiting";
  }

  const verdict = classifyReply(response.status, response.body, response.retryAfter);
  const base = {
    httpStatus: response.status,
    hecCode: hecCode(response.body),
    durationMs: Math.round(response.durationMs),
  };
  switch (verdict.kind) {
    case "accepted": {
      await recordAttempt(ctx.redis, integration.id, attempt({ ...base, outcome: "accepted" }));
      const moved = await commit(ctx, delivery, batch.lastMarker!, {
        records: batch.markers.length,
        bytes: batch.bytes,
        gap,
        delivered: true,
      });
      return moved ? { consumed: batch.consumed } : "stopped";
    }
    case "bad-event": {
      const n = verdict.invalidEventNumber;
      if (n >= batch.markers.length) {
        await fail(ctx, loaded, "rejected", `${verdict.reason}, at an event number the batch does not have`, null);
        return "waiting";
      }
      // Splunk kept the events before n; set n aside and move past it.
      const badMarker = batch.markers[n]!;
      const badIndex = entries.findIndex((e) => e.marker === badMarker);
      const bad = entries[badIndex]!;
      await recordAttempt(
        ctx.redis,
        integration.id,
        attempt({ ...base, outcome: "partly-accepted", records: n, detail: verdict.reason }),
      );
      await setAside(ctx, delivery, bad, verdict.reason);
      const acceptedBytes = n === 0 ? 0 : Math.round((batch.bytes * n) / batch.markers.length);
      const moved = await commit(ctx, delivery, badMarker, {
        records: n,
        bytes: acceptedBytes,
        gap,
        setAside: 1,
        delivered: n > 0,
      });
      return moved ? { consumed: badIndex + 1 } : "stopped";
    }
    case "too-large": {
      await recordAttempt(
        ctx.redis,
        integration.id,
        attempt({ ...base, outcome: "too-large", detail: verdict.reason }),
      );
      if (batch.markers.length > 1) {
        limits.maxRecords = Math.max(1, Math.floor(batch.markers.length / 2));
        limits.maxBytes = Math.max(1, Math.floor(batch.bytes / 2));
        logger.info("batch too large for the destination; halving", {
          integrationId: integration.id,
          source,
          maxBytes: limits.maxBytes,
        });
        return { consumed: 0 };
      }
      const only = entries.find((e) => e.marker === batch.markers[0])!;
      await setAside(
        ctx,
        delivery,
        only,
        `${verdict.reason}: this record alone is larger than the destination accepts`,
      );
      // Past it, and past any filtered-out records the batch also took.
      const moved = await commit(ctx, delivery, batch.lastMarker!, {
        records: 0,
        bytes: 0,
        gap,
        setAside: 1,
        delivered: false,
      });
      return moved ? { consumed: batch.consumed } : "stopped";
    }
    case "retry":
    case "rejected": {
      await recordAttempt(
        ctx.redis,
        integration.id,
        attempt({ ...base, outcome: verdict.kind, detail: verdict.reason }),
      );
      await fail(ctx, loaded, verdict.kind, verdict.reason, verdict.kind === "retry" ? verdict.retryAfterMs : null);
      return "waiting";
    }
  }
}
