/**
 * A throw-away environment for benchmarks and drills: its own PostgreSQL and Redis
 * (append-only file on) in a temporary directory, migrated, with a HEC receiver whose
 * CA the worker processes trust, and helpers to start and measure worker processes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLoopbackCertificate, type TLoopbackCertificate } from "@/lib/hec-receiver/certificate";
import { startEmbeddedPostgres } from "../lib/embedded-postgres";
import { startEmbeddedRedis } from "../lib/embedded-redis";
import { run, stopChild } from "../lib/processes";
import { workerArgs, workerEnv } from "../lib/worker-flags";

export type TEnv = Record<string, string | undefined>;

export type TBenchEnvironment = {
  dir: string;
  databaseUrl: string;
  redisUrl: string;
  /** Redis' process, for its CPU time. */
  redisPid: number | undefined;
  certificate: TLoopbackCertificate;
  /** Environment for worker processes (and this process' own service calls). */
  env: TEnv;
  restartRedis(): Promise<void>;
  restartPostgres(): Promise<void>;
  stop(): Promise<void>;
};

export async function startBenchEnvironment(extra: TEnv = {}): Promise<TBenchEnvironment> {
  const dir = mkdtempSync(join(tmpdir(), "sase-bench-"));
  const password = randomBytes(12).toString("hex");
  let pg = await startEmbeddedPostgres(dir, password);
  let redis = await startEmbeddedRedis(dir);
  const certificate = await loadLoopbackCertificate(join(dir, "cert"));
  const env: TEnv = {
    ...process.env,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    NODE_EXTRA_CA_CERTS: certificate.caCertPath,
    HEC_ALLOW_PRIVATE_NETWORKS: "true",
    SIMULATOR: "off",
    LOG_LEVEL: "error",
    ...extra,
  };
  await run(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "deploy"], {
    env: env as NodeJS.ProcessEnv,
    stdio: "ignore",
  });
  // This process calls the services too (creating integrations, appending records).
  Object.assign(process.env, env);

  return {
    dir,
    get databaseUrl() {
      return pg.url;
    },
    get redisUrl() {
      return redis.url;
    },
    get redisPid() {
      return redis.pid;
    },
    certificate,
    env,
    async restartRedis() {
      await redis.stop();
      redis = await startEmbeddedRedis(dir, undefined, Number(new URL(redis.url).port));
    },
    async restartPostgres() {
      await pg.stop();
      pg = await startEmbeddedPostgres(dir, password, Number(new URL(pg.url).port));
    },
    async stop() {
      await redis.stop();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function startWorker(env: TEnv): ChildProcess {
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker.
  const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  return spawn(process.execPath, workerArgs(extra), {
    env: workerEnv(env as NodeJS.ProcessEnv),
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Peak resident memory of a process so far (Linux VmHWM), in MB. */
export function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

export async function stopWorker(child: ChildProcess): Promise<void> {
  await stopChild(child, 15_000);
}

/** CPU time a process has used so far (user and system, its threads included), in ms. */
export function cpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return null;
  }
}

export type TTimedDelivery = {
  records: number;
  seconds: number;
  /** The sender's CPU time over the same span. */
  senderCpuMs: number;
  /** The receiver's over the same span: the CPU of this process, which runs it (and little else meanwhile). */
  receiverCpuMs: number;
  /** Redis' over the same span, when its process was given. */
  redisCpuMs: number;
  peakRssMb: number;
};

/** Resolves when a sender process writes "ready" on its standard output (it has loaded what it sends). */
export function readyLine(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("ready\n")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the sender exited (${code}) before it was ready`)));
  });
}

/**
 * Times a sender the same way whoever it is: from the moment it is ready to send (its
 * records loaded, its connections not yet open: start-up and compiling count for no
 * one) until the receiver holds `expected`, with the sender's CPU time and peak memory
 * over that span.
 */
const cpuTotalMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

export async function timeDelivery(
  ready: Promise<void>,
  received: () => number,
  expected: number,
  pid: number | undefined,
  what: string,
  redisPid?: number,
): Promise<TTimedDelivery> {
  let peak = 0;
  let cpu = 0;
  const sample = () => {
    peak = Math.max(peak, peakRssMb(pid) ?? 0);
    cpu = cpuMs(pid) ?? cpu; // a sender that has exited keeps its last reading
  };
  await ready;
  sample();
  const started = performance.now();
  const cpuAtStart = cpu;
  const receiverAtStart = process.cpuUsage();
  const redisAtStart = cpuMs(redisPid) ?? 0;
  await waitUntil(
    () => {
      sample();
      return received() >= expected;
    },
    600_000,
    `${expected} records from ${what} at the receiver`,
  );
  return {
    records: expected,
    seconds: (performance.now() - started) / 1000,
    senderCpuMs: cpu - cpuAtStart,
    receiverCpuMs: cpuTotalMs(process.cpuUsage(receiverAtStart)),
    redisCpuMs: redisPid ? (cpuMs(redisPid) ?? redisAtStart) - redisAtStart : 0,
    peakRssMb: peak,
  };
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}
