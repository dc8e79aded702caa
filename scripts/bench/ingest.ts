/**
 * Ingest throughput: how many records a second POST /api/feeds/events appends, in
 * batches of 5,000 records of about 1.5 KB, through the real web app over HTTP into
 * a real Redis; and the same appends made directly to the feed store, to show what
 * HTTP and validation cost. Prints a table; returns it for docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { appendRecords } from "@/lib/feeds/feed-store";
import { parseFeedRecords } from "@/lib/feeds/ingest";
import { createSimulator } from "@/lib/simulator/generator";
import { freePort, startChild, stopChild, waitFor } from "../lib/processes";
import { startEmbeddedRedis } from "../lib/embedded-redis";

const BATCH = 5000;
const ROUNDS = 20;
const REPEATS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function makeBatches(count: number): string[] {
  const simulator = createSimulator({ seed: 7, largeRawDataEvery: 0 });
  const batches: string[] = [];
  for (let i = 0; i < count; i++) {
    const { events } = simulator.generate({ nowMs: 1764368000000 + i * 1000, eventCount: BATCH, flowCount: 0 });
    batches.push(JSON.stringify(events));
  }
  return batches;
}

export async function benchIngest(): Promise<string> {
  const batches = makeBatches(ROUNDS);
  const avgBytes = Math.round(batches.reduce((n, b) => n + Buffer.byteLength(b), 0) / (ROUNDS * BATCH));
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
  // The web app alone: ingest touches Redis only, but the app wants its full configuration.
  const web = startChild("start", process.execPath, ["--import", "tsx", "scripts/start.ts"], { env, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  const client = new Redis(redis.url);
  const rows: string[] = [];
  try {
    await waitFor(async () => (await fetch(`${base}/api/health/live`)).ok, 300_000, "the web app");
    const signIn = await fetch(`${base}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
    });
    if (!signIn.ok) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    const httpRates: number[] = [];
    const directRates: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      await client.del("feed:events");
      let started = performance.now();
      for (const body of batches) {
        const response = await fetch(`${base}/api/feeds/events`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie },
          body,
        });
        if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
      }
      httpRates.push((ROUNDS * BATCH) / ((performance.now() - started) / 1000));

      await client.del("feed:events");
      started = performance.now();
      for (const body of batches) {
        await appendRecords(client, "events", parseFeedRecords("events", body, "application/json"), 1_000_000);
      }
      directRates.push((ROUNDS * BATCH) / ((performance.now() - started) / 1000));
    }
    const fmt = (values: number[]) =>
      `${Math.round(median(values)).toLocaleString("en-US")} (${Math.round(Math.min(...values)).toLocaleString("en-US")}–${Math.round(Math.max(...values)).toLocaleString("en-US")})`;
    rows.push(
      `| Path | records/s, median (min–max) of ${REPEATS} runs |`,
      "| --- | --- |",
      `| POST /api/feeds/events over HTTP (parse, validate, append) | ${fmt(httpRates)} |`,
      `| Same parse, validate and append in-process (no HTTP) | ${fmt(directRates)} |`,
    );
    const table = `${ROUNDS} batches of ${BATCH.toLocaleString("en-US")} simulator events, ${avgBytes.toLocaleString("en-US")} bytes per record on average, into Redis with its append-only file on.\n\n${rows.join("\n")}\n`;
    return table;
  } finally {
    client.disconnect();
    await stopChild(web, 20_000);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
