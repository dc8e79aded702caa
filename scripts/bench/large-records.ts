import { Redis } from "ioredis";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { db, disconnectDb } from "@/lib/db";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { startHecReceiver } from "@/lib/hec-receiver/receiver";
import { createIntegration } from "@/lib/integrations/service";
import { createSimulator } from "@/lib/simulator/generator";
import { waitForWorkerReady } from "./delivery";
import { peakRssMb, startWorker, stopWorker, waitUntil, type TBenchEnvironment } from "./environment";

export type TLargeRecords = { records: number; seconds: number; peakRssMb: number; crashed: boolean };

/**
 * Memory with Detection and Response records of 5.3 MB: `large` of them, each after 500
 * ordinary events, delivered to `integrations` integrations at once (the worker's pump
 * concurrency is 8, so 8 pumps meet such records together).
 */
export async function benchLargeRecords(
  env: TBenchEnvironment,
  integrations: number,
  large: number,
): Promise<TLargeRecords> {
  const redis = new Redis(env.redisUrl);
  await redis.flushdb();
  await db().integration.deleteMany({});
  const receiver = await startHecReceiver({ certificate: env.certificate, storeEvents: false });
  for (let i = 0; i < integrations; i++) {
    await createIntegration(
      { name: `L ${i} ${Date.now()}`, ingestionUrl: receiver.url, apiKey: receiver.token },
      SYSTEM_CALLER,
    );
  }
  const simulator = createSimulator({ seed: 9, largeRawDataEvery: 0 });
  let count = 0;
  const raw = "r".repeat(5_300_000);
  for (let i = 0; i < large; i++) {
    const normal = simulator.generate({ nowMs: 1764368000000 + i * 1000, eventCount: 500, flowCount: 0 }).events;
    await appendRecords(
      redis,
      "events",
      normal.map((r) => toNewRecord("events", r)),
      0,
    );
    await appendRecords(
      redis,
      "events",
      [
        toNewRecord("events", {
          event_type: "Detection and Response",
          event_sub_type: "Threat Hunting",
          time: String(1764368000000 + i),
          raw_data: raw,
        }),
      ],
      0,
    );
    count += 501;
  }
  const expected = count * integrations;
  const worker = startWorker(env.env);
  let peak = 0;
  await waitForWorkerReady(redis);
  const started = performance.now();
  let crashed = false;
  worker.once("exit", (code, signal) => {
    crashed = code !== 0 || signal !== null;
  });
  try {
    await waitUntil(
      () => {
        peak = Math.max(peak, peakRssMb(worker.pid) ?? 0);
        return receiver.count() >= expected || crashed;
      },
      600_000,
      "all records",
    );
  } finally {
    peak = Math.max(peak, peakRssMb(worker.pid) ?? 0);
    await stopWorker(worker);
  }
  const seconds = (performance.now() - started) / 1000;
  const delivered = receiver.count();
  await receiver.stop();
  redis.disconnect();
  await disconnectDb();
  return { records: expected, seconds, peakRssMb: peak, crashed: crashed || delivered < expected };
}
