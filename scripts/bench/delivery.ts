/**
 * Delivery throughput: a backlog of simulator records in the feeds, N integrations
 * that each get every record, one worker process; timed from the worker's start until
 * the receiver holds every record. Also the worker's peak memory.
 */
import { Redis } from "ioredis";
import { disconnectDb } from "@/lib/db";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { startHecReceiver } from "@/lib/hec-receiver/receiver";
import { createIntegration } from "@/lib/integrations/service";
import { createSimulator } from "@/lib/simulator/generator";
import {
  startBenchEnvironment,
  startWorker,
  stopWorker,
  timeDelivery,
  waitUntil,
  type TBenchEnvironment,
  type TTimedDelivery,
} from "./environment";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { db } from "@/lib/db";

export type TThroughput = {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  peakRssMb: number | null;
  /** The sender's CPU time per 1,000 records delivered (its threads included). */
  cpuMsPer1000: number;
  /** The receiver's CPU time per 1,000 records, over the same span. */
  receiverCpuMsPer1000: number;
  /** Redis' (the feeds, the attempt log and metrics, the job queue): 0 for senders that do not use it. */
  redisCpuMsPer1000: number;
  /** Seconds from the worker's start until it was ready (compiling and connecting), not counted above. */
  startupSeconds?: number;
};

/** Throughput figures from a timed span, scaled by the share of the JSON bytes it covered. */
export function throughputOf(timed: TTimedDelivery, expected: number, jsonBytes: number): TThroughput {
  return {
    records: expected,
    seconds: timed.seconds,
    recordsPerSecond: timed.records / timed.seconds,
    mbPerSecond: (jsonBytes * timed.records) / expected / timed.seconds / 1e6,
    peakRssMb: timed.peakRssMb,
    cpuMsPer1000: timed.senderCpuMs / (timed.records / 1000),
    receiverCpuMsPer1000: timed.receiverCpuMs / (timed.records / 1000),
    redisCpuMsPer1000: timed.redisCpuMs / (timed.records / 1000),
  };
}

/** The worker announces itself with a heartbeat key once connected. */
export async function waitForWorkerReady(redis: Redis): Promise<void> {
  await waitUntil(async () => (await redis.keys("workers:heartbeat:*")).length > 0, 60_000, "the worker to be ready");
}

/** Appends `count` records per feed, in batches, and returns the JSON bytes appended. */
export async function loadBacklog(redis: Redis, count: number, withFlows: boolean, seed = 1): Promise<number> {
  const simulator = createSimulator({ seed, largeRawDataEvery: 0 });
  let bytes = 0;
  for (let done = 0; done < count; done += 5000) {
    const n = Math.min(5000, count - done);
    const batch = simulator.generate({ nowMs: 1764368000000 + done, eventCount: n, flowCount: withFlows ? n : 0 });
    const events = batch.events.map((r) => toNewRecord("events", r));
    bytes += events.reduce((sum, r) => sum + r.json.length, 0);
    await appendRecords(redis, "events", events, 0);
    if (withFlows) {
      const flows = batch.flows.slice(0, n).map((r) => toNewRecord("flows", r));
      bytes += flows.reduce((sum, r) => sum + r.json.length, 0);
      await appendRecords(redis, "flows", flows, 0);
    }
  }
  return bytes;
}

export async function benchThroughput(
  environment: TBenchEnvironment,
  options: {
    integrations: number;
    recordsPerFeed: number;
    withFlows: boolean;
    /** The receiver acknowledges indexing and the integrations wait for it. */
    indexerAck?: boolean;
    /** Worker settings for this run (HEC_MAX_IN_FLIGHT...). */
    workerEnv?: Record<string, string>;
  },
): Promise<TThroughput> {
  const redis = new Redis(environment.redisUrl);
  await redis.flushdb();
  const receiver = await startHecReceiver({
    certificate: environment.certificate,
    storeEvents: false,
    ackEnabled: options.indexerAck ?? false,
  });
  try {
    // Each configuration alone: integrations of earlier runs point at receivers that are
    // gone, and would spend the worker's pump slots failing against them.
    await db().integration.deleteMany({});
    // Integrations start at the feed's head, so create them first, then load the backlog.
    for (let i = 0; i < options.integrations; i++) {
      await createIntegration(
        {
          name: `Bench ${i} ${Date.now()}`,
          ingestionUrl: receiver.url,
          apiKey: receiver.token,
          flows: options.withFlows,
          indexerAck: options.indexerAck ?? false,
        },
        SYSTEM_CALLER,
      );
    }
    const bytes = await loadBacklog(redis, options.recordsPerFeed, options.withFlows);
    const expected = options.recordsPerFeed * (options.withFlows ? 2 : 1) * options.integrations;
    const launched = performance.now();
    const worker = startWorker({ ...environment.env, ...options.workerEnv });
    let timed: TTimedDelivery;
    let ready = launched;
    try {
      const isReady = waitForWorkerReady(redis).then(() => void (ready = performance.now()));
      timed = await timeDelivery(
        isReady,
        () => receiver.count(),
        expected,
        worker.pid,
        "the worker",
        environment.redisPid,
      );
    } finally {
      await stopWorker(worker);
    }
    return {
      ...throughputOf(timed, expected, bytes * options.integrations),
      startupSeconds: (ready - launched) / 1000,
    };
  } finally {
    await receiver.stop();
    redis.disconnect();
    await disconnectDb();
  }
}

// `node --import tsx scripts/bench/delivery.ts` runs one quick measurement.
if (import.meta.url === `file://${process.argv[1]}`) {
  const environment = await startBenchEnvironment();
  try {
    const result = await benchThroughput(environment, {
      integrations: Number(process.argv[2] ?? 1),
      recordsPerFeed: Number(process.argv[3] ?? 100_000),
      withFlows: process.argv[4] === "flows",
    });
    console.log(result);
  } finally {
    await environment.stop();
  }
  process.exit(0);
}
