/**
 * The Cato poller's throughput: records a second from the stand-in for Cato's API (over
 * HTTP, gzipped pages of 3,000) into the events feed in Redis, with Cato's marker stored by
 * the append. The stand-in's own limits and the poller's ceiling are off here, so the
 * figure is what the poller itself can do; Cato's ceiling is 3,000 records x 100 calls a
 * minute = 5,000 records/s.
 */
import { cpus, loadavg } from "node:os";
import { Redis } from "ioredis";
import { startCatoMock } from "@/lib/cato/mock-server";
import { startCatoPoller } from "@/lib/cato/poller";
import { encryptCatoKey } from "@/lib/cato/target";
import { db, disconnectDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { createSimulator } from "@/lib/simulator/generator";
import { startBenchEnvironment } from "./environment";

const TOTAL = 60_000;
const REPEATS = 3;
const CATO_CEILING = (3000 * 100) / 60;
const ACCOUNT_ID = "48213";
const API_KEY = "bench-cato-key-0123456789";

function availableCores(): number {
  return cpus().length;
}

export async function benchCato(): Promise<string> {
  const environment = await startBenchEnvironment();
  const redis = new Redis(environment.redisUrl, { maxRetriesPerRequest: null });
  const mock = await startCatoMock({ apiKey: API_KEY, accountId: ACCOUNT_ID, isLimited: false });
  try {
    const simulator = createSimulator({ seed: 5, largeRawDataEvery: 0 });
    for (let done = 0; done < TOTAL; done += 5000) {
      mock.addEvents(simulator.generate({ nowMs: 1764368000000 + done, eventCount: 5000, flowCount: 0 }).events);
    }
    const avgBytes = Math.round(
      mock.events().reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r.fieldsMap)), 0) / TOTAL,
    );
    await db().catoAccount.create({
      data: {
        catoAccountId: ACCOUNT_ID,
        apiKeyCiphertext: encryptCatoKey(API_KEY, serverEnv().encryptionKey),
        apiKeyHint: API_KEY.slice(-4),
      },
    });
    const rates: number[] = [];
    const loadBefore = loadavg()[0]!;
    for (let r = 0; r < REPEATS; r++) {
      process.stdout.write(`  stand-in to feed, run ${r + 1} of ${REPEATS}\n`);
      await redis.flushdb();
      const stop = new AbortController();
      const started = performance.now();
      const poller = startCatoPoller({
        redis,
        prisma: db(),
        encryptionKey: serverEnv().encryptionKey,
        apiUrlOverride: mock.url,
        pollIntervalMs: 5000,
        eventsCallsPerMinute: 1_000_000,
        auditCallsPerMinute: 5,
        timeoutMs: 60_000,
        maxFeedLength: 0,
        retentionHours: 72,
        owner: "bench",
        signal: stop.signal,
      });
      while ((await redis.xlen("feed:events")) < TOTAL) await new Promise((res) => setTimeout(res, 5));
      rates.push(TOTAL / ((performance.now() - started) / 1000));
      stop.abort();
      await poller.stopped;
    }
    const sorted = [...rates].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const n = (v: number) => Math.round(v).toLocaleString("en-US");
    return [
      `${TOTAL.toLocaleString("en-US")} simulator events (${avgBytes.toLocaleString("en-US")} bytes each on average) in pages of 3,000, gzipped, from \`npm run cato:mock\`'s server over HTTP on loopback into the events feed (Redis with its append-only file on), one poller, Cato's marker stored by each append.`,
      "",
      "| Path | records/s, median (min–max) of 3 runs | × Cato's ceiling (5,000 records/s) |",
      "| --- | --- | --- |",
      `| Stand-in → events feed | ${n(median)} (${n(sorted[0]!)}–${n(sorted.at(-1)!)}) | ${(median / CATO_CEILING).toFixed(1)} |`,
      "",
      `Load average of the machine (1 min) when the runs started: ${loadBefore.toFixed(1)} on ${availableCores()} cores. The stand-in and the poller share one Node process here, so both the server's and the client's JSON and gzip work count against the figure.`,
      "",
    ].join("\n");
  } finally {
    await mock.close();
    redis.disconnect();
    await disconnectDb();
    await environment.stop();
  }
}
