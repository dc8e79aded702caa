/**
 * Ingest over HTTP: how many records and MB a second POST /api/feeds/events appends
 * through the real web server (scripts/serve.ts, Next's routing) into a real Redis, for
 * simulator-sized events of about 1.5 KB in requests of 1 MB, 8 MB and 30 MB; and a drill
 * that holds 200 unauthenticated 10 MB uploads open at once, measuring the web process'
 * memory and whether /api/health/live keeps answering meanwhile.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort, startChild, stopChild, waitFor } from "../lib/processes";
import { startEmbeddedRedis } from "../lib/embedded-redis";

const REQUEST_MB = [1, 8, 30];
/** Bytes sent per request size per run: enough requests for a stable figure. */
const BYTES_PER_RUN = 60 * 1024 * 1024;
const REPEATS = 3;
const UPLOADS = 200;
const UPLOAD_BYTES = 10 * 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A JSON array of events of about 1.5 KB each, `megabytes` MB in all. */
function makeBody(megabytes: number): { body: Blob; records: number } {
  const records: string[] = [];
  let size = 2;
  let i = 0;
  while (size < megabytes * 1024 * 1024 - 1600) {
    const event = JSON.stringify({
      event_type: "Security",
      event_sub_type: "IPS",
      time: String(1764368000000 + i),
      src_ip: `10.0.${i % 250}.${i % 200}`,
      dest_ip: "203.0.113.7",
      action: "Block",
      rule: `rule-${i % 97}`,
      raw_data: "r".repeat(1400),
    });
    records.push(event);
    size += event.length + 1;
    i++;
  }
  return { body: new Blob([`[${records.join(",")}]`]), records: records.length };
}

/** The web server's process: the child of `npm start` running scripts/serve.ts. */
function webPid(parentPid: number): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== parentPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("scripts/serve.ts")) return Number(entry);
    } catch {
      // The process ended meanwhile.
    }
  }
  return null;
}

/** CPU time a process has used so far, user and system, in milliseconds (Linux reports it in ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time Redis has used so far, in milliseconds. */
async function redisCpuMs(client: Redis): Promise<number> {
  const info = await client.info("cpu");
  const used = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (used("used_cpu_user") + used("used_cpu_sys")) * 1000;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : 0;
}

/** One unauthenticated upload declaring 10 MB, sent as fast as the server takes it; its status or error. */
function unauthenticatedUpload(port: number): Promise<string> {
  return new Promise((resolve) => {
    const request = httpRequest(
      {
        method: "POST",
        host: "127.0.0.1",
        port,
        path: "/api/feeds/events",
        headers: { "content-type": "application/json", "content-length": UPLOAD_BYTES },
        agent: false,
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(String(response.statusCode)));
      },
    );
    request.on("error", (error) => resolve((error as NodeJS.ErrnoException).code ?? "error"));
    const piece = Buffer.alloc(64 * 1024, "[");
    let sent = 0;
    const pump = () => {
      while (sent < UPLOAD_BYTES) {
        sent += piece.length;
        if (!request.write(piece)) return void request.once("drain", pump);
      }
      request.end();
    };
    pump();
  });
}

export async function benchIngest(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-ingest-"));
  const redis = await startEmbeddedRedis(dataDir);
  const port = await freePort();
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    REDIS_URL: redis.url,
    SIMULATOR: "off",
    // Ingest needs an Admin: the bench signs in as the first administrator.
    ADMIN_EMAIL: "bench@example.com",
    ADMIN_PASSWORD: "bench passphrase 2026",
  };
  const start = startChild("start", process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env,
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  const client = new Redis(redis.url);
  try {
    await waitFor(async () => (await fetch(`${base}/api/health/live`)).ok, 600_000, "the web app");
    const signIn = await fetch(`${base}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
    });
    if (!signIn.ok) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;

    // CPU time per MB, of the web process and of Redis: a measure of the work an append
    // takes that a busy machine changes far less than it changes the rate.
    const pid = webPid(start.pid!);
    if (!pid) throw new Error("the web server's process was not found");
    const rows = [
      "| Request size | Records per request | Records/s, median (min–max) of 3 runs | MB/s, median | CPU ms per MB: web process, Redis (median) |",
      "| --- | --- | --- | --- | --- |",
    ];
    let recordSize = 0;
    for (const megabytes of REQUEST_MB) {
      const { body, records } = makeBody(megabytes);
      recordSize = Math.round(body.size / records);
      const requests = Math.max(2, Math.round(BYTES_PER_RUN / body.size));
      const rates: number[] = [];
      const mbRates: number[] = [];
      const webCpu: number[] = [];
      const redisCpu: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        await client.del("feed:events");
        const webBefore = cpuMs(pid);
        const redisBefore = await redisCpuMs(client);
        const started = performance.now();
        for (let i = 0; i < requests; i++) {
          const response = await fetch(`${base}/api/feeds/events`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie },
            body,
          });
          if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
          await response.arrayBuffer();
        }
        const seconds = (performance.now() - started) / 1000;
        rates.push((requests * records) / seconds);
        const megabytesSent = (requests * body.size) / 1024 / 1024;
        mbRates.push(megabytesSent / seconds);
        webCpu.push((cpuMs(pid) - webBefore) / megabytesSent);
        redisCpu.push(((await redisCpuMs(client)) - redisBefore) / megabytesSent);
      }
      const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
      rows.push(
        `| ${megabytes} MB | ${records.toLocaleString("en-US")} | ${fmt(median(rates))} (${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}) | ${median(mbRates).toFixed(1)} | ${fmt(median(webCpu))}, ${fmt(median(redisCpu))} |`,
      );
      process.stdout.write(
        `  ingest ${megabytes} MB requests: ${fmt(median(rates))} records/s, CPU ms per MB: web ${fmt(median(webCpu))}, Redis ${fmt(median(redisCpu))}\n`,
      );
    }
    await client.del("feed:events");

    // 200 unauthenticated 10 MB uploads at once.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = rssMb(pid);
    let peak = before;
    let healthAnswered = 0;
    let healthFailed = 0;
    let isRunning = true;
    const sampler = (async () => {
      while (isRunning) {
        peak = Math.max(peak, rssMb(pid));
        try {
          const response = await fetch(`${base}/api/health/live`, { signal: AbortSignal.timeout(5000) });
          if (response.ok) healthAnswered++;
          else healthFailed++;
        } catch {
          healthFailed++;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const outcomes = await Promise.all(Array.from({ length: UPLOADS }, () => unauthenticatedUpload(port)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    isRunning = false;
    await sampler;
    const after = rssMb(pid);
    const counts = new Map<string, number>();
    for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    const outcomeText = [...counts].map(([outcome, count]) => `${count} × ${outcome}`).join(", ");

    return [
      `POST /api/feeds/events with a session cookie, one request at a time, JSON arrays of events of ${recordSize.toLocaleString("en-US")} bytes on average, about ${BYTES_PER_RUN / 1024 / 1024} MB per run and size, into Redis with its append-only file on.`,
      "",
      ...rows,
      "",
      `${UPLOADS} unauthenticated uploads declaring ${UPLOAD_BYTES / 1024 / 1024} MB each, sent at once: web process RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)} MB), ${after.toFixed(0)} MB after; replies: ${outcomeText}; /api/health/live answered ${healthAnswered} of ${healthAnswered + healthFailed} probes meanwhile.`,
      "",
    ].join("\n");
  } finally {
    client.disconnect();
    await stopChild(start, 20_000);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
