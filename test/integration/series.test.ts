import { Queue } from "bullmq";
import { describe, expect, it } from "vitest";
import * as collectionRoutes from "@/app/api/integrations/route";
import * as seriesRouteRoutes from "@/app/api/integrations/[id]/series/route";
import { db } from "@/lib/db";
import { runPump } from "@/lib/delivery/pump";
import { minuteOf, type TIntegrationSeries } from "@/lib/delivery/series";
import type { TIngestFeedName } from "@/lib/feeds/ingest";
import type { TIntegration } from "@/lib/integrations/schema";
import { deleteIntegration } from "@/lib/integrations/service";
import { setupDeliveryFixture } from "@/test/helpers/delivery";
import { dispatchPumps } from "@/workers/dispatch";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { signedIn } from "@/test/helpers/auth";

const collection = signedIn(collectionRoutes);
const seriesRoute = signedIn(seriesRouteRoutes);

/**
 * The throughput charts' data after real pumps delivered to a HEC receiver: what the
 * integration's page and the table's sparkline read through the route handlers, against
 * the real Redis and PostgreSQL.
 */
const fixture = setupDeliveryFixture();
const { redis, ctx, integration } = fixture;
const BASE = "http://console.test/api/integrations";

async function append(feed: TIngestFeedName, count: number) {
  await fixture.append(
    feed,
    Array.from({ length: count }, () => fixture.event()),
  );
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
    const asked = Date.now();
    const series = await getSeries(created.id);
    const answered = Date.now();
    expect(series.minutes).toHaveLength(60);
    // The current minute as the route saw it: the one asked in, or the next should it turn meanwhile.
    expect([minuteOf(asked) * 60_000, minuteOf(answered) * 60_000]).toContain(series.minutes.at(-1));
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
    fixture.receiver.setFault({ kind: "busy" });
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

    await deleteIntegration(created.id, SYSTEM_CALLER);
    expect(await redis.keys(`series:*${created.id}*`)).toEqual([]);
  });
});
