import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { Redis } from "ioredis";
import { recordAttempt, type TDeliveryAttempt } from "@/lib/delivery/attempts";
import { appendErrorEvent, ERROR_EVENT_INTERVAL_MS } from "@/lib/delivery/error-event";
import { recordBatchMetrics } from "@/lib/delivery/metrics";
import { headMarker } from "@/lib/delivery/state";
import { loadWholeJson, readAfter, type TFeedEntry, type TFeedName } from "@/lib/feeds/feed-store";
import { markerSeq } from "@/lib/feeds/marker";
import type { Delivery, Integration, PrismaClient } from "@/lib/generated/prisma/client";
import { backoffDelay, rejectedDelay } from "@/lib/hec/backoff";
import { buildBatch, type TBatch, type TBatchLimits } from "@/lib/hec/batch";
import { envelopeMetadata } from "@/lib/hec/metadata";
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
type TPosition = { marker: string | null };

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
 * How much to read at once: about two batches' worth by bytes, never more than the
 * record cap, and never more than READ_AHEAD_MAX_BYTES, so memory stays bounded with
 * many pumps running at once whatever the records hold. The read itself stops at the
 * byte budget (readAfter's maxBytes), so no estimate of record sizes is involved.
 */
const READ_AHEAD_MAX_BYTES = 4 * 1024 * 1024;

function readBudget(limits: TBatchLimits): { count: number; maxBytes: number } {
  return { count: limits.maxRecords, maxBytes: Math.max(1, Math.min(READ_AHEAD_MAX_BYTES, 2 * limits.maxBytes)) };
}

const LARGE_RECORD_CHARS = 1_000_000;
let largeRecordQueue: Promise<void> = Promise.resolve();

/** Waits for this process' turn to build a batch around a large record; call the result when done. */
async function acquireLargeRecordTurn(): Promise<() => void> {
  let release!: () => void;
  const previous = largeRecordQueue;
  largeRecordQueue = new Promise<void>((resolve) => (release = resolve));
  await previous;
  return release;
}

/**
 * A batch on its way. It is built and compressed while the batch before it is on the
 * wire, but its own request starts only once that one is settled: one request in
 * flight per pump, so a crash resends at most one batch.
 */
type TInFlight = {
  loaded: TLoaded;
  batch: TBatch;
  /** The read-ahead entries the batch was built from, starting with its first one. */
  entries: readonly TFeedEntry[];
  gap: number;
  compressed: Promise<Buffer> | null;
  result: Promise<TTransmitResult> | null;
};

type TTransmitResult =
  | { kind: "skipped" } // nothing to send: every entry was filtered out
  | { kind: "response"; response: THecResponse }
  | { kind: "error"; error: DestinationError }
  | { kind: "no-token" }
  | { kind: "aborted" };

/** POSTs one compressed batch; no side effects on the marker, so a result can be dropped safely. */
async function transmit(ctx: TPumpContext, flight: TInFlight): Promise<TTransmitResult> {
  const { integration } = flight.loaded;
  if (!flight.compressed) return { kind: "skipped" };
  let token: string;
  try {
    token = decryptToken(integration.tokenCiphertext, ctx.config.encryptionKey, integration.id);
  } catch {
    return { kind: "no-token" };
  }
  const compressed = await flight.compressed;
  if (ctx.signal?.aborted) return { kind: "aborted" };
  try {
    const response = await postToHec(hecEventUrl(integration.ingestionUrl), token, compressed, {
      timeoutMs: ctx.config.timeoutMs,
      allowPrivateNetworks: ctx.config.allowPrivateNetworks,
    });
    return { kind: "response", response };
  } catch (error) {
    if (ctx.signal?.aborted) return { kind: "aborted" };
    return {
      kind: "error",
      error: error instanceof DestinationError ? error : new DestinationError(String(error), false),
    };
  }
}

/**
 * Delivers one data source of one integration: reads after its marker, filters (events
 * only), builds a batch of envelopes, compresses it and posts it; moves the marker only
 * once Splunk accepted. While one batch is on the wire the next is built and compressed;
 * it is posted only once the first is settled, and dropped if that one failed (it is
 * read again after the marker: at least once, never lost). Runs until caught up,
 * failed, stopped or out of its time budget. Only one pump per (integration, source)
 * runs at a time: the queue's job id, and the marker's compare-and-set as a second guard.
 */
export async function runPump(
  ctx: TPumpContext,
  integrationId: string,
  source: TFeedName,
  budgetMs: number,
): Promise<TPumpOutcome> {
  const deadline = Date.now() + budgetMs;
  const limits: TBatchLimits = { maxBytes: ctx.config.batchMaxBytes, maxRecords: ctx.config.batchMaxRecords };
  // Records read but not yet in a batch; `readCursor` is the last one read, which runs
  // ahead of the committed marker while a batch is in flight.
  let readAhead: TFeedEntry[] = [];
  let readCursor: string | null = null;
  let pendingGap = 0;
  let inFlight: TInFlight | null = null;
  let finalOutcome: TPumpOutcome | null = null;
  // The marker as committed by this run, ahead of what a batch prepared earlier read.
  const position: TPosition = { marker: null };

  const restartFromMarker = () => {
    readAhead = [];
    readCursor = null;
  };

  for (;;) {
    // 1. Prepare the next batch while the one in flight is on the wire.
    let next: TInFlight | null = null;
    if (finalOutcome === null && Date.now() < deadline && !ctx.signal?.aborted) {
      // Each batch reads the settings afresh: edits take effect on the next batch.
      const loaded = await load(ctx, integrationId, source);
      if (!loaded) finalOutcome = "stopped";
      else if (loaded.delivery.nextAttemptAt && loaded.delivery.nextAttemptAt.getTime() > Date.now()) {
        finalOutcome = "not-due";
      } else {
        const { integration, delivery } = loaded;
        if (readAhead.length === 0) {
          const from = readCursor ?? delivery.marker;
          const budget = readBudget(limits);
          const read = await readAfter(ctx.redis, source, from, budget.count, budget.maxBytes);
          if (read.isMarkerAhead && !inFlight) {
            // The feed was replaced (its data lost); start over from its current head.
            const head = await headMarker(ctx.redis, source);
            logger.warn("marker ahead of feed; restarting at its head", { integrationId, source, marker: from, head });
            if (!(await commit(ctx, delivery, head, { records: 0, bytes: 0, gap: 0, delivered: false })))
              return "stopped";
            position.marker = delivery.marker;
            restartFromMarker();
            continue;
          }
          if (read.entries.length === 0) {
            if (read.gap > 0 && !inFlight) {
              // Everything after the marker aged out of the feed: count the gap and stand after it.
              const past = `0-${markerSeq(from) + read.gap}`;
              await commit(ctx, delivery, past, { records: 0, bytes: 0, gap: read.gap, delivered: false });
              position.marker = delivery.marker;
            }
            if (!inFlight) return "caught-up";
            finalOutcome = "caught-up";
          } else {
            readAhead = read.entries;
            readCursor = readAhead.at(-1)!.marker;
            pendingGap += read.gap;
          }
        }
        if (readAhead.length > 0) {
          const filter = source === "events" ? ZEventFilter.catch([]).parse(integration.eventFilter) : [];
          const accept =
            filter.length > 0
              ? (entry: TFeedEntry) => matchesEventFilter(filter, entry.eventType, entry.eventSubType)
              : undefined;
          const options = {
            source,
            index: integration.index,
            maxEventBytes: ctx.config.maxEventBytes,
            ...envelopeMetadata(integration, source),
          };
          // Cutting and compressing a multi-megabyte record takes several copies of it: one
          // pump at a time loads a big record whole and does that, so many pumps meeting
          // such records cannot pile them up. A batch stops before a big record, which
          // starts the next one.
          const bigAt = readAhead.findIndex((entry) => entry.bigChars);
          const isLarge = bigAt === 0 || readAhead[0]!.json.length > LARGE_RECORD_CHARS;
          const release = isLarge ? await acquireLargeRecordTurn() : undefined;
          let batch: TBatch;
          let compressed: Promise<Buffer> | null;
          try {
            const first = readAhead[0]!;
            const candidates =
              bigAt === 0
                ? [{ ...first, json: await loadWholeJson(ctx.redis, source, first) }]
                : bigAt > 0
                  ? readAhead.slice(0, bigAt)
                  : readAhead;
            batch = buildBatch(candidates, options, { ...limits }, accept);
            compressed = batch.markers.length > 0 ? gzip(batch.body, { level: ctx.config.gzipLevel }) : null;
            if (release) {
              compressed = compressed && Promise.resolve(await compressed);
              batch.body = "";
            }
          } finally {
            release?.();
          }
          const entries = readAhead;
          readAhead = readAhead.slice(batch.consumed);
          next = { loaded, batch, entries, gap: pendingGap, compressed, result: null };
          pendingGap = 0;
        }
      }
    }

    // 2. Settle the batch in flight, in order.
    if (inFlight) {
      const settled = await settle(ctx, inFlight, limits, position);
      if (settled !== "sent") {
        // The next batch was built on the assumption this one went through: drop it.
        if (next?.compressed) void next.compressed.catch(() => undefined);
        if (settled === "reread") {
          restartFromMarker();
          inFlight = null;
          finalOutcome = null;
          continue;
        }
        return settled;
      }
    }
    inFlight = next;
    if (!inFlight) return finalOutcome ?? "budget";
    inFlight.result = transmit(ctx, inFlight);
  }
}

/**
 * What a batch's reply means for the marker: "sent" (committed; go on), "reread" (part
 * of it must be read again: a set-aside event or a smaller batch), or an outcome that
 * ends the pump run.
 */
async function settle(
  ctx: TPumpContext,
  flight: TInFlight,
  limits: TBatchLimits,
  position: TPosition,
): Promise<"sent" | "reread" | TPumpOutcome> {
  const { loaded, batch } = flight;
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
  // The marker as committed so far: the previous batch's commit may have moved it
  // after this batch's settings were read.
  const current: Delivery = { ...delivery, marker: position.marker ?? delivery.marker };
  const state: TLoaded = { integration, delivery: current };
  const settled = await settleReply(ctx, flight, limits, state, attempt);
  position.marker = current.marker;
  return settled;
}

async function settleReply(
  ctx: TPumpContext,
  flight: TInFlight,
  limits: TBatchLimits,
  state: TLoaded,
  attempt: (partial: Partial<TDeliveryAttempt> & Pick<TDeliveryAttempt, "outcome">) => TDeliveryAttempt,
): Promise<"sent" | "reread" | TPumpOutcome> {
  const { batch, entries, gap } = flight;
  const { integration, delivery: current } = state;
  const source = current.source as TFeedName;

  const result = await (flight.result ?? transmit(ctx, flight));
  switch (result.kind) {
    case "aborted":
      return "stopped";
    case "skipped": {
      const moved = await commit(ctx, current, batch.lastMarker!, { records: 0, bytes: 0, gap, delivered: false });
      return moved ? "sent" : "stopped";
    }
    case "no-token":
      await fail(
        ctx,
        state,
        "rejected",
        "The stored API key cannot be decrypted with this server's encryption key; enter the API key again",
        null,
      );
      return "waiting";
    case "error":
      void recordAttempt(
        ctx.redis,
        integration.id,
        attempt({ outcome: "network", detail: result.error.message }),
      ).catch(() => undefined);
      void recordBatchMetrics(ctx.redis, integration.id, source, { isRetry: true }).catch(() => undefined);
      await fail(ctx, state, result.error.needsAdmin ? "rejected" : "retry", result.error.message, null);
      return "waiting";
    case "response":
      break;
  }

  const response = result.response;
  const verdict = classifyReply(response.status, response.body, response.retryAfter);
  const base = {
    httpStatus: response.status,
    hecCode: hecCode(response.body),
    durationMs: Math.round(response.durationMs),
  };
  const reply = { httpStatus: base.httpStatus, hecCode: base.hecCode, latencyMs: response.durationMs };
  switch (verdict.kind) {
    case "accepted": {
      // The attempt log is informational: it does not hold up the next batch.
      void recordAttempt(ctx.redis, integration.id, attempt({ ...base, outcome: "accepted" })).catch(() => undefined);
      void recordBatchMetrics(ctx.redis, integration.id, source, {
        ...reply,
        records: batch.markers.length,
        bytes: batch.bytes,
      }).catch(() => undefined);
      const moved = await commit(ctx, current, batch.lastMarker!, {
        records: batch.markers.length,
        bytes: batch.bytes,
        gap,
        delivered: true,
      });
      return moved ? "sent" : "stopped";
    }
    case "bad-event": {
      const n = verdict.invalidEventNumber;
      if (n >= batch.markers.length) {
        void recordBatchMetrics(ctx.redis, integration.id, source, { ...reply, isRetry: true }).catch(() => undefined);
        await fail(ctx, state, "rejected", `${verdict.reason}, at an event number the batch does not have`, null);
        return "waiting";
      }
      // Splunk kept the events before n; set n aside and move past it.
      const badMarker = batch.markers[n]!;
      const bad = entries.find((e) => e.marker === badMarker)!;
      await recordAttempt(
        ctx.redis,
        integration.id,
        attempt({ ...base, outcome: "partly-accepted", records: n, detail: verdict.reason }),
      );
      await setAside(ctx, current, bad, verdict.reason);
      const acceptedBytes = n === 0 ? 0 : Math.round((batch.bytes * n) / batch.markers.length);
      void recordBatchMetrics(ctx.redis, integration.id, source, {
        ...reply,
        records: n,
        bytes: acceptedBytes,
        setAside: 1,
      }).catch(() => undefined);
      const moved = await commit(ctx, current, badMarker, {
        records: n,
        bytes: acceptedBytes,
        gap,
        setAside: 1,
        delivered: n > 0,
      });
      return moved ? "reread" : "stopped";
    }
    case "too-large": {
      await recordAttempt(
        ctx.redis,
        integration.id,
        attempt({ ...base, outcome: "too-large", detail: verdict.reason }),
      );
      // Halved and sent again, or, for a record alone, set aside.
      const isHalved = batch.markers.length > 1;
      void recordBatchMetrics(ctx.redis, integration.id, source, {
        ...reply,
        isRetry: isHalved,
        setAside: isHalved ? 0 : 1,
      }).catch(() => undefined);
      if (batch.markers.length > 1) {
        limits.maxRecords = Math.max(1, Math.floor(batch.markers.length / 2));
        limits.maxBytes = Math.max(1, Math.floor(batch.bytes / 2));
        logger.info("batch too large for the destination; halving", {
          integrationId: integration.id,
          source,
          maxBytes: limits.maxBytes,
        });
        return "reread";
      }
      const only = entries.find((e) => e.marker === batch.markers[0])!;
      await setAside(ctx, current, only, `${verdict.reason}: this record alone is larger than the destination accepts`);
      // Past it, and past any filtered-out records the batch also took.
      const moved = await commit(ctx, current, batch.lastMarker!, {
        records: 0,
        bytes: 0,
        gap,
        setAside: 1,
        delivered: false,
      });
      return moved ? "reread" : "stopped";
    }
    case "retry":
    case "rejected": {
      void recordAttempt(
        ctx.redis,
        integration.id,
        attempt({ ...base, outcome: verdict.kind, detail: verdict.reason }),
      ).catch(() => undefined);
      void recordBatchMetrics(ctx.redis, integration.id, source, { ...reply, isRetry: true }).catch(() => undefined);
      await fail(ctx, state, verdict.kind, verdict.reason, verdict.kind === "retry" ? verdict.retryAfterMs : null);
      return "waiting";
    }
  }
}
