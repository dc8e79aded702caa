import type { Redis } from "ioredis";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { createSimulator } from "@/lib/simulator/generator";

const MAX_CATCH_UP_SECONDS = 10;

/**
 * One simulator per worker process: each tick appends `rate` records a second to each
 * feed for the time since the last tick (at most 10 s, so a pause does not burst).
 * Flows go in first, so a flow is in its feed no later than the events that name it.
 */
export function createSimulation(options: {
  seed: number;
  rate: number;
  maxFeedLength: number;
  /** How long big records are kept beside the feed (its retention). */
  retentionHours?: number;
  /** True while the simulator must write nothing (a real Cato account is connected). */
  isSilenced?: () => Promise<boolean>;
}) {
  const simulator = createSimulator({ seed: options.seed });
  let lastTick = 0;
  let owedEvents = 0;
  let owedFlows = 0;

  return async function tick(redis: Redis, nowMs = Date.now()): Promise<{ events: number; flows: number }> {
    if (options.isSilenced && (await options.isSilenced())) {
      // Time passes without owing records, so nothing bursts out when it resumes.
      lastTick = nowMs;
      return { events: 0, flows: 0 };
    }
    const seconds = lastTick === 0 ? 1 : Math.min(MAX_CATCH_UP_SECONDS, (nowMs - lastTick) / 1000);
    lastTick = nowMs;
    owedEvents += options.rate * seconds;
    owedFlows += options.rate * seconds;
    const eventCount = Math.floor(owedEvents);
    const flowCount = Math.floor(owedFlows);
    owedEvents -= eventCount;
    owedFlows -= flowCount;
    if (eventCount === 0 && flowCount === 0) return { events: 0, flows: 0 };

    const batch = simulator.generate({ nowMs, eventCount, flowCount });
    if (batch.flows.length > 0) {
      await appendRecords(
        redis,
        "flows",
        batch.flows.map((r) => toNewRecord("flows", r)),
        options.maxFeedLength,
        options.retentionHours,
      );
    }
    if (batch.events.length > 0) {
      await appendRecords(
        redis,
        "events",
        batch.events.map((r) => toNewRecord("events", r)),
        options.maxFeedLength,
        options.retentionHours,
      );
    }
    return { events: batch.events.length, flows: batch.flows.length };
  };
}
