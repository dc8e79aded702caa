import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { fetchEventsPage } from "@/lib/cato/client";
import { sampleAuditRecords, startCatoMock, type TCatoMock } from "@/lib/cato/mock-server";
import { findCatoAccount, saveCatoAccount } from "@/lib/cato/service";
import { isCatoAccountActive } from "@/lib/cato/target";
import { db, disconnectDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { catoKeys, moveMarker } from "@/lib/cato/coordination";
import { appendRecords, loadWholeJson, MarkerMovedError, readAfter } from "@/lib/feeds/feed-store";
import { createSimulator } from "@/lib/simulator/generator";
import { CATO_ACCOUNT_ID, CATO_KEY, countOf, feedJson, startTestPoller, waitFor } from "@/test/helpers/cato";
import { createSimulation } from "@/workers/simulate";

/**
 * The Cato poller in this process against the stand-in for Cato's API over HTTP, with the
 * test Redis and PostgreSQL: backfill through rate-limit replies, the shared ceiling and
 * the lease, a wrong key and its fix, the audit trail's repeated boundary records.
 */
const redis = new Redis(serverEnv().REDIS_URL);
const sql = new pg.Pool({ connectionString: serverEnv().DATABASE_URL });
let mock: TCatoMock;
const pollers: { stop(): Promise<void> }[] = [];

function simulatedEvents(count: number, startMs = Date.now() - 3_600_000) {
  const simulator = createSimulator({ seed: 7 });
  const out: Record<string, string>[] = [];
  for (let done = 0; done < count; done += 1000) {
    const n = Math.min(1000, count - done);
    out.push(...simulator.generate({ nowMs: startMs + done, eventCount: n, flowCount: 0 }).events);
  }
  return out.slice(0, count);
}

async function connect(overrides: Record<string, unknown> = {}) {
  await saveCatoAccount(
    {
      accountId: CATO_ACCOUNT_ID,
      apiKey: CATO_KEY,
      region: "eu",
      events: true,
      audit: false,
      enabled: true,
      ...overrides,
    },
    SYSTEM_CALLER,
  );
}

function poller(overrides: Parameters<typeof startTestPoller>[1] = {}) {
  const p = startTestPoller(mock.url, overrides);
  pollers.push(p);
  return p;
}

beforeEach(async () => {
  await redis.flushdb();
  await sql.query(`DELETE FROM "CatoAccount"`);
  mock = await startCatoMock({ apiKey: CATO_KEY, accountId: CATO_ACCOUNT_ID });
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  await mock.close();
  await sql.query(`DELETE FROM "CatoAccount"`);
});

afterAll(async () => {
  redis.disconnect();
  await sql.end();
  await disconnectDb();
});

describe("a page appended with its marker", () => {
  it("is appended with the marker only while the marker is the one expected, small, staged or held", async () => {
    const key = "cato:marker:test:events";
    // Script calls, by hash or (the first time a connection meets a script) whole.
    const scriptCalls = async () => {
      const stats = await redis.info("commandstats");
      return [...stats.matchAll(/cmdstat_eval(?:sha)?:calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    };
    // [records, holdBytes, script calls of the first append]: a page of about 4.5 MB is staged
    // in 1 MB chunks, one call each, unless the caller holds it (then it travels with the append).
    for (const [size, holdBytes, calls] of [
      [10, 0, 1],
      [3000, 0, 6],
      [3000, 16 * 1024 * 1024, 1],
    ] as const) {
      await redis.flushdb();
      await redis.config("RESETSTAT");
      const records = simulatedEvents(size).map((r) => ({ json: JSON.stringify(r), eventType: r.event_type }));
      await appendRecords(redis, "events", records, 0, 72, { key, expected: "", next: "m1" }, holdBytes);
      expect(await scriptCalls()).toBe(calls);
      expect(await redis.get(key)).toBe("m1");
      expect(await feedJson(redis, "events")).toEqual(records.map((r) => r.json));
      // A second poller that read the same page with the old marker appends nothing.
      await expect(
        appendRecords(redis, "events", records, 0, 72, { key, expected: "", next: "m1" }, holdBytes),
      ).rejects.toThrow(MarkerMovedError);
      expect(await redis.xlen("feed:events")).toBe(size);
      expect(await redis.get(key)).toBe("m1");
      expect((await redis.keys("feed:events:staging:*")).length).toBe(0);
    }
  });
});

describe("Cato poller", () => {
  it("backfills 10,000 events through rate-limit replies, each record once and unchanged", async () => {
    mock.addEvents(simulatedEvents(10_000));
    mock.setFaults({ rateLimitEvery: 2 });
    await connect();
    poller();
    await waitFor(async () => (await redis.xlen("feed:events")) >= 10_000, 40_000, "10,000 events");
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "caught-up", 10_000, "caught up");

    const stored = await feedJson(redis, "events");
    const expected = mock.events().map((r) => JSON.stringify(r.fieldsMap));
    expect(stored).toHaveLength(10_000);
    expect(stored).toEqual(expected);
    expect(mock.stats().rateLimited).toBeGreaterThan(0);
    const account = await findCatoAccount("admin");
    expect(account.status.fetched.events).toBe(10_000);
    expect(account.status.behindSeconds).toBe(0);
    const newest = Math.max(...mock.events().map((r) => Number(r.fieldsMap.time)));
    expect(account.status.lastRecordAt).toBe(new Date(newest).toISOString());
  });

  it("keeps a Detection and Response record of several MB whole beside the feed, as Cato sent it", async () => {
    const simulator = createSimulator({ seed: 11, largeRawDataEvery: 1, largeRawDataBytes: 3_000_000 });
    const events = simulator.generate({ nowMs: Date.now() - 60_000, eventCount: 400, flowCount: 0 }).events;
    const big = events.filter((e) => e.raw_data && e.raw_data.length >= 3_000_000);
    expect(big.length).toBeGreaterThan(0);
    mock.addEvents(events);
    await connect();
    poller();
    await waitFor(async () => (await redis.xlen("feed:events")) >= events.length, 20_000, "every event");
    const { entries } = await readAfter(redis, "events", "0-0", events.length);
    const whole = await Promise.all(entries.map((entry) => loadWholeJson(redis, "events", entry)));
    expect(whole).toEqual(events.map((e) => JSON.stringify(e)));
    expect(entries.filter((e) => e.bigChars !== undefined)).toHaveLength(big.length);
    expect(entries.map((e) => e.eventType)).toEqual(events.map((e) => e.event_type));
  });

  it("derives time from Cato's RFC 3339 time when fieldsMap lacks it, keeping the rest unchanged", async () => {
    mock.addEvents([
      { event_type: "Connectivity", event_sub_type: "ApiKey", event_id: "0a1b2c3d4e5f6a7b", time: "1764368000123" },
    ]);
    // A record without fieldsMap.time: the stand-in keeps its own RFC 3339 time beside it.
    (mock.events() as { time: string; fieldsMap: Record<string, string> }[])[0]!.fieldsMap = {
      event_type: "Connectivity",
      event_sub_type: "ApiKey",
      event_id: "0a1b2c3d4e5f6a7b",
    };
    await connect();
    poller();
    await waitFor(async () => (await redis.xlen("feed:events")) === 1, 10_000, "the event");
    const [json] = await feedJson(redis, "events");
    expect(JSON.parse(json!)).toEqual({
      event_type: "Connectivity",
      event_sub_type: "ApiKey",
      event_id: "0a1b2c3d4e5f6a7b",
      time: "1764368000123",
    });
  });

  it("two pollers share one lease and one ceiling: never two calls at once, never over the ceiling", async () => {
    mock.addEvents(simulatedEvents(20_000));
    mock.setFaults({ slowMs: 50 });
    await connect();
    const first = poller({ eventsCallsPerMinute: 3, owner: "poller-a" });
    const second = poller({ eventsCallsPerMinute: 3, owner: "poller-b" });
    await waitFor(async () => (await redis.xlen("feed:events")) >= 9000, 20_000, "three pages");
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "rate-limited", 5000, "rate-limited");
    // The lease holder stops; the other poller takes the lease over and meets the same
    // ceiling: with a ceiling of its own it would call Cato again.
    const leaseKey = catoKeys.lease("default");
    const statusKey = catoKeys.status("default");
    const isFirstHolding = (await redis.get(leaseKey))!.startsWith("poller-a:");
    await (isFirstHolding ? first : second).stop();
    await redis.hdel(statusKey, "state");
    const takerOwner = isFirstHolding ? "poller-b:" : "poller-a:";
    await waitFor(async () => (await redis.get(leaseKey))?.startsWith(takerOwner) ?? false, 10_000, "lease taken over");
    await waitFor(async () => (await redis.hget(statusKey, "state")) === "rate-limited", 10_000, "rate-limited again");
    expect(mock.stats().calls.eventsFeed).toBe(3);
    expect(mock.stats().maxInFlight).toBe(1);
    expect(await redis.xlen("feed:events")).toBe(9000);
    expect((await findCatoAccount("admin")).status.detail).toMatch(/ceiling of 3 eventsFeed calls a minute/);
  });

  it("a wrong key shows error in plain words and recovers once the key is fixed", async () => {
    mock.addEvents(simulatedEvents(50));
    await connect({ apiKey: "wrong-key-0123456789abcdef" });
    poller();
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "error", 10_000, "the error");
    const failed = await findCatoAccount("admin");
    expect(failed.status.detail).toMatch(/Cato refused the call: permission denied: invalid API key/);
    expect(JSON.stringify(failed)).not.toContain("wrong-key-0123456789abcdef");
    expect(failed.status.lastPollAt).toBeNull();
    expect(await redis.xlen("feed:events")).toBe(0);

    await connect({ apiKey: CATO_KEY });
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "caught-up", 10_000, "recovery");
    expect(await redis.xlen("feed:events")).toBe(50);
  });

  it("an account the key may not read is an error naming the account", async () => {
    mock.setFaults({ isAccountDenied: true });
    await connect();
    poller();
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "error", 10_000, "the error");
    expect((await findCatoAccount("admin")).status.detail).toMatch(
      new RegExp(`Cato refused account ${CATO_ACCOUNT_ID} for this key`),
    );
  });

  it("5xx replies back off and the backfill completes", async () => {
    mock.addEvents(simulatedEvents(6500));
    mock.setFaults({ serverErrorEvery: 2 });
    await connect();
    poller();
    await waitFor(async () => (await redis.xlen("feed:events")) >= 6500, 30_000, "6,500 events");
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "caught-up", 20_000, "caught up");
    expect(countOf(await feedJson(redis, "events")).size).toBe(6500);
    expect(await redis.xlen("feed:events")).toBe(6500);
  });

  it("audit pages with repeated boundary records land once each, unchanged", async () => {
    await mock.close();
    mock = await startCatoMock({ apiKey: CATO_KEY, accountId: CATO_ACCOUNT_ID, auditPageSize: 50 });
    const records = sampleAuditRecords(130, Date.now() - 600_000, CATO_ACCOUNT_ID);
    mock.addAudit(records);
    await connect({ events: false, audit: true });
    poller();
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "caught-up", 15_000, "caught up");
    // One more call, which repeats the last record again.
    await waitFor(async () => mock.stats().calls.auditFeed >= 4, 15_000, "an idle audit call");
    await new Promise((r) => setTimeout(r, 300));
    const stored = (await feedJson(redis, "audit")).map((j) => JSON.parse(j) as Record<string, string>);
    expect(stored).toHaveLength(130);
    expect(stored.map((r) => r.model_name)).toEqual(records.map((r) => r.fieldsMap.model_name));
    // Cato's fields unchanged, with time from the record's RFC 3339 time.
    expect(stored[0]).toEqual({ ...records[0]!.fieldsMap, time: String(Date.parse(records[0]!.time)) });
    expect(mock.stats().calls.auditFeed).toBeLessThanOrEqual(5);
    expect((await findCatoAccount("admin")).status.fetched.audit).toBe(130);
  });

  it("the simulator writes nothing while an account is connected and enabled", async () => {
    const tick = createSimulation({ seed: 3, rate: 50, maxFeedLength: 0, isSilenced: () => isCatoAccountActive(db()) });
    await connect({ enabled: true });
    expect(await tick(redis, Date.now())).toEqual({ events: 0, flows: 0 });
    expect(await redis.xlen("feed:events")).toBe(0);
    await connect({ enabled: false });
    const written = await tick(redis, Date.now() + 1000);
    expect(written.events).toBeGreaterThan(0);
  });
});

