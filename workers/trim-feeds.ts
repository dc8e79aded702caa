import type { Redis } from "ioredis";
import { FEED_NAMES, trimOlderThan } from "@/lib/feeds/feed-store";
import { logger } from "@/lib/logger";

/** Retention by age: drop what was appended longer ago than the retention period. */
export async function trimFeeds(redis: Redis, retentionHours: number, nowMs = Date.now()): Promise<number> {
  const cutoff = nowMs - retentionHours * 3600 * 1000;
  let removed = 0;
  for (const feed of FEED_NAMES) {
    const count = await trimOlderThan(redis, feed, cutoff);
    if (count > 0) logger.info("feed trimmed by age", { feed, removed: count });
    removed += count;
  }
  return removed;
}
