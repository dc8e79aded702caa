import type { Redis } from "ioredis";
import { feedKey, FEED_NAMES, readHead, type TFeedName } from "@/lib/feeds/feed-store";
import { markerSeq, parseMarker } from "@/lib/feeds/marker";
import type { TLag } from "@/lib/integrations/schema";

type TPosition = { integrationId: string; source: string; marker: string };

/**
 * How far each delivery is behind its feed: records between its marker and the head,
 * and the age of the oldest one not yet delivered. One pipelined round trip for all.
 */
export async function readLags(redis: Redis, positions: TPosition[], nowMs = Date.now()): Promise<Map<string, TLag>> {
  const heads = new Map<string, number>();
  for (const feed of FEED_NAMES) heads.set(feed, (await readHead(redis, feed)).appended);
  const behind = positions.filter((p) => heads.has(p.source) && markerSeq(p.marker) < heads.get(p.source)!);
  const pipeline = redis.pipeline();
  for (const p of behind) pipeline.xrange(feedKey(p.source as TFeedName), `(${p.marker}`, "+", "COUNT", 1);
  const results = behind.length > 0 ? ((await pipeline.exec()) ?? []) : [];

  const lags = new Map<string, TLag>();
  for (const p of positions) lags.set(lagKey(p.integrationId, p.source), { records: 0, oldestAgeSeconds: null });
  behind.forEach((p, i) => {
    const [, entries] = results[i] ?? [];
    const firstId = (entries as [string, string[]][] | undefined)?.[0]?.[0];
    const ms = firstId ? parseMarker(firstId)?.ms : undefined;
    lags.set(lagKey(p.integrationId, p.source), {
      records: Math.max(0, heads.get(p.source)! - markerSeq(p.marker)),
      oldestAgeSeconds: ms !== undefined ? Math.max(0, Math.round((nowMs - ms) / 1000)) : null,
    });
  });
  return lags;
}

export function lagKey(integrationId: string, source: string): string {
  return `${integrationId}/${source}`;
}
