/**
 * Redis memory per feed record: appends simulator events to an empty Redis of its own
 * and reads `used_memory` before and after, so operators can size Redis for the feeds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { createSimulator } from "@/lib/simulator/generator";
import { startEmbeddedRedis } from "../lib/embedded-redis";

const RECORDS = 200_000;
const BATCH = 5000;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

export async function benchFeedMemory(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "bench-memory-"));
  const server = await startEmbeddedRedis(dir);
  const redis = new Redis(server.url);
  try {
    const simulator = createSimulator({ seed: 5, largeRawDataEvery: 0 });
    const rows: string[] = [
      "| Feed | JSON bytes per record | Redis bytes per record | 1,000,000 records |",
      "| --- | --- | --- | --- |",
    ];
    for (const feed of ["events", "flows"] as const) {
      const before = await usedMemory(redis);
      let jsonBytes = 0;
      for (let i = 0; i < RECORDS / BATCH; i++) {
        const batch = simulator.generate({
          nowMs: 1764368000000 + i * 1000,
          eventCount: feed === "events" ? BATCH : 0,
          flowCount: feed === "flows" ? BATCH : 0,
        });
        const records = (feed === "events" ? batch.events : batch.flows.slice(0, BATCH)).map((r) =>
          toNewRecord(feed, r),
        );
        jsonBytes += records.reduce((n, r) => n + Buffer.byteLength(r.json), 0);
        await appendRecords(redis, feed, records, 0);
      }
      const perRecord = ((await usedMemory(redis)) - before) / RECORDS;
      rows.push(
        `| ${feed} | ${Math.round(jsonBytes / RECORDS).toLocaleString("en-US")} | ${Math.round(perRecord).toLocaleString("en-US")} | ${((perRecord * 1_000_000) / 2 ** 30).toFixed(2)} GiB |`,
      );
    }
    return `${RECORDS.toLocaleString("en-US")} simulator records per feed (Detection and Response raw_data kept to its usual tens of KB), Redis ${(await redis.info("server")).match(/redis_version:(\S+)/)?.[1] ?? "?"}, \`used_memory\` before and after.\n\n${rows.join("\n")}\n`;
  } finally {
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
