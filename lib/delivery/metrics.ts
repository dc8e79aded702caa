import type { ChainableCommander, Redis } from "ioredis";
import { addDelivered } from "@/lib/delivery/series";
import { FEED_NAMES } from "@/lib/feeds/feed-store";

/**
 * Delivery counters for /api/metrics. The pumps run in the worker process and the
 * metrics are served by the web process, so the counters live in Redis: one hash per
 * integration and data source, `metrics:delivery:<integrationId>:<source>`, moved by
 * one MULTI round trip per batch. Fields:
 *
 * - `records`, `bytes`: records and bytes (envelopes before compression) Splunk accepted
 * - `requests:<httpStatus>:<hecCode>`: requests by reply; `none` for no reply or no HEC code
 * - `retries`: batches that failed and will be sent again
 * - `set_aside`: records Splunk refused and the pump set aside
 * - `latency_le:<bound>`: replies that took at most `bound` seconds and more than the
 *   bound before it (not cumulative, so a batch moves one field); `latency_sum_ms`
 * - `acked`, `ack_latency_sum_ms`: batches Splunk acknowledged as indexed and the time
 *   from sending them to the poll that saw the ack; `ack_timeouts`: batches sent again
 *   because no ack came in time
 *
 * The same MULTI also counts the records in the minute's bucket of the throughput
 * series (lib/delivery/series.ts).
 */
export const LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

export type TBatchMetrics = {
  /** `null`: no reply (network error, timeout). */
  httpStatus: number | null;
  hecCode: number | null;
  /** Records and bytes Splunk accepted. */
  records: number;
  bytes: number;
  /** From sending the batch to Splunk's reply; `null` without a reply. */
  latencyMs: number | null;
  /** The batch failed and its records will be sent again. */
  isRetry: boolean;
  setAside: number;
};

export type TRequestCount = { httpStatus: string; hecCode: string; count: number };

export type TStoredDeliveryMetrics = {
  records: number;
  bytes: number;
  retries: number;
  setAside: number;
  requests: TRequestCount[];
  /** Batches acknowledged as indexed, the seconds they took in all, and acks that never came. */
  acks: { count: number; latencySumSeconds: number; timeouts: number };
  latency: {
    /** Replies per bucket of LATENCY_BUCKETS_SECONDS, then one for +Inf; not cumulative. */
    buckets: number[];
    sumSeconds: number;
    count: number;
  };
};

const metricsKey = (integrationId: string, source: string) => `metrics:delivery:${integrationId}:${source}`;
const NONE = "none";
const INF = "+Inf";

function bucketOf(seconds: number): string {
  const bound = LATENCY_BUCKETS_SECONDS.find((b) => seconds <= b);
  return bound === undefined ? INF : String(bound);
}

/** Counts one batch's outcome. Callers fire and forget it: metrics never hold up delivery. */
export async function recordBatchMetrics(
  redis: Redis,
  integrationId: string,
  source: string,
  batch: Partial<TBatchMetrics>,
  nowMs = Date.now(),
): Promise<void> {
  await addBatchMetrics(redis.multi(), integrationId, source, batch, nowMs).exec();
}

/** Adds one batch's counts to a transaction (a batch's outcome is recorded in one, with its attempt). */
export function addBatchMetrics(
  tx: ChainableCommander,
  integrationId: string,
  source: string,
  batch: Partial<TBatchMetrics>,
  nowMs = Date.now(),
): ChainableCommander {
  const key = metricsKey(integrationId, source);
  const status = batch.httpStatus ?? NONE;
  const code = batch.hecCode ?? NONE;
  tx.hincrby(key, `requests:${status}:${code}`, 1);
  if (batch.records) {
    tx.hincrby(key, "records", batch.records);
    addDelivered(tx, integrationId, source, batch.records, nowMs);
  }
  if (batch.bytes) tx.hincrby(key, "bytes", Math.round(batch.bytes));
  if (batch.isRetry) tx.hincrby(key, "retries", 1);
  if (batch.setAside) tx.hincrby(key, "set_aside", batch.setAside);
  if (batch.latencyMs !== null && batch.latencyMs !== undefined) {
    tx.hincrby(key, `latency_le:${bucketOf(batch.latencyMs / 1000)}`, 1);
    tx.hincrby(key, "latency_sum_ms", Math.round(batch.latencyMs));
  }
  return tx;
}

/** Counts batches acknowledged (with the time each took) and batches whose ack never came. */
export async function recordAckMetrics(
  redis: Redis,
  integrationId: string,
  source: string,
  outcome: { ackLatenciesMs: number[]; timeouts: number },
): Promise<void> {
  const key = metricsKey(integrationId, source);
  const tx = redis.multi();
  if (outcome.ackLatenciesMs.length > 0) {
    tx.hincrby(key, "acked", outcome.ackLatenciesMs.length);
    tx.hincrby(key, "ack_latency_sum_ms", Math.round(outcome.ackLatenciesMs.reduce((sum, ms) => sum + ms, 0)));
  }
  if (outcome.timeouts > 0) tx.hincrby(key, "ack_timeouts", outcome.timeouts);
  await tx.exec();
}

/** A stored hash as totals. A bound no longer in LATENCY_BUCKETS_SECONDS counts in the next larger one. */
export function parseDeliveryMetrics(hash: Record<string, string>): TStoredDeliveryMetrics {
  const num = (field: string) => Number(hash[field] ?? 0) || 0;
  const buckets: number[] = new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0);
  const requests: TRequestCount[] = [];
  for (const [field, value] of Object.entries(hash)) {
    const count = Number(value) || 0;
    if (field.startsWith("requests:")) {
      const [, httpStatus = NONE, hecCode = NONE] = field.split(":");
      requests.push({ httpStatus, hecCode, count });
    } else if (field.startsWith("latency_le:")) {
      const bound = field.slice("latency_le:".length);
      const index = bound === INF ? -1 : LATENCY_BUCKETS_SECONDS.findIndex((b) => Number(bound) <= b);
      buckets[index === -1 ? LATENCY_BUCKETS_SECONDS.length : index]! += count;
    }
  }
  requests.sort((a, b) => a.httpStatus.localeCompare(b.httpStatus) || a.hecCode.localeCompare(b.hecCode));
  return {
    records: num("records"),
    bytes: num("bytes"),
    retries: num("retries"),
    setAside: num("set_aside"),
    requests,
    acks: { count: num("acked"), latencySumSeconds: num("ack_latency_sum_ms") / 1000, timeouts: num("ack_timeouts") },
    latency: {
      buckets,
      sumSeconds: num("latency_sum_ms") / 1000,
      count: buckets.reduce((sum, n) => sum + n, 0),
    },
  };
}

/** The stored totals of each (integration, source), in the order given; one round trip. */
export async function readDeliveryMetrics(
  redis: Redis,
  positions: readonly { integrationId: string; source: string }[],
): Promise<TStoredDeliveryMetrics[]> {
  if (positions.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const p of positions) pipeline.hgetall(metricsKey(p.integrationId, p.source));
  const results = (await pipeline.exec()) ?? [];
  return positions.map((_, i) => {
    const [error, hash] = results[i] ?? [null, {}];
    if (error) throw error;
    return parseDeliveryMetrics((hash ?? {}) as Record<string, string>);
  });
}

/** Drops a deleted integration's counters. */
export async function forgetDeliveryMetrics(redis: Redis, integrationId: string): Promise<void> {
  await redis.del(FEED_NAMES.map((source) => metricsKey(integrationId, source)));
}
