/**
 * The Cato poller's throughput: records a second from the stand-in for Cato's API (over
 * HTTP, gzipped pages of 3,000) into the events feed in Redis, with Cato's marker stored by
 * the append. The stand-in runs in a process of its own and keeps its full pages' replies
 * once built, as a remote Cato serves them from its own machines; the poller runs in a
 * process of its own with the worker's Node flags (scripts/bench/cato-poller.ts), timed from
 * its start (modules loaded) until the feed holds every record. Cato's ceiling is 3,000
 * records x 100 calls a minute = 5,000 records/s; it is lifted here so that the figure is
 * what the poller itself can do.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { cpus, loadavg } from "node:os";
import { Redis } from "ioredis";
import { fetchEventsPage } from "@/lib/cato/client";
import { encryptCatoKey } from "@/lib/cato/target";
import { db, disconnectDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { WORKER_NODE_FLAGS, workerEnv } from "../lib/worker-flags";
import { stopChild } from "../lib/processes";
import { peakRssMb, startBenchEnvironment, waitUntil, type TEnv } from "./environment";

const TOTAL = 120_000;
const REPEATS = 3;
const CATO_CEILING = (3000 * 100) / 60;
const ACCOUNT_ID = "48213";
const API_KEY = "bench-cato-key-0123456789";

type TCatoRun = {
  recordsPerSecond: number;
  mbPerSecond: number;
  peakRssMb: number;
  load: number;
  /** Records per second of CPU the poller process used, and Redis' main thread: what each could do with a core of its own. */
  pollerRecordsPerCpuSecond: number;
  redisRecordsPerCpuSecond: number;
};

/** CPU seconds a process has used so far (Linux /proc/<pid>/stat: user + system). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return value("used_cpu_user_main_thread") + value("used_cpu_sys_main_thread");
}

/** The first JSON line a child prints (Node flags such as --trace-gc may print other lines first). */
async function firstLine(child: ChildProcess, what: string): Promise<Record<string, unknown>> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, "exit").then(() => {
    throw new Error(`${what} exited before it was ready`);
  });
  for (;;) {
    const [text] = (await Promise.race([once(lines, "line"), exited])) as [string];
    if (text.startsWith("{")) return JSON.parse(text) as Record<string, unknown>;
    process.stdout.write(`${text}\n`);
  }
}

function startNode(script: string, args: string[], env: TEnv, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, "--conditions=react-server", "--import", "tsx", script, ...args], {
    env: workerEnv(env),
    stdio: ["ignore", "pipe", "inherit"],
  });
}

