import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { minuteOf, recordLagSamples, type TLagSample } from "@/lib/delivery/series";
import { ensureDeliveries, enabledSources } from "@/lib/delivery/state";
import { FEED_NAMES, readHead, type TFeedName } from "@/lib/feeds/feed-store";
import { markerSeq } from "@/lib/feeds/marker";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { JOB_PUMP, pumpJobId, type TPumpPayload } from "@/lib/jobs/queues";

/**
 * Twice a second, once across all workers: finds each (integration, source) whose
 * marker is behind its feed's head and whose retry time has come, and queues its pump.
 * Idle integrations cost one row read here and nothing else.
 *
 * Once a minute per worker process it also samples each delivery's lag (records
 * behind the head) for the throughput charts: one more pipelined round trip.
 */
let lastLagMinute: number | null = null;

export async function dispatchPumps(
  prisma: PrismaClient,
  redis: Redis,
  queue: Queue,
  nowMs = Date.now(),
): Promise<number> {
  const heads = new Map<TFeedName, number>();
  for (const feed of FEED_NAMES) heads.set(feed, (await readHead(redis, feed)).appended);

  const integrations = await prisma.integration.findMany({
    where: { paused: false },
    select: {
      id: true,
      events: true,
      flows: true,
      audit: true,
      deliveries: { select: { source: true, marker: true, nextAttemptAt: true } },
    },
  });
  const minute = minuteOf(nowMs);
  const isSamplingLag = lastLagMinute !== minute;
  const lagSamples: TLagSample[] = [];
  const due: TPumpPayload[] = [];
  for (const integration of integrations) {
    const sources = enabledSources(integration);
    if (integration.deliveries.length < sources.length) {
      await ensureDeliveries(prisma, redis, integration.id, integration);
      continue; // picked up on the next round, with its new marker
    }
    for (const delivery of integration.deliveries) {
      const source = delivery.source as TFeedName;
      if (!sources.includes(source)) continue;
      if (isSamplingLag) {
        const recordsBehind = Math.max(0, (heads.get(source) ?? 0) - markerSeq(delivery.marker));
        lagSamples.push({ integrationId: integration.id, source, recordsBehind });
      }
      if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > nowMs) continue;
      if (markerSeq(delivery.marker) !== heads.get(source)) due.push({ integrationId: integration.id, source });
    }
  }
  if (isSamplingLag) {
    lastLagMinute = minute;
    // A chart may miss a minute; dispatching must not fail for it.
    await recordLagSamples(redis, lagSamples, nowMs).catch(() => undefined);
  }
  if (due.length > 0) {
    await queue.addBulk(due.map((data) => ({ name: JOB_PUMP, data, opts: { jobId: pumpJobId(data) } })));
  }
  return due.length;
}
