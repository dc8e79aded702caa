import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as collection from "@/app/api/integrations/route";
import * as seriesRoute from "@/app/api/integrations/[id]/series/route";
import { db, disconnectDb } from "@/lib/db";
import { runPump, type TPumpContext } from "@/lib/delivery/pump";
import { minuteOf, type TIntegrationSeries } from "@/lib/delivery/series";
import { serverEnv } from "@/lib/env";
import { appendRecords, type TFeedName } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { closeHecConnections } from "@/lib/hec/sender";
import type { THecReceiver } from "@/lib/hec-receiver/receiver";
import type { TIntegration } from "@/lib/integrations/schema";
import { createIntegration, deleteIntegration } from "@/lib/integrations/service";
import { startTestReceiver } from "@/test/helpers/hec";
import { dispatchPumps } from "@/workers/dispatch";

/**
 * The throughput charts' data after real pumps delivered to a HEC receiver: what the
 * integration's page and the table's sparkline read through the route handlers, against
 * the real Redis and PostgreSQL.
 */
const redis = new Redis(process.env.REDIS_URL!);
const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const BASE = "http://console.test/api/integrations";
let receiver: THecReceiver;
let seq = 0;

const ctx = (): TPumpContext => ({
  prisma: db(),
  redis,
  config: {
    batchMaxBytes: 1_000_000,
    batchMaxRecords: 5000,
    maxEventBytes: 5_000_000,
    timeoutMs: 5000,
    gzipLevel: 1,
    allowPrivateNetworks: true,
    encryptionKey: serverEnv().encryptionKey,
    maxFeedLength: 0,
  },
});

async function append(feed: TFeedName, count: number) {
  const records = Array.from({ length: count }, () => {
    seq++;
    return toNewRecord(feed, {
      event_type: "Security",
      event_sub_type: "IPS",
      time: String(1764368000000 + seq),
      flow_id: `f${seq}`,
    });
  });
  await appendRecords(redis, feed, records, 0);
}

async function integration(overrides: Record<string, unknown> = {}) {
  return createIntegration({
    name: `Series ${Math.random().toString(36).slice(2, 8)}`,
    ingestionUrl: receiver.url,
    apiKey: receiver.token,
    ...overrides,
  });
}

async function getSeries(id: string): Promise<TIntegrationSeries> {
  const response = await seriesRoute.GET(new Request(`${BASE}/${id}/series`), { params: Promise.resolve({ id }) });
  expect(response.status).toBe(200);
  return (await response.json()) as TIntegrationSeries;
}

async function listed(id: string): Promise<TIntegration | undefined> {
  const response = await collection.GET(new Request(BASE), undefined);
  const body = (await response.json()) as { integrations: TIntegration[] };
  return body.integrations.find((i) => i.id === id);
}

const sum = (values: readonly (number | null)[] = []) => values.reduce<number>((total, n) => total + (n ?? 0), 0);

/** The last bucket, and the one before it should the minute have turned while the test ran. */
function currentMinute(values: readonly number[] = [], sinceMs: number): number {
  const turned = minuteOf(Date.now()) !== minuteOf(sinceMs);
  return (values.at(-1) ?? 0) + (turned ? (values.at(-2) ?? 0) : 0);
}

beforeAll(async () => {
  receiver = await startTestReceiver();
});

beforeEach(async () => {
  await redis.flushdb();
  await sql.query(`DELETE FROM "Integration"`);
  receiver.clear();
  receiver.setFault({ kind: "none" });
});

afterEach(() => closeHecConnections());

afterAll(async () => {
  await receiver.stop();
  await redis.quit();
  await sql.end();
  await disconnectDb();
});

describe("GET /api/integrations/{id}/series", () => {
  it("shows the records a pump delivered in the current minute, per source, and the list sums them", async () => {
    const created = await integration({ events: true, flows: true });
    const started = Date.now();
    await append("events", 3);
    await append("flows", 2);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(await runPump(ctx(), created.id, "flows", 10_000)).toBe("caught-up");

    // The pump counts fire and forget, on its own connection.
    await expect.poll(async () => sum((await getSeries(created.id)).delivered.flows)).toBe(2);
    const series = await getSeries(created.id);
    expect(series.minutes).toHaveLength(60);
    expect(series.minutes.at(-1)).toBe(Math.floor(Date.now() / 60_000) * 60_000);
    expect(series.delivered.events).toHaveLength(60);
    expect(currentMinute(series.delivered.events, started)).toBe(3);
    expect(sum(series.delivered.events)).toBe(3);
    expect(currentMinute(series.delivered.flows, started)).toBe(2);
    // No dispatcher ran: no lag sampled yet.
    expect(series.lag.events).toEqual(new Array(60).fill(null));

    const row = await listed(created.id);
    expect(row?.deliveredPerMinute).toHaveLength(60);
    expect(sum(row?.deliveredPerMinute)).toBe(5);
  });

  it("covers only the enabled data sources, and a failed batch delivers nothing", async () => {
    const created = await integration({ events: true, flows: false });
    await append("events", 2);
    receiver.setFault({ kind: "busy" });
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("waiting");

    const series = await getSeries(created.id);
    expect(Object.keys(series.delivered)).toEqual(["events"]);
    expect(Object.keys(series.lag)).toEqual(["events"]);
    expect(sum(series.delivered.events)).toBe(0);
    expect(sum((await listed(created.id))?.deliveredPerMinute)).toBe(0);
  });

  it("is 404 for an unknown integration", async () => {
    const id = "7d0e4a52-0000-4000-8000-000000000000";
    const response = await seriesRoute.GET(new Request(`${BASE}/${id}/series`), { params: Promise.resolve({ id }) });
    expect(response.status).toBe(404);
  });
});

describe("lag samples", () => {
  it("are taken by the dispatcher, records behind the feed in the current minute", async () => {
    const created = await integration();
    await append("events", 4); // not delivered: 4 behind
    const queue = new Queue(`series-test-${Date.now()}`, { connection: redis });
    try {
      const started = Date.now();
      expect(await dispatchPumps(db(), redis, queue, started)).toBe(1);
      const lag = (await getSeries(created.id)).lag.events ?? [];
      const turned = minuteOf(Date.now()) !== minuteOf(started);
      expect(turned ? lag.slice(-2) : lag.slice(-1)).toContain(4);
      expect(lag.filter((n) => n !== null)).toEqual([4]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("and the delivered series go when the integration is deleted", async () => {
    const created = await integration();
    await append("events", 1);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    await expect.poll(() => redis.keys(`series:delivered:${created.id}:*`)).toHaveLength(1);
    await redis.hset(`series:lag:${created.id}:events`, String(minuteOf(Date.now())), 0);

    await deleteIntegration(created.id);
    expect(await redis.keys(`series:*${created.id}*`)).toEqual([]);
  });
});
