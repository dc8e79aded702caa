import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { Redis } from "ioredis";
import { addAttempt, recordAttempt, type TDeliveryAttempt } from "@/lib/delivery/attempts";
import { appendErrorEvent, ERROR_EVENT_INTERVAL_MS } from "@/lib/delivery/error-event";
import { addBatchMetrics, recordAckMetrics, recordBatchMetrics, type TBatchMetrics } from "@/lib/delivery/metrics";
import { readPendingAcks, type TPendingAck } from "@/lib/delivery/pending-acks";
import { headMarker } from "@/lib/delivery/state";
import {
  loadWholeJson,
  readAfter,
  recordSize,
  recordText,
  type TFeedEntry,
  type TFeedName,
  type TReadResult,
} from "@/lib/feeds/feed-store";
import { markerSeq } from "@/lib/feeds/marker";
import type { Delivery, Integration, PrismaClient } from "@/lib/generated/prisma/client";
import { backoffDelay, rejectedDelay } from "@/lib/hec/backoff";
import { buildBatch, type TBatch, type TBatchLimits } from "@/lib/hec/batch";
import { envelopeMetadata } from "@/lib/hec/metadata";
import { classifyReply } from "@/lib/hec/replies";
import { DestinationError, postToHec, requestHec, type THecResponse } from "@/lib/hec/sender";
import { hecAckUrl, hecEventUrl } from "@/lib/integrations/ingestion-url";
import { matchesEventFilter } from "@/lib/integrations/event-filter";
import { ZEventFilter } from "@/lib/integrations/schema";
import { logger } from "@/lib/logger";
import { decryptToken } from "@/lib/security/token-cipher";

const gzip = promisify(gzipCallback);

/**
 * Compresses a batch on libuv's thread pool in few passes: with gzip's default 16 KB
 * of output a pass, the pool handed back to the event loop a dozen times per 1 MB
 * batch, and each time the batch waited for a busy main thread (measured: about 40 ms
 * a batch, for 4 ms of compression). One pass covers a typical batch (about 200 KB
 * compressed); the cap keeps what a compressed body holds on to small, since a body
 * made in one pass is a slice of its pass's buffer.
 */
const GZIP_PASS_BYTES = 256 * 1024;

function compress(body: Buffer, level: number): Promise<Buffer> {
  // Level 0: sent as it is (HEC_GZIP_LEVEL=0), for a destination on a fast network.
  return level === 0 ? Promise.resolve(body) : gzip(body, { level, chunkSize: GZIP_PASS_BYTES });
}

export type TDeliveryConfig = {
  batchMaxBytes: number;
  batchMaxRecords: number;
  maxEventBytes: number;
  timeoutMs: number;
  gzipLevel: number;
  allowPrivateNetworks: boolean;
  encryptionKey: Buffer;
  maxFeedLength: number;
  /** Requests in flight per pump (HEC_MAX_IN_FLIGHT, default 4; 1 = one at a time). */
  maxInFlight?: number;
  /** A batch Splunk received but did not acknowledge within this is sent again (HEC_ACK_TIMEOUT_MS). */
  ackTimeoutMs?: number;
  /** Failing without a break for this long turns Retrying into Error (HEC_ERROR_AFTER_MS). */
  errorAfterMs?: number;
  /** How often pending acknowledgments are polled. */
  ackPollMs?: number;
};

export const DEFAULT_MAX_IN_FLIGHT = 4;
export const DEFAULT_ACK_TIMEOUT_MS = 300_000;
export const DEFAULT_ERROR_AFTER_MS = 300_000;
const DEFAULT_ACK_POLL_MS = 1000;
/**
 * A run reads the integration's settings again at most this often (each read is a
 * database round trip): edits, a pause or a deletion take effect within this time,
 * and a marker moved by anyone else stops the run at once (the commit's compare-and-set).
 */
const SETTINGS_REFRESH_MS = 1000;
/** Batches received and waiting for acknowledgment, at most, per pump (their ids, not their records). */
const MAX_PENDING_ACKS = 64;

export type TPumpContext = { prisma: PrismaClient; redis: Redis; config: TDeliveryConfig; signal?: AbortSignal };

export type TPumpOutcome =
  | "caught-up" // nothing left to send
  | "budget" // time budget spent with records left: run again soon
  | "waiting" // failed; the next attempt is scheduled
  | "stopped" // deleted, paused, source switched off, aborted, or another pump moved the marker
  | "acks-pending" // everything sent; batches wait for indexer acknowledgment, polled on a later run
  | "not-due"; // a retry is scheduled for later

type TLoaded = { integration: Integration; delivery: Delivery };

/** What one pump run knows of its delivery state: the committed marker, pending acks, channel. */
type TRun = {
  ctx: TPumpContext;
  integrationId: string;
  source: TFeedName;
  marker: string;
  pending: TPendingAck[];
  channel: string;
  lastPollAt: number;
  /** The token answered without ack ids, or /ack said acknowledgment is off. */
  isAckUnused: boolean;
  /** Writes still on their way: attempt log, metrics, and the marker's commits. */
  background: TBackground;
};