describe("Cato poller reading the next page while it appends the current one", () => {
  const pageJson = (from: number, to: number) =>
    mock
      .events()
      .slice(from, to)
      .map((r) => JSON.stringify(r.fieldsMap));

  it("delivers every record of a backlog of many pages once and in order, one call at a time", async () => {
    mock.addEvents(simulatedEvents(31_234));
    await connect();
    poller();
    await waitFor(async () => (await redis.xlen("feed:events")) >= 31_234, 60_000, "31,234 events");
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "caught-up", 10_000, "caught up");

    expect(await feedJson(redis, "events")).toEqual(pageJson(0, 31_234));
    // Eleven pages, each asked for once (the page read ahead is the next call, not an extra one).
    const markers = mock.stats().eventsMarkers;
    expect(new Set(markers.slice(0, 11)).size).toBe(11);
    expect(mock.stats().maxInFlight).toBe(1);
    expect((await findCatoAccount("admin")).status.fetched.events).toBe(31_234);
  }, 90_000);

  it("reads a page heavy with records of several MB on its own, not beside the next one", async () => {
    const events = simulatedEvents(3500);
    // Twelve Detection and Response records of 3 MB: the first page's reply is over READ_AHEAD_MAX_BYTES.
    for (const event of events.slice(0, 12)) event.raw_data = "x".repeat(3_000_000);
    mock.addEvents(events);
    let lengthAtSecondCall: number | null = null;
    mock.onCall(async (operation) => {
      if (operation === "eventsFeed" && mock.stats().eventsMarkers.length === 2) {
        lengthAtSecondCall = await redis.xlen("feed:events");
      }
    });
    await connect();
    poller();
    await waitFor(async () => (await redis.xlen("feed:events")) >= 3500, 60_000, "3,500 events");
    // The second page was asked for only once the first was in the feed.
    expect(lengthAtSecondCall).toBe(3000);
    const { entries } = await readAfter(redis, "events", "0-0", 3500);
    expect(entries.filter((e) => e.bigChars !== undefined)).toHaveLength(12);
  }, 90_000);

  it("a page whose append fails (another poller appended it first) leaves every record in the feed once, in order", async () => {
    const markerKey = catoKeys.marker(CATO_ACCOUNT_ID, "events");
    await redis.flushdb();
    await mock.close();
    mock = await startCatoMock({ apiKey: CATO_KEY, accountId: CATO_ACCOUNT_ID });
    mock.addEvents(simulatedEvents(12_500));
    let m1 = "";
    let m2 = "";
    let isCompetitorFirst: boolean | null = null;
    mock.onCall(async (_operation, variables) => {
      const marker = typeof variables.marker === "string" ? variables.marker : "";
      const seen = mock.stats().eventsMarkers;
      if (seen.length !== 2 || isCompetitorFirst !== null) return;
      // The poller asks for page 2 while it appends page 1. Once page 1 is in, another
      // poller that read page 2 too appends it first; only then does this poller get page 2.
      m1 = marker;
      await waitFor(async () => (await redis.get(markerKey)) === m1, 10_000, "page 1 appended");
      // The other poller reads page 2 for itself (its call is the third the stand-in sees).
      const page2 = await fetchEventsPage(
        { url: mock.url, apiKey: CATO_KEY, accountId: CATO_ACCOUNT_ID, timeoutMs: 10_000 },
        m1,
      );
      if (page2.kind !== "ok") throw new Error(`page 2: ${page2.kind}`);
      m2 = page2.page.marker;
      isCompetitorFirst = await moveMarker(redis, markerKey, m1, m2);
      if (isCompetitorFirst) {
        await appendRecords(
          redis,
          "events",
          mock
            .events()
            .slice(3000, 6000)
            .map((r) => ({
              json: JSON.stringify(r.fieldsMap),
              eventType: r.fieldsMap.event_type,
              eventSubType: r.fieldsMap.event_sub_type,
            })),
          0,
        );
      }
    });
    await connect();
    const p = poller();
    await waitFor(async () => (await redis.xlen("feed:events")) >= 12_500, 30_000, "12,500 events");
    await waitFor(async () => (await findCatoAccount("admin")).status.state === "caught-up", 10_000, "caught up");
    await p.stop();
    expect(isCompetitorFirst).toBe(true);
    expect(await feedJson(redis, "events")).toEqual(pageJson(0, 12_500));
    // Page 3 was read ahead and its append sent behind page 2's, expecting page 2's marker:
    // page 2's append failed, and page 3 landed once, after the page 2 the other poller
    // appended (the feed above holds every record once, in order).
  }, 180_000);
});
