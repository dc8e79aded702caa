/**
 * Steady-state latency: records appended at a fixed rate (each record's `time` is the
 * moment it is appended), one integration, one worker; latency is the time from the
 * append to the receiver accepting the request that carried the record.
 */
import { Redis } from "ioredis";
import { disconnectDb } from "@/lib/db";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { startHecReceiver } from "@/lib/hec-receiver/receiver";
import { createIntegration } from "@/lib/integrations/service";
import { createSimulator } from "@/lib/simulator/generator";
import { waitForWorkerReady } from "./delivery";
import { peakRssMb, startWorker, stopWorker, waitUntil, type TBenchEnvironment } from "./environment";
import { SYSTEM_CALLER } from "@/lib/auth/caller";

export type TLatency = {
  rate: number;
  records: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  peakRssMb: number | null;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export async function benchLatency(environment: TBenchEnvironment, rate: number, seconds: number): Promise<TLatency> {
  const redis = new Redis(environment.redisUrl);
  await redis.flushdb();
  const receiver = await startHecReceiver({ certificate: environment.certificate });
  const simulator = createSimulator({ seed: 3, largeRawDataEvery: 0 });
  const worker = startWorker(environment.env);
  let peak = 0;
  try {
    await createIntegration(
      { name: `Latency ${Date.now()}`, ingestionUrl: receiver.url, apiKey: receiver.token },
      SYSTEM_CALLER,
    );
    await waitForWorkerReady(redis);
    const tickMs = 50;
    const perTick = Math.round((rate * tickMs) / 1000);
    const started = Date.now();
    let appended = 0;
    for (let tick = 0; Date.now() - started < seconds * 1000; tick++) {
      const due = started + tick * tickMs;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const now = Date.now();
      const { events } = simulator.generate({ nowMs: now, eventCount: perTick, flowCount: 0 });
      for (const event of events) event.time = String(now);
      await appendRecords(
        redis,
        "events",
        events.map((r) => toNewRecord("events", r)),
        0,
      );
      appended += events.length;
      peak = Math.max(peak, peakRssMb(worker.pid) ?? 0);
    }
    await waitUntil(() => receiver.received().length >= appended, 60_000, "every record to arrive");
    // Each request's acceptance time applies to the envelopes it carried, in order.
    const latencies: number[] = [];
    const envelopes = receiver.received();
    let index = 0;
    for (const request of receiver.requests()) {
      for (let i = 0; i < request.envelopes; i++, index++) {
        const time = envelopes[index]?.time;
        if (typeof time === "number") latencies.push(request.at - time * 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    return {
      rate,
      records: appended,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: latencies.at(-1)!,
      peakRssMb: Math.max(peak, peakRssMb(worker.pid) ?? 0),
    };
  } finally {
    await stopWorker(worker);
    await receiver.stop();
    redis.disconnect();
    await disconnectDb();
  }
}
