import type { ChainableCommander, Redis } from "ioredis";
import { FEED_NAMES, type TFeedName } from "@/lib/feeds/feed-store";

/**
 * Per-minute series for the throughput charts, kept in Redis next to the delivery
 * counters (lib/delivery/metrics.ts): one hash per integration and data source whose
 * fields are minutes since the epoch (floor(ms / 60 000)).
 *
 * - `series:delivered:<integrationId>:<source>`: records Splunk accepted in that minute,
 *   moved by the pump's per-batch MULTI (no extra round trip)
 * - `series:lag:<integrationId>:<source>`: records behind the feed, sampled by the
 *   dispatcher at most once a minute per worker process
 *
 * Each write renews a 2-hour expiry, so an idle integration's series vanish on their
 * own; readers ignore minutes older than the last hour, which the key may still hold.
 */
export const SERIES_MINUTES = 60;
export const SERIES_TTL_SECONDS = 2 * 60 * 60;
const MINUTE_MS = 60_000;

/** Each data source (feed) has its own series. */
export type TSeriesSource = TFeedName;

export const seriesKeys = {
  delivered: (integrationId: string, source: string) => `series:delivered:${integrationId}:${source}`,
  lag: (integrationId: string, source: string) => `series:lag:${integrationId}:${source}`,
};

/** Minutes since the epoch: the field name of a minute's bucket. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS);
}

/** What the integration's page charts: 60 minutes, oldest first, the last one the current minute. */
export type TIntegrationSeries = {
  /** Start of each minute, in ms since the epoch. */
  minutes: number[];
  /** Records delivered in each minute; 0 where nothing was. */
  delivered: Partial<Record<TSeriesSource, number[]>>;
  /** Records behind the feed, sampled once a minute; null where no sample was taken. */
  lag: Partial<Record<TSeriesSource, (number | null)[]>>;
};

/** The start (ms) of each of the last 60 minutes up to and including the current one. */
export function seriesMinutes(nowMs: number): number[] {
  const current = minuteOf(nowMs);
  return Array.from({ length: SERIES_MINUTES }, (_, i) => (current - SERIES_MINUTES + 1 + i) * MINUTE_MS);
}

/** A stored hash as 60 buckets, oldest first; fields outside the last hour (or not minutes) are ignored. */
function bucket<T>(hash: Record<string, string>, nowMs: number, missing: T, read: (n: number) => T): T[] {
  const first = minuteOf(nowMs) - SERIES_MINUTES + 1;
  const buckets = new Array<T>(SERIES_MINUTES).fill(missing);
  for (const [field, value] of Object.entries(hash)) {
    const index = Number(field) - first;
    const n = Number(value);
    if (!Number.isInteger(index) || index < 0 || index >= SERIES_MINUTES || !Number.isFinite(n)) continue;
    buckets[index] = read(n);
  }
  return buckets;
}

export function bucketDelivered(hash: Record<string, string>, nowMs: number): number[] {
  return bucket<number>(hash, nowMs, 0, (n) => Math.max(0, n));
}

export function bucketLag(hash: Record<string, string>, nowMs: number): (number | null)[] {
  return bucket<number | null>(hash, nowMs, null, (n) => Math.max(0, n));
}

/** Minute by minute sum of several series of the same length. */
export function sumSeries(series: readonly number[][]): number[] {
  if (series.length === 0) return [];
  return series[0]!.map((_, i) => series.reduce((sum, s) => sum + (s[i] ?? 0), 0));
}

/** Adds the delivered records of a batch to the caller's MULTI or pipeline. */
export function addDelivered(
  tx: ChainableCommander,
  integrationId: string,
  source: string,
  records: number,
  nowMs: number,
): void {
  const key = seriesKeys.delivered(integrationId, source);
  tx.hincrby(key, String(minuteOf(nowMs)), records).expire(key, SERIES_TTL_SECONDS);
}

export type TLagSample = { integrationId: string; source: string; recordsBehind: number };

/** Stores one minute's lag of each delivery; one pipelined round trip for all. */
export async function recordLagSamples(redis: Redis, samples: readonly TLagSample[], nowMs: number): Promise<void> {
  if (samples.length === 0) return;
  const minute = String(minuteOf(nowMs));
  const pipeline = redis.pipeline();
  for (const s of samples) {
    const key = seriesKeys.lag(s.integrationId, s.source);
    pipeline.hset(key, minute, Math.max(0, s.recordsBehind)).expire(key, SERIES_TTL_SECONDS);
  }
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
}

type THashResults = [Error | null, unknown][];

function hashAt(results: THashResults, index: number): Record<string, string> {
  const [error, hash] = results[index] ?? [null, {}];
  if (error) throw error;
  return (hash ?? {}) as Record<string, string>;
}

/** The last hour of an integration's enabled sources; one round trip. */
export async function readSeries(
  redis: Redis,
  integrationId: string,
  sources: readonly TSeriesSource[],
  nowMs = Date.now(),
): Promise<TIntegrationSeries> {
  const pipeline = redis.pipeline();
  for (const source of sources) {
    pipeline.hgetall(seriesKeys.delivered(integrationId, source)).hgetall(seriesKeys.lag(integrationId, source));
  }
  const results: THashResults = sources.length > 0 ? ((await pipeline.exec()) ?? []) : [];
  const series: TIntegrationSeries = { minutes: seriesMinutes(nowMs), delivered: {}, lag: {} };
  sources.forEach((source, i) => {
    series.delivered[source] = bucketDelivered(hashAt(results, 2 * i), nowMs);
    series.lag[source] = bucketLag(hashAt(results, 2 * i + 1), nowMs);
  });
  return series;
}

/** Records delivered per minute over the last hour of each integration, its sources summed; one round trip. */
export async function readDeliveredPerMinute(
  redis: Redis,
  integrations: readonly { integrationId: string; sources: readonly TSeriesSource[] }[],
  nowMs = Date.now(),
): Promise<number[][]> {
  const keys = integrations.flatMap((i) => i.sources.map((s) => seriesKeys.delivered(i.integrationId, s)));
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.hgetall(key);
  const results: THashResults = keys.length > 0 ? ((await pipeline.exec()) ?? []) : [];
  let next = 0;
  return integrations.map((i) => {
    const perSource = i.sources.map(() => bucketDelivered(hashAt(results, next++), nowMs));
    return perSource.length > 0 ? sumSeries(perSource) : new Array<number>(SERIES_MINUTES).fill(0);
  });
}

/** Drops a deleted integration's series. */
export async function forgetSeries(redis: Redis, integrationId: string): Promise<void> {
  await redis.del(
    FEED_NAMES.flatMap((source) => [
      seriesKeys.delivered(integrationId, source),
      seriesKeys.lag(integrationId, source),
    ]),
  );
}