type TBackground = {
  /** Attempt-log and metrics writes on their way to Redis; the run ends after them. */
  writes: Set<Promise<unknown>>;
  /** The marker's commits, one after another; false once one lost its compare-and-set. */
  commits: Promise<boolean>;
  /** A commit is queued and has not started: it will take whatever is ready when it does. */
  isCommitQueued: boolean;
  isQueuedHealthy: boolean;
  /** A commit lost its compare-and-set: the run stops. */
  isLost: boolean;
  /**
   * Batches taken whose commit has not landed: they count against the window, so a
   * crash still resends at most HEC_MAX_IN_FLIGHT batches (plus unacknowledged ones).
   */
  uncommitted: number;
};

/**
 * Attempt-log and metrics writes do not hold up the next batch: they go out on the
 * run's Redis connection in order, and the run waits for all of them before it ends.
 */
function inBackground(run: TRun, write: Promise<unknown>): void {
  const { writes } = run.background;
  const settled = write.catch(() => undefined).finally(() => writes.delete(settled));
  writes.add(settled);
}

/**
 * Moves the marker over what is ready without holding up the next batch: a database
 * round trip per batch would otherwise stall the window. Commits run one at a time,
 * in order; one queued while another runs takes everything ready when it starts.
 * Settle them (settleCommits) before anything that reads or moves the marker itself.
 */
function commitInBackground(run: TRun, loaded: TLoaded, isHealthy: boolean): void {
  const state = run.background;
  state.isQueuedHealthy ||= isHealthy;
  state.uncommitted++;
  if (state.isCommitQueued) return;
  state.isCommitQueued = true;
  state.commits = state.commits.then(async (isMoved) => {
    state.isCommitQueued = false;
    const healthy = state.isQueuedHealthy;
    state.isQueuedHealthy = false;
    const taking = state.uncommitted;
    const isNowMoved = isMoved && (await commitReady(run, loaded, healthy));
    state.uncommitted -= taking;
    if (!isNowMoved) state.isLost = true;
    return isNowMoved;
  });
}

/** Waits for the marker's commits; false when one lost (another pump moved it, or the integration is gone). */
function settleCommits(run: TRun): Promise<boolean> {
  return run.background.commits;
}

async function load(ctx: TPumpContext, integrationId: string, source: TFeedName): Promise<TLoaded | null> {
  const integration = await ctx.prisma.integration.findUnique({
    where: { id: integrationId },
    include: { deliveries: { where: { source } } },
  });
  if (!integration || integration.paused || !integration[source]) return null;
  const delivery = integration.deliveries[0];
  return delivery ? { integration, delivery } : null;
}

/**
 * Moves the marker from `from` to `to` with the counters of what it moved over, unless
 * another pump moved it first. `isHealthy`: the destination just took a batch.
 */
