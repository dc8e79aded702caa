import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { appendRecords, readAfter, readHead } from "@/lib/feeds/feed-store";
import { START_MARKER } from "@/lib/feeds/marker";
import { createSimulation } from "@/workers/simulate";
import { trimFeeds } from "@/workers/trim-feeds";

const redis = new Redis(process.env.REDIS_URL!);

beforeEach(async () => {
  await redis.flushdb();
});

afterAll(async () => {
  await redis.quit();
});

describe("simulation ticks", () => {
  it("append the configured rate to each feed, with every event's flow in the flows feed", async () => {
    const tick = createSimulation({ seed: 11, rate: 50, maxFeedLength: 100_000 });
    const start = 1764368000000;
    for (let s = 0; s <= 20; s++) await tick(redis, start + s * 1000);

    const events = (await readAfter(redis, "events", START_MARKER, 10_000)).entries;
    const flows = (await readAfter(redis, "flows", START_MARKER, 100_000)).entries;
    expect(events).toHaveLength(21 * 50);
    expect(flows.length).toBeGreaterThanOrEqual(21 * 50);

    const flowIds = new Set(flows.map((f) => (JSON.parse(f.json) as Record<string, string>).flow_id));
    const eventFlowIds = events
      .map((e) => (JSON.parse(e.json) as Record<string, string>).flow_id)
      .filter((id): id is string => Boolean(id));
    expect(eventFlowIds.length).toBeGreaterThan(100);
    for (const id of eventFlowIds) expect(flowIds.has(id)).toBe(true);

    for (const entry of events) {
      const record = JSON.parse(entry.json) as Record<string, unknown>;
      expect(entry.eventType).toBe(record.event_type);
      for (const value of Object.values(record)) expect(typeof value).toBe("string");
    }
  });

  it("does not burst after a long pause and keeps fractional rates", async () => {
    const tick = createSimulation({ seed: 3, rate: 0.5, maxFeedLength: 100_000 });
    const start = 1764368000000;
    const counts = [];
    for (let s = 0; s < 4; s++) counts.push((await tick(redis, start + s * 1000)).events);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    const afterPause = await tick(redis, start + 3 * 1000 + 3_600_000);
    expect(afterPause.events).toBe(5); // capped at 10 s of catch-up
  });
});

describe("feed retention", () => {
  it("trims records older than the retention period from every feed, the audit trail's too", async () => {
    await appendRecords(redis, "events", [{ json: '{"event_type":"System","time":"1"}', eventType: "System" }], 0);
    await appendRecords(redis, "flows", [{ json: '{"flow_id":"a","time":"1"}' }], 0);
    await appendRecords(redis, "audit", [{ json: '{"audit_id":"a","time":"2026-11-29T00:00:00.000Z"}' }], 0);
    expect(await trimFeeds(redis, 72)).toBe(0);
    // An hour and a millisecond after Redis' clock, the one the records' markers carry.
    const [seconds, micros] = await redis.time();
    const redisNowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const removed = await trimFeeds(redis, 1, redisNowMs + 3600 * 1000 + 1);
    expect(removed).toBe(3);
    expect((await readHead(redis, "events")).length).toBe(0);
    expect((await readHead(redis, "audit")).length).toBe(0);
    expect((await readAfter(redis, "events", START_MARKER, 10)).gap).toBe(1);
  });
});
