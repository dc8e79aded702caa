import type { Redis } from "ioredis";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { FEED_NAMES, readHead, type TFeedName } from "@/lib/feeds/feed-store";

/** Where a new pump starts: after the newest record, so it delivers what arrives from now on. */
export async function headMarker(redis: Redis, feed: TFeedName): Promise<string> {
  const head = await readHead(redis, feed);
  // An empty feed still has a sequence; `0-<n>` sorts before every later record.
  return head.lastMarker ?? `0-${head.appended}`;
}

/** An integration's data sources: one flag per feed (Events, Flows, Audit Trail). */
export type TSourceFlags = Record<TFeedName, boolean>;

/** The sources switched on, in the feeds' order. */
export function enabledSources(flags: TSourceFlags): TFeedName[] {
  return FEED_NAMES.filter((source) => flags[source]);
}

/**
 * Creates the delivery state of each enabled source that has none, starting at the
 * feed's head; with `restart`, also moves the given sources back to the head (a source
 * switched off and on again starts from now rather than replaying what it skipped).
 */
export async function ensureDeliveries(
  prisma: PrismaClient,
  redis: Redis,
  integrationId: string,
  flags: TSourceFlags,
  restart: TFeedName[] = [],
): Promise<void> {
  for (const source of enabledSources(flags)) {
    const marker = await headMarker(redis, source);
    if (restart.includes(source)) {
      await prisma.delivery.updateMany({
        where: { integrationId, source },
        data: { marker, nextAttemptAt: null, failures: 0 },
      });
    }
    // INSERT … ON CONFLICT DO NOTHING: the service and the dispatcher may both get here at once.
    await prisma.delivery.createMany({ data: [{ integrationId, source, marker }], skipDuplicates: true });
  }
}