async function commit(
  ctx: TPumpContext,
  delivery: Delivery,
  to: string,
  counts: { records: number; bytes: number; gap: number; setAside?: number; delivered: boolean },
  extra: { pending?: TPendingAck[]; isHealthy?: boolean; statusDetail?: string } = {},
): Promise<boolean> {
  const now = new Date();
  const isHealthy = extra.isHealthy ?? counts.delivered;
  const { count } = await ctx.prisma.delivery.updateMany({
    where: { integrationId: delivery.integrationId, source: delivery.source, marker: delivery.marker },
    data: {
      marker: to,
      deliveredRecords: { increment: BigInt(counts.records) },
      deliveredBytes: { increment: BigInt(counts.bytes) },
      gapRecords: { increment: BigInt(counts.gap) },
      setAsideRecords: { increment: counts.setAside ?? 0 },
      ...(extra.pending ? { pendingAcks: extra.pending } : {}),
      ...(counts.delivered ? { lastDeliveredAt: now } : {}),
      ...(isHealthy
        ? {
            status: "healthy",
            statusDetail: extra.statusDetail ?? "",
            failures: 0,
            failingSince: null,
            nextAttemptAt: null,
          }
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
      preview: recordText(entry).slice(0, 2000),
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
  const { integration } = loaded;
  // The run keeps its settings for up to SETTINGS_REFRESH_MS: the failure counters are read afresh.
  const stored = await ctx.prisma.delivery.findUnique({
    where: { integrationId_source: { integrationId: integration.id, source: loaded.delivery.source } },
  });
  const delivery = { ...(stored ?? loaded.delivery), marker: loaded.delivery.marker };
  const failures = delivery.failures + 1;
  const now = Date.now();
  const delay = kind === "retry" ? backoffDelay(failures, retryAfterMs) : rejectedDelay();
  // Whatever the cause, failing without a break for long enough is an error someone must see.
  const since = delivery.failingSince ?? new Date(now);
  const errorAfterMs = ctx.config.errorAfterMs ?? DEFAULT_ERROR_AFTER_MS;
  const isEscalated = kind === "retry" && now - since.getTime() >= errorAfterMs;
  const isError = kind === "rejected" || isEscalated;
  const detail = isEscalated ? `failing since ${since.toISOString()}: ${reason}` : reason;
  const shouldRaiseEvent =
    isError &&
    integration.errorEvents &&
    (!delivery.lastErrorEventAt || now - delivery.lastErrorEventAt.getTime() >= ERROR_EVENT_INTERVAL_MS);
  if (shouldRaiseEvent) {
    await appendErrorEvent(ctx.redis, {
      accountId: integration.accountId,
      integrationId: integration.id,
      connectorName: integration.name,
      source: delivery.source as TFeedName,
      reason: detail,
      maxFeedLength: ctx.config.maxFeedLength,
    }).catch((error: unknown) => logger.warn("error event not appended", { error: String(error) }));
  }
  await ctx.prisma.delivery.updateMany({
    where: { integrationId: delivery.integrationId, source: delivery.source, marker: delivery.marker },
    data: {
      status: isError ? "error" : "retrying",
      statusDetail: detail,
      failures,
      failingSince: since,
      lastErrorAt: new Date(now),
      nextAttemptAt: new Date(now + delay),
      ...(shouldRaiseEvent ? { lastErrorEventAt: new Date(now) } : {}),
    },
  });
  logger.warn("delivery failed", {
    integrationId: integration.id,
    source: delivery.source,
    kind,
    reason: detail,
    retryInMs: delay,
  });
}

function hecCode(body: string): number | null {
  const match = /"code"\s*:\s*(\d+)/.exec(body);
  return match ? Number(match[1]) : null;
}

/**
 * How much to read at once: about one batch's worth by bytes, never more than the
 * record cap, and never more than READ_AHEAD_MAX_BYTES. The read itself stops at the
 * byte budget (readAfter's maxBytes), so no estimate of record sizes is involved. A
 * pump holds at most what it has read but not yet batched (topped up to a batch's
 * worth) and one read on its way, so memory stays bounded by bytes with many pumps
 * running at once, whatever the records hold.
 */
const READ_AHEAD_MAX_BYTES = 4 * 1024 * 1024;

function readBudget(limits: TBatchLimits): { count: number; maxBytes: number } {
  return { count: limits.maxRecords, maxBytes: Math.max(1, Math.min(READ_AHEAD_MAX_BYTES, limits.maxBytes)) };
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

/** A batch on the wire: built, compressed and posted while the batches before it are still unanswered. */
type TFlight = {
  loaded: TLoaded;
  batch: TBatch;
  /** The read-ahead entries the batch was built from, starting with its first one. */
  entries: readonly TFeedEntry[];
  gap: number;
  result: Promise<TTransmitResult>;
};

type TTransmitResult =
  | { kind: "skipped" } // nothing to send: every entry was filtered out
  | { kind: "response"; response: THecResponse }
  | { kind: "error"; error: DestinationError }
  | { kind: "no-token" }
  | { kind: "aborted" };

function sendOptions(ctx: TPumpContext) {
  return { timeoutMs: ctx.config.timeoutMs, allowPrivateNetworks: ctx.config.allowPrivateNetworks };
}

function readToken(ctx: TPumpContext, integration: Integration): string | null {
  try {
    return decryptToken(integration.tokenCiphertext, ctx.config.encryptionKey, integration.id);
  } catch {
    return null;
  }
}

/** POSTs one compressed batch on the pump's channel; no side effects, so a result can be dropped safely. */
async function transmit(
  ctx: TPumpContext,
  loaded: TLoaded,
  channel: string,
  compressed: Promise<Buffer> | null,
): Promise<TTransmitResult> {
  const { integration } = loaded;
  if (!compressed) return { kind: "skipped" };
  const token = readToken(ctx, integration);
  if (token === null) return { kind: "no-token" };
  const body = await compressed;
  if (ctx.signal?.aborted) return { kind: "aborted" };
  try {
    const response = await postToHec(hecEventUrl(integration.ingestionUrl), token, body, sendOptions(ctx), {
      ...(ctx.config.gzipLevel > 0 ? { "content-encoding": "gzip" } : {}),
      "x-splunk-request-channel": channel,
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

/** Lets go of batches that will be read again; their replies no longer matter. */
function drop(window: TFlight[]): void {
  for (const flight of window) {
    void flight.result.catch(() => undefined);
  }
  window.length = 0;
}

const hasUnacked = (run: TRun) => run.pending.some((p) => !p.acked);

function healthyDetail(run: TRun): string {
  const waiting = run.pending.filter((p) => !p.acked).length;
  if (waiting > 0) return `${waiting} batch${waiting === 1 ? "" : "es"} waiting for indexer acknowledgment`;
  if (run.isAckUnused) {
    return "Delivered without indexer acknowledgment: the token does not use it, so Splunk's HTTP 200 counts as delivery; turn acknowledgment on for the token, or turn off Use indexer acknowledgment";
  }
  return "";
}

/**
 * Moves the marker over the longest run of pending batches that are ready (acknowledged,
 * or needing no ack), in order, and stores the rest with it.
 */
async function commitReady(run: TRun, loaded: TLoaded, isHealthy: boolean): Promise<boolean> {
  let ready = 0;
  const sum = { records: 0, bytes: 0, gap: 0, setAside: 0 };
  while (ready < run.pending.length && run.pending[ready]!.acked) {
    const p = run.pending[ready]!;
    sum.records += p.records;
    sum.bytes += p.bytes;
    sum.gap += p.gap;
    sum.setAside += p.setAside;
    ready++;
  }
  const rest = run.pending.slice(ready);
  const to = ready > 0 ? run.pending[ready - 1]!.to : run.marker;
  const delivery: Delivery = { ...loaded.delivery, marker: run.marker };
  const previous = run.pending;
  run.pending = rest;
  const moved = await commit(
    run.ctx,
    delivery,
    to,
    { ...sum, delivered: sum.records > 0 },
    { pending: [...rest], isHealthy, statusDetail: healthyDetail(run) },
  );
  if (!moved) {
    run.pending = previous;
    return false;
  }
  run.marker = to;
  return true;
}

type TAttemptInput = Partial<TDeliveryAttempt> & Pick<TDeliveryAttempt, "outcome">;

/**
 * What a reply means, decided without side effects; `record` then carries it out in
 * one place (attempt log, metrics, set-aside, marker, failure), whatever the reply.
 */
type TSettlement = {
  attempt: TAttemptInput | null;
  metrics: Partial<TBatchMetrics> | null;
  setAside?: { entry: TFeedEntry; reason: string };
  /** Taken by Splunk: queued after the pending batches, committed once those before it are. */
  taken?: TPendingAck;
  fail?: { kind: "retry" | "rejected"; reason: string; retryAfterMs: number | null };
  /** Splunk refused the channel (code 11): use a new one; acks on the old one are lost. */
  isChannelRefused?: boolean;
  halve?: { maxRecords: number; maxBytes: number };
  next: "sent" | "reread" | TPumpOutcome;
};

function hecCodeOf(body: string): number | null {
  return hecCode(body);
}

function ackIdOf(body: string): number | null {
  const match = /"ackId"\s*:\s*(\d+)/.exec(body);
  return match ? Number(match[1]) : null;
}

function judge(run: TRun, flight: TFlight, result: TTransmitResult): TSettlement {
  const { batch, entries, gap, loaded } = flight;
  const now = Date.now();
  const taken = (to: string, records: number, bytes: number, setAside = 0): TPendingAck => ({
    ackId: null,
    to,
    records,
    bytes,
    gap,
    setAside,
    sentAt: now,
    acked: true,
  });
  switch (result.kind) {
    case "aborted":
      return { attempt: null, metrics: null, next: "stopped" };
    case "skipped":
      return { attempt: null, metrics: null, taken: taken(batch.lastMarker!, 0, 0), next: "sent" };
    case "no-token":
      return {
        attempt: null,
        metrics: null,
        fail: {
          kind: "rejected",
          reason: "The stored API key cannot be decrypted with this server's encryption key; enter the API key again",
          retryAfterMs: null,
        },
        next: "waiting",
      };
    case "error":
      return {
        attempt: { outcome: "network", detail: result.error.message },
        metrics: { isRetry: true },
        fail: {
          kind: result.error.needsAdmin ? "rejected" : "retry",
          reason: result.error.message,
          retryAfterMs: null,
        },
        next: "waiting",
      };
    case "response":
      break;
  }
  const response = result.response;
  const code = hecCodeOf(response.body);
  const base = { httpStatus: response.status, hecCode: code, durationMs: Math.round(response.durationMs) };
  const reply = { httpStatus: response.status, hecCode: code, latencyMs: response.durationMs };
  if (code === 11) {
    return {
      attempt: { ...base, outcome: "retry", detail: "Splunk refused the data channel; a new one is used" },
      metrics: { ...reply, isRetry: true },
      isChannelRefused: true,
      next: "reread",
    };
  }
  const verdict = classifyReply(response.status, response.body, response.retryAfter);
  switch (verdict.kind) {
    case "accepted": {
      const ackId = loaded.integration.indexerAck ? ackIdOf(response.body) : null;
      return {
        attempt: { ...base, outcome: "accepted", ackId },
        metrics: { ...reply, records: batch.markers.length, bytes: batch.bytes },
        taken: { ...taken(batch.lastMarker!, batch.markers.length, batch.bytes), ackId, acked: ackId === null },
        next: "sent",
      };
    }
    case "bad-event": {
      const n = verdict.invalidEventNumber;
      if (n >= batch.markers.length) {
        return {
          attempt: { ...base, outcome: "rejected", detail: verdict.reason },
          metrics: { ...reply, isRetry: true },
          fail: {
            kind: "rejected",
            reason: `${verdict.reason}, at an event number the batch does not have`,
            retryAfterMs: null,
          },
          next: "waiting",
        };
      }
      // Splunk kept the events before n; set n aside and move past it.
      const badMarker = batch.markers[n]!;
      const acceptedBytes = n === 0 ? 0 : Math.round((batch.bytes * n) / batch.markers.length);
      return {
        attempt: { ...base, outcome: "partly-accepted", records: n, detail: verdict.reason },
        metrics: { ...reply, records: n, bytes: acceptedBytes, setAside: 1 },
        setAside: { entry: entries.find((e) => e.marker === badMarker)!, reason: verdict.reason },
        taken: taken(badMarker, n, acceptedBytes, 1),
        next: "reread",
      };
    }
    case "too-large": {
      if (batch.markers.length > 1) {
        return {
          attempt: { ...base, outcome: "too-large", detail: verdict.reason },
          metrics: { ...reply, isRetry: true },
          halve: {
            maxRecords: Math.max(1, Math.floor(batch.markers.length / 2)),
            maxBytes: Math.max(1, Math.floor(batch.bytes / 2)),
          },
          next: "reread",
        };
      }
      // A record alone too large: set aside, and move past it and any filtered-out records the batch took.
      return {
        attempt: { ...base, outcome: "too-large", detail: verdict.reason },
        metrics: { ...reply, setAside: 1 },
        setAside: {
          entry: entries.find((e) => e.marker === batch.markers[0])!,
          reason: `${verdict.reason}: this record alone is larger than the destination accepts`,
        },
        taken: taken(batch.lastMarker!, 0, 0, 1),
        next: "reread",
      };
    }
    case "retry":
    case "rejected":
      return {
        attempt: { ...base, outcome: verdict.kind, detail: verdict.reason },
        metrics: { ...reply, isRetry: true },
        fail: {
          kind: verdict.kind,
          reason: verdict.reason,
          retryAfterMs: verdict.kind === "retry" ? verdict.retryAfterMs : null,
        },
        next: "waiting",
      };
  }
}

/** The one place an outcome is recorded: attempt log, metrics, set-aside, marker, failure. */
async function record(
  run: TRun,
  flight: TFlight,
  settlement: TSettlement,
  limits: TBatchLimits,
): Promise<"sent" | "reread" | TPumpOutcome> {
  const { ctx, integrationId, source } = run;
  const { batch, loaded } = flight;
  // The attempt and the metrics travel in one transaction: one round trip, one pipeline built.
  if (settlement.attempt || settlement.metrics) {
    const tx = ctx.redis.multi();
    if (settlement.attempt) {
      addAttempt(tx, integrationId, {
        at: new Date().toISOString(),
        source,
        httpStatus: null,
        hecCode: null,
        records: batch.markers.length,
        bytes: batch.bytes,
        durationMs: 0,
        detail: "",
        ...settlement.attempt,
      });
    }
    if (settlement.metrics) addBatchMetrics(tx, integrationId, source, settlement.metrics);
    inBackground(run, tx.exec());
  }
  if (settlement.setAside) {
    await setAside(
      ctx,
      { ...loaded.delivery, marker: run.marker },
      settlement.setAside.entry,
      settlement.setAside.reason,
    );
  }
  if (settlement.halve) {
    limits.maxRecords = settlement.halve.maxRecords;
    limits.maxBytes = settlement.halve.maxBytes;
    logger.info("batch too large for the destination; halving", { integrationId, source, maxBytes: limits.maxBytes });
  }
  // Past here the marker is read or moved directly (except for a batch simply taken):
  // the commits on their way must land first.
  const isTakenOnly = settlement.next === "sent" && !settlement.isChannelRefused && !settlement.fail;
  if (!isTakenOnly && !(await settleCommits(run))) return "stopped";
  if (settlement.isChannelRefused) {
    // Acks belong to their channel: batches waiting on the old one are sent again.
    const channel = randomUUID();
    const { count } = await ctx.prisma.delivery.updateMany({
      where: { integrationId, source, marker: run.marker },
      data: { channel, pendingAcks: [] },
    });
    if (count === 0) return "stopped";
    run.channel = channel;
    run.pending = [];
    logger.warn("data channel refused; using a new one", { integrationId, source });
  }
  if (settlement.taken) {
    if (
      settlement.taken.ackId === null &&
      loaded.integration.indexerAck &&
      settlement.attempt?.outcome === "accepted"
    ) {
      run.isAckUnused = true;
    }
    const { ackId } = settlement.taken;
    if (ackId !== null && run.pending.some((p) => !p.acked && p.ackId === ackId)) {
      // Ack ids are unique per channel while Splunk runs, though not in send order
      // (it numbers requests as it handles them). It keeps them in memory only, so an id
      // given twice means it restarted and numbers from 0 again: the batches waiting
      // under the old numbers will never be acknowledged, and a "true" for a reused
      // number would speak of another batch. Batches whose old numbers are not reused
      // are sent again when their ack times out.
      const detail = `Splunk gave ack id ${ackId} again on this channel (it restarted); batches waiting for acknowledgment are sent again`;
      return (await resendUnacknowledged(run, detail)) ? "reread" : "stopped";
    }
    run.pending.push(settlement.taken);
    const isHealthy = settlement.attempt?.outcome === "accepted" || settlement.attempt?.outcome === "partly-accepted";
    if (isTakenOnly) commitInBackground(run, loaded, isHealthy);
    else if (!(await commitReady(run, loaded, isHealthy))) return "stopped";
  }
  if (settlement.fail) {
    const { kind, reason, retryAfterMs } = settlement.fail;
    await fail(ctx, { ...loaded, delivery: { ...loaded.delivery, marker: run.marker } }, kind, reason, retryAfterMs);
  }
  return settlement.next;
}

/**
 * Asks Splunk which pending batches are indexed (all their ack ids in one request on
 * the pump's channel), moves the marker over the acknowledged prefix, and sends again
 * what waited longer than the ack timeout ("reread").
 */
async function pollAcks(run: TRun, loaded: TLoaded): Promise<"ok" | "reread" | "stopped"> {
  const { ctx, integrationId, source } = run;
  // The commits on their way land first, so the acks this poll turns true are committed
  // right after it: an ack Splunk reports is reported once, and a crash between the
  // poll and the commit would leave those batches to the ack timeout.
  if (!(await settleCommits(run))) return "stopped";
  run.lastPollAt = Date.now();
  // Remembered across runs, so a pump that comes back for its acks polls no more often than ackPollMs.
  const pollMs = run.ctx.config.ackPollMs ?? DEFAULT_ACK_POLL_MS;
  void run.ctx.redis.set(lastPollKey(run), String(run.lastPollAt), "PX", pollMs).catch(() => undefined);
  const waiting = run.pending.filter((p) => !p.acked && p.ackId !== null);
  const token = readToken(ctx, loaded.integration);
  let isAnswered = false;
  if (waiting.length > 0 && token !== null) {
    try {
      const body = Buffer.from(JSON.stringify({ acks: waiting.map((p) => p.ackId) }));
      const reply = await requestHec(
        "POST",
        hecAckUrl(loaded.integration.ingestionUrl),
        token,
        sendOptions(ctx),
        body,
        {
          "x-splunk-request-channel": run.channel,
        },
      );
      const now = Date.now();
      const latencies: number[] = [];
      isAnswered = reply.status === 200;
      if (hecCodeOf(reply.body) === 14) {
        // The token does not use acknowledgment after all: Splunk's 200 was the delivery.
        run.isAckUnused = true;
        for (const p of waiting) p.acked = true;
      } else if (reply.status === 200) {
        const acks = (JSON.parse(reply.body) as { acks?: Record<string, unknown> }).acks ?? {};
        for (const p of waiting) {
          if (acks[String(p.ackId)] === true) {
            p.acked = true;
            latencies.push(now - p.sentAt);
          }
        }
      } else {
        logger.warn("acknowledgment poll failed", { integrationId, source, httpStatus: reply.status });
      }
      for (const p of waiting.filter((w) => w.acked)) {
        inBackground(
          run,
          recordAttempt(ctx.redis, integrationId, {
            at: new Date(now).toISOString(),
            source,
            outcome: "acknowledged",
            httpStatus: reply.status,
            hecCode: null,
            records: p.records,
            bytes: p.bytes,
            durationMs: now - p.sentAt,
            detail: run.isAckUnused ? "The token does not use indexer acknowledgment" : "",
            ackId: p.ackId,
          }),
        );
      }
      if (latencies.length > 0) {
        inBackground(
          run,
          recordAckMetrics(ctx.redis, integrationId, source, { ackLatenciesMs: latencies, timeouts: 0 }),
        );
      }
    } catch (error) {
      logger.warn("acknowledgment poll failed", { integrationId, source, error: String(error) });
    }
  }
  if (!(await commitReady(run, loaded, isAnswered))) return "stopped";
  const timeoutMs = ctx.config.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  const expired = run.pending.find((p) => !p.acked && Date.now() - p.sentAt >= timeoutMs);
  if (!expired) return "ok";
  // Received but never acknowledged as indexed: send it, and all after it, again.
  const detail = `Not acknowledged as indexed within ${Math.round(timeoutMs / 1000)} s; sent again`;
  return (await resendUnacknowledged(run, detail)) ? "reread" : "stopped";
}

/**
 * Forgets the batches waiting for acknowledgment, so that they and everything after
 * the marker are read and sent again (at least once, never lost). False when the
 * marker moved meanwhile (another pump, or the integration is gone).
 */
async function resendUnacknowledged(run: TRun, detail: string): Promise<boolean> {
  const { ctx, integrationId, source } = run;
  if (!(await settleCommits(run))) return false;
  const first = run.pending.find((p) => !p.acked);
  if (first) {
    await recordAttempt(ctx.redis, integrationId, {
      at: new Date().toISOString(),
      source,
      outcome: "ack-timeout",
      httpStatus: null,
      hecCode: null,
      records: first.records,
      bytes: first.bytes,
      durationMs: Date.now() - first.sentAt,
      detail,
      ackId: first.ackId,
    }).catch(() => undefined);
    await recordAckMetrics(ctx.redis, integrationId, source, { ackLatenciesMs: [], timeouts: 1 }).catch(
      () => undefined,
    );
    await recordBatchMetrics(ctx.redis, integrationId, source, { isRetry: true }).catch(() => undefined);
    logger.warn("batches not acknowledged; sending again", { integrationId, source, ackId: first.ackId, detail });
  }
  const { count } = await ctx.prisma.delivery.updateMany({
    where: { integrationId, source, marker: run.marker },
    data: { pendingAcks: [] },
  });
  if (count === 0) return false;
  run.pending = [];
  return true;
}

const lastPollKey = (run: Pick<TRun, "integrationId" | "source">) =>
  `delivery:ack-polled:${run.integrationId}:${run.source}`;

/**
 * Delivers one data source of one integration: reads after its marker, filters (events
 * only), builds batches of envelopes, compresses them and keeps up to `maxInFlight`
 * requests on the wire on the pump's channel. Replies are settled in order; the marker
 * moves over a batch once Splunk took it and every batch before it (with indexer
 * acknowledgment: once its ack id turned true). A refused batch drops the batches sent
 * after it; they are read again after the marker: at least once, never lost. Runs until
 * caught up, failed, stopped or out of its time budget. Only one pump per (integration,
 * source) runs at a time: the queue's job id, and the marker's compare-and-set as a
 * second guard.
 */
export async function runPump(
  ctx: TPumpContext,
  integrationId: string,
  source: TFeedName,
  budgetMs: number,
): Promise<TPumpOutcome> {
  const background: TBackground = {
    writes: new Set(),
    commits: Promise.resolve(true),
    isCommitQueued: false,
    isQueuedHealthy: false,
    isLost: false,
    uncommitted: 0,
  };
  try {
    const outcome = await pump(ctx, integrationId, source, budgetMs, background);
    // A run that ends well has moved the marker over everything it reported.
    const isCommitted = await background.commits.catch(() => false);
    return isCommitted || outcome === "waiting" || outcome === "not-due" ? outcome : "stopped";
  } finally {
    await background.commits.catch(() => undefined);
    await Promise.all(background.writes);
  }
}

async function pump(
  ctx: TPumpContext,
  integrationId: string,
  source: TFeedName,
  budgetMs: number,
  background: TBackground,
): Promise<TPumpOutcome> {
  const deadline = Date.now() + budgetMs;
  const limits: TBatchLimits = { maxBytes: ctx.config.batchMaxBytes, maxRecords: ctx.config.batchMaxRecords };
  const maxInFlight = Math.max(1, ctx.config.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const ackPollMs = ctx.config.ackPollMs ?? DEFAULT_ACK_POLL_MS;

  const first = await load(ctx, integrationId, source);
  if (!first) return "stopped";
  if (first.delivery.nextAttemptAt && first.delivery.nextAttemptAt.getTime() > Date.now()) return "not-due";
  const run: TRun = {
    ctx,
    integrationId,
    source,
    marker: first.delivery.marker,
    pending: readPendingAcks(first.delivery.pendingAcks),
    channel: first.delivery.channel,
    lastPollAt: 0,
    isAckUnused: false,
    background,
  };
  if (run.pending.some((p) => !p.acked)) {
    run.lastPollAt = Number((await ctx.redis.get(lastPollKey(run)).catch(() => null)) ?? 0);
  }
  let latest = first;
  let loadedAt = Date.now();

  // Records read but not yet in a batch; `readCursor` is the last one read, which runs
  // ahead of the committed marker while batches are in flight or waiting for acks.
  let readAhead: TFeedEntry[] = [];
  let readAheadChars = 0;
  let readCursor: string | null = null;
  let pendingGap = 0;
  // The next read, started as soon as the previous one came back, so the pump never
  // waits on Redis while it has batches to build and send.
  let nextRead: { from: string; read: Promise<TReadResult> } | null = null;

  const readBatchWorth = (from: string): Promise<TReadResult> => {
    const budget = readBudget(limits);
    return readAfter(ctx.redis, source, from, budget.count, budget.maxBytes);
  };
  const readFrom = (from: string): Promise<TReadResult> => {
    if (nextRead?.from !== from) return readBatchWorth(from);
    const { read } = nextRead;
    nextRead = null;
    return read;
  };
  const readNext = (from: string) => {
    const read = readBatchWorth(from);
    read.catch(() => undefined); // an unused read's failure is no one's concern; a used one's is rethrown
    nextRead = { from, read };
  };
  const window: TFlight[] = [];
  let doneOutcome: TPumpOutcome | null = null;

  const restartFromMarker = () => {
    readAhead = [];
    readAheadChars = 0;
    readCursor = null;
    pendingGap = 0;
    nextRead = null;
    doneOutcome = null;
  };

  /** The next batch, or why there is none. */
  const prepare = async (): Promise<TFlight | TPumpOutcome | "again"> => {
    // The settings are read afresh every SETTINGS_REFRESH_MS: edits take effect within it.
    if (Date.now() - loadedAt >= SETTINGS_REFRESH_MS) {
      const fresh = await load(ctx, integrationId, source);
      if (!fresh) return "stopped";
      if (fresh.delivery.nextAttemptAt && fresh.delivery.nextAttemptAt.getTime() > Date.now()) return "not-due";
      latest = fresh;
      loadedAt = Date.now();
    }
    const loaded = latest;
    const { integration, delivery } = loaded;
    const isIdle = window.length === 0 && run.pending.length === 0;
    // Top up what was read to at least a batch's worth, so batches stay full.
    if (readAheadChars < limits.maxBytes) {
      const from = readCursor ?? run.pending.at(-1)?.to ?? run.marker;
      const read = await readFrom(from);
      if (read.entries.length > 0) {
        readAhead = readAhead.length > 0 ? readAhead.concat(read.entries) : read.entries;
        for (const entry of read.entries) readAheadChars += recordSize(entry);
        readCursor = readAhead.at(-1)!.marker;
        pendingGap += read.gap;
        readNext(readCursor);
      } else if (readAhead.length === 0) {
        if (!(await settleCommits(run))) return "stopped";
        if (read.isMarkerAhead && isIdle) {
          // The feed was replaced (its data lost); start over from its current head.
          const head = await headMarker(ctx.redis, source);
          logger.warn("marker ahead of feed; restarting at its head", { integrationId, source, marker: from, head });
          const at: Delivery = { ...delivery, marker: run.marker };
          if (!(await commit(ctx, at, head, { records: 0, bytes: 0, gap: 0, delivered: false }))) return "stopped";
          run.marker = head;
          restartFromMarker();
          return "again";
        }
        if (read.gap > 0 && isIdle) {
          // Everything after the marker aged out of the feed: count the gap and stand after it.
          const past = `0-${markerSeq(from) + read.gap}`;
          const at: Delivery = { ...delivery, marker: run.marker };
          if (await commit(ctx, at, past, { records: 0, bytes: 0, gap: read.gap, delivered: false })) run.marker = past;
        }
        return "caught-up";
      }
    }
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
    const isLarge = bigAt === 0 || recordSize(readAhead[0]!) > LARGE_RECORD_CHARS;
    const release = isLarge ? await acquireLargeRecordTurn() : undefined;
    let batch: TBatch;
    let compressed: Promise<Buffer> | null;
    try {
      const head = readAhead[0]!;
      const candidates =
        bigAt === 0
          ? [{ ...head, json: await loadWholeJson(ctx.redis, source, head), bytes: undefined }]
          : bigAt > 0
            ? readAhead.slice(0, bigAt)
            : readAhead;
      batch = buildBatch(candidates, options, { ...limits }, accept);
      compressed = batch.markers.length > 0 ? compress(batch.body, ctx.config.gzipLevel) : null;
      if (release) compressed = compressed && Promise.resolve(await compressed);
      // A batch in the window keeps only its request, and the request its compressed body.
      batch.body = Buffer.alloc(0);
    } finally {
      release?.();
    }
    const entries = readAhead;
    readAhead = readAhead.slice(batch.consumed);
    for (let i = 0; i < batch.consumed; i++) readAheadChars -= recordSize(entries[i]!);
    const gap = pendingGap;
    pendingGap = 0;
    // A failed compression is reported by the request's result; a request that never
    // reads its body (no token) leaves nothing unhandled.
    void compressed?.catch(() => undefined);
    // Only the request holds the body, so a batch answered and waiting to be settled in
    // order holds its reply alone. Bodies of answered batches held behind an unanswered
    // one (about 5 MB each for Detection and Response records of random text) took the
    // worker past 300 MB with 8 pumps meeting such records (the large-many drill).
    return { loaded, batch, entries, gap, result: transmit(ctx, loaded, run.channel, compressed) };
  };

  for (;;) {
    // 1. Fill the window: each batch goes on the wire as soon as it is built.
    while (
      doneOutcome === null &&
      window.length + run.background.uncommitted < maxInFlight &&
      run.pending.length < MAX_PENDING_ACKS
    ) {
      if (Date.now() >= deadline || ctx.signal?.aborted) {
        doneOutcome = "budget";
        break;
      }
      const prepared = await prepare();
      if (prepared === "again") continue;
      if (typeof prepared === "string") {
        doneOutcome = prepared;
        break;
      }
      window.push(prepared);
    }

    // 2. Nothing on the wire: let the commits land, wait for acknowledgments, or end the run.
    if (window.length === 0) {
      if (run.background.uncommitted > 0) {
        if (!(await settleCommits(run))) return "stopped";
        continue;
      }
      if (doneOutcome === "stopped" || doneOutcome === "not-due") return doneOutcome;
      if (!hasUnacked(run)) return doneOutcome ?? "budget";
      if (Date.now() >= deadline || ctx.signal?.aborted) return "budget";
      const wait = Math.min(run.lastPollAt + ackPollMs - Date.now(), deadline - Date.now());
      // Nothing left to send, only acks to wait for: give the slot to another pump. The
      // pending acks are stored with the marker, and the dispatcher brings this pump back
      // (its marker is not at the head) to poll them when the poll interval has passed.
      if (wait > 0 && doneOutcome === "caught-up") return "acks-pending";
      if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
      if (ctx.signal?.aborted) return "stopped";
      const polled = await pollAcks(run, latest);
      if (polled === "stopped") return "stopped";
      if (polled === "reread") restartFromMarker();
      else if (doneOutcome === "budget" && Date.now() < deadline) doneOutcome = null;
      continue;
    }

    // 3. Settle the oldest request; the ones after it stay on the wire meanwhile.
    const flight = window.shift()!;
    const settlement = judge(run, flight, await flight.result);
    const next = run.background.isLost ? "stopped" : await record(run, flight, settlement, limits);
    if (next !== "sent") {
      // The batches after it were built on the assumption it went through: read them again.
      drop(window);
      if (next !== "reread") return next;
      restartFromMarker();
      continue;
    }
    if (hasUnacked(run) && Date.now() - run.lastPollAt >= ackPollMs) {
      const polled = await pollAcks(run, latest);
      if (polled === "stopped") {
        drop(window);
        return "stopped";
      }
      if (polled === "reread") {
        drop(window);
        restartFromMarker();
      }
    }
  }
}