export async function benchCato(): Promise<string> {
  const environment = await startBenchEnvironment();
  const redis = new Redis(environment.redisUrl, { maxRetriesPerRequest: null });
  const standIn = startNode(
    "scripts/bench/cato-stand-in.ts",
    ["--events", String(TOTAL), "--api-key", API_KEY, "--account-id", ACCOUNT_ID],
    environment.env,
  );
  try {
    const ready = await firstLine(standIn, "the stand-in");
    const url = String(ready.url);
    const jsonBytes = Number(ready.jsonBytes);
    // Every page once before the runs, so that each run is served from the stand-in's cache.
    const call = { url, apiKey: API_KEY, accountId: ACCOUNT_ID, timeoutMs: 60_000 };
    for (let marker = "", fetched = 0; fetched < TOTAL;) {
      const outcome = await fetchEventsPage(call, marker);
      if (outcome.kind !== "ok") throw new Error(`The stand-in answered ${outcome.kind}: ${outcome.reason}`);
      if (outcome.page.fetchedCount === 0) break;
      fetched += outcome.page.fetchedCount;
      marker = outcome.page.marker;
    }
    await db().catoAccount.create({
      data: {
        catoAccountId: ACCOUNT_ID,
        apiKeyCiphertext: encryptCatoKey(API_KEY, serverEnv().encryptionKey),
        apiKeyHint: API_KEY.slice(-4),
      },
    });
    const runs: TCatoRun[] = [];
    // BENCH_POLLER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the poller.
    const extra = (process.env.BENCH_POLLER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    for (let r = 0; r < REPEATS; r++) {
      process.stdout.write(`  stand-in to feed, run ${r + 1} of ${REPEATS}\n`);
      await redis.flushdb();
      const load = loadavg()[0]!;
      const poller = startNode("scripts/bench/cato-poller.ts", [], { ...environment.env, CATO_API_URL: url }, [
        ...WORKER_NODE_FLAGS,
        ...extra,
      ]);
      let peak = 0;
      try {
        await firstLine(poller, "the poller");
        const started = performance.now();
        // CPU is counted from the first page in the feed on: the poller's start-up (modules
        // loaded on first use, the first connections, the JIT warming up) is not its rate.
        const first = { length: 0, pollerCpu: 0, redisCpu: 0 };
        await waitUntil(
          async () => {
            peak = Math.max(peak, peakRssMb(poller.pid) ?? 0);
            const length = await redis.xlen("feed:events");
            if (first.length === 0 && length > 0) {
              Object.assign(first, {
                length,
                pollerCpu: cpuSeconds(poller.pid),
                redisCpu: await redisCpuSeconds(redis),
              });
            }
            return length >= TOTAL;
          },
          600_000,
          `${TOTAL} records in the feed`,
        );
        const seconds = (performance.now() - started) / 1000;
        const counted = TOTAL - first.length;
        const pollerCpu = cpuSeconds(poller.pid) - first.pollerCpu;
        const redisCpu = (await redisCpuSeconds(redis)) - first.redisCpu;
        peak = Math.max(peak, peakRssMb(poller.pid) ?? 0);
        runs.push({
          recordsPerSecond: TOTAL / seconds,
          mbPerSecond: jsonBytes / seconds / 1e6,
          peakRssMb: peak,
          load,
          pollerRecordsPerCpuSecond: counted / pollerCpu,
          redisRecordsPerCpuSecond: counted / redisCpu,
        });
      } finally {
        await stopChild(poller, 15_000);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const n = (v: number) => Math.round(v).toLocaleString("en-US");
    const spread = (values: number[], f: (v: number) => string) =>
      `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
    const rate = median(runs.map((r) => r.recordsPerSecond));
    return [
      `${TOTAL.toLocaleString("en-US")} simulator events (${n(jsonBytes / TOTAL)} bytes each on average) in pages of 3,000, gzipped, from the stand-in for Cato's API (its own process, full pages' replies built once) over HTTP on loopback into the events feed (Redis with its append-only file on), one poller in its own process with the worker's Node flags, Cato's marker stored by each append; timed from the poller's start until the feed holds every record.`,
      "",
      "| Path | records/s, median (min–max) of 3 runs | MB/s of JSON records | Poller peak RSS | × Cato's ceiling (5,000 records/s) | Records per CPU-second: poller | Records per CPU-second: Redis |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      `| Stand-in → events feed | ${spread(
        runs.map((r) => r.recordsPerSecond),
        n,
      )} | ${spread(
        runs.map((r) => r.mbPerSecond),
        (v) => v.toFixed(1),
      )} | ${n(Math.max(...runs.map((r) => r.peakRssMb)))} MB | ${(rate / CATO_CEILING).toFixed(1)} | ${spread(
        runs.map((r) => r.pollerRecordsPerCpuSecond),
        n,
      )} | ${spread(
        runs.map((r) => r.redisRecordsPerCpuSecond),
        n,
      )} |`,
      "",
      `Load average of the machine (1 min) when each run started: ${runs.map((r) => r.load.toFixed(1)).join(", ")} on ${cpus().length} cores. Records per CPU-second divide the records appended after the first page by the CPU time the poller process (user + system, /proc) and Redis' main thread (INFO cpu) used meanwhile: the rate each would reach with a core to itself, which a loaded machine changes far less than records/s.`,
      "",
    ].join("\n");
  } finally {
    await stopChild(standIn, 5000);
    redis.disconnect();
    await disconnectDb();
    await environment.stop();
  }
}
