import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runPump } from "@/lib/delivery/pump";
import { appendRecords, readNewest } from "@/lib/feeds/feed-store";
import { findIntegration, findIntegrationActivity } from "@/lib/integrations/service";
import { setupDeliveryFixture } from "@/test/helpers/delivery";

/**
 * A window of requests in flight per pump, the pump's data channel, and failures that
 * escalate to Error: real Redis, PostgreSQL and HTTPS to the project's HEC receiver.
 */
const fixture = setupDeliveryFixture();
const { redis, sql, ctx, event, appendEvents, integration } = fixture;

async function makeDue(id: string) {
  await sql.query(`UPDATE "Delivery" SET "nextAttemptAt" = NULL WHERE "integrationId" = $1`, [id]);
}

async function channelOf(id: string, source: string): Promise<string> {
  const { rows } = await sql.query<{ channel: string }>(
    `SELECT "channel" FROM "Delivery" WHERE "integrationId" = $1 AND "source" = $2`,
    [id, source],
  );
  return rows[0]!.channel;
}

const receivedN = () => fixture.receiver.received().map((e) => (e.event as Record<string, string>).n);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("a data channel on every request", () => {
  it("sends one channel per data source, kept across runs", async () => {
    const created = await integration({ events: true, flows: true });
    await appendEvents([event(), event()]);
    await fixture.append("flows", [{ flow_id: "f-a", time: "1764368000500" }]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(await runPump(ctx(), created.id, "flows", 10_000)).toBe("caught-up");
    await appendEvents([event()]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");

    const eventsChannel = await channelOf(created.id, "events");
    const flowsChannel = await channelOf(created.id, "flows");
    expect(eventsChannel).toMatch(UUID);
    expect(flowsChannel).toMatch(UUID);
    expect(flowsChannel).not.toBe(eventsChannel);
    const channels = fixture.receiver.requests().map((r) => r.channel);
    expect(channels).toEqual([eventsChannel, flowsChannel, eventsChannel]);
  });
});

describe("a channel Splunk refuses", () => {
  it("gets a new channel on code 11 and delivers", async () => {
    const created = await integration();
    await appendEvents([event(), event()]);
    await sql.query(`UPDATE "Delivery" SET "channel" = 'not-a-guid' WHERE "integrationId" = $1`, [created.id]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(fixture.receiver.requests().map((r) => r.code)).toEqual([11, 0]);
    const channel = await channelOf(created.id, "events");
    expect(channel).toMatch(UUID);
    expect(fixture.receiver.requests()[1]!.channel).toBe(channel);
    expect((await findIntegration(created.id)).delivery.events).toMatchObject({ deliveredRecords: 2 });
  });
});

describe("a window of requests in flight", () => {
  it("puts several batches on the wire at once and delivers all", async () => {
    const created = await integration();
    const records = Array.from({ length: 40 }, () => event());
    await appendEvents(records);
    expect(await runPump(ctx({ batchMaxRecords: 4, maxInFlight: 4 }), created.id, "events", 10_000)).toBe("caught-up");
    // Requests in flight together may arrive in any order (Splunk orders events by their time).
    expect(receivedN().sort()).toEqual(records.map((r) => r.n).sort());
    expect(fixture.receiver.requests()).toHaveLength(10);
    expect((await findIntegration(created.id)).delivery.events).toMatchObject({ deliveredRecords: 40 });
  });

  it("a 503 in the middle of a window: the marker stops before it, later batches are sent again", async () => {
    const created = await integration();
    const records = Array.from({ length: 12 }, () => event());
    await appendEvents(records);
    // Batches of 3: the second batch of the window gets 503 "Server is busy".
    fixture.receiver.setFault({ kind: "busy-once-containing", text: `"flow_id":"${records[4]!.flow_id}"` });
    const config = { batchMaxRecords: 3, maxInFlight: 4 };
    expect(await runPump(ctx(config), created.id, "events", 10_000)).toBe("waiting");

    // The batches after the refused one were on the wire: the receiver answers them all.
    await expect.poll(() => fixture.receiver.requests().length).toBe(4);
    const status = await findIntegration(created.id);
    expect(status.status).toBe("retrying");
    expect(status.delivery.events?.deliveredRecords).toBe(3);
    expect(status.delivery.events?.lag?.records).toBe(9);

    await makeDue(created.id);
    expect(await runPump(ctx(config), created.id, "events", 10_000)).toBe("caught-up");
    // At least once: every record arrived, none skipped; the second run sent all from the marker on.
    expect(new Set(receivedN())).toEqual(new Set(records.map((r) => r.n)));
    expect(receivedN().slice(-9).sort()).toEqual(
      records
        .slice(3)
        .map((r) => r.n)
        .sort(),
    );
    const after = await findIntegration(created.id);
    expect(after).toMatchObject({ status: "healthy", statusDetail: "" });
    expect(after.delivery.events).toMatchObject({ deliveredRecords: 12, failingSince: null });
  });

  it("413 inside a window: halves until batches fit, every record arrives, each counted once", async () => {
    const created = await integration();
    // Random padding, so gzip cannot shrink the batches under the limit.
    const records = Array.from({ length: 200 }, () => event({ pad: randomBytes(750).toString("hex") }));
    await appendEvents(records);
    fixture.receiver.setMaxContentLength(40_000);
    expect(await runPump(ctx({ maxInFlight: 4 }), created.id, "events", 20_000)).toBe("caught-up");
    expect(fixture.receiver.requests().some((r) => r.status === 413)).toBe(true);
    // A batch taken while one before it was refused is sent again: at least once, in order from the marker.
    expect(new Set(receivedN())).toEqual(new Set(records.map((r) => r.n)));
    expect((await findIntegration(created.id)).delivery.events).toMatchObject({
      deliveredRecords: 200,
      lag: { records: 0 },
    });
  });

  it("an invalid event in the second batch of a window: kept before it, set aside, the rest read again", async () => {
    const created = await integration();
    const first = [event(), event(), event()];
    const beforeBad = event();
    const rest = Array.from({ length: 7 }, () => event());
    await appendEvents([...first, beforeBad]);
    await appendRecords(redis, "events", [{ json: "{}", eventType: "", eventSubType: "" }], 0); // blank: code 13
    await appendEvents(rest);

    expect(await runPump(ctx({ batchMaxRecords: 3, maxInFlight: 4 }), created.id, "events", 10_000)).toBe("caught-up");
    const all = [...first, beforeBad, ...rest].map((r) => r.n);
    expect(new Set(receivedN())).toEqual(new Set(all));
    const status = await findIntegration(created.id);
    expect(status.delivery.events).toMatchObject({ deliveredRecords: all.length, setAsideRecords: 1 });
    const activity = await findIntegrationActivity(created.id);
    expect(activity.setAside).toHaveLength(1);
    expect(activity.setAside[0]).toMatchObject({ preview: "{}" });
    expect(activity.attempts.filter((a) => a.outcome === "partly-accepted")).toEqual([
      expect.objectContaining({ records: 1, hecCode: 13 }),
    ]);
  });

  it("a window of 1 sends one request at a time, as before", async () => {
    const created = await integration();
    const records = Array.from({ length: 9 }, () => event());
    await appendEvents(records);
    fixture.receiver.setFault({ kind: "busy-at", requests: [2] });
    const config = { batchMaxRecords: 3, maxInFlight: 1 };
    expect(await runPump(ctx(config), created.id, "events", 10_000)).toBe("waiting");
    // Nothing after the refused batch was sent.
    expect(fixture.receiver.requests()).toHaveLength(2);
    await makeDue(created.id);
    expect(await runPump(ctx(config), created.id, "events", 10_000)).toBe("caught-up");
    expect(receivedN()).toEqual(records.map((r) => r.n));
  });
});

describe("failures that escalate", () => {
  it("turns Retrying into Error after HEC_ERROR_AFTER_MS, raises the error event once, and keeps retrying", async () => {
    const created = await integration({ errorEvents: true });
    await appendEvents([event()]);
    fixture.receiver.setFault({ kind: "busy" });
    const config = { errorAfterMs: 300_000 };
    expect(await runPump(ctx(config), created.id, "events", 10_000)).toBe("waiting");
    let status = await findIntegration(created.id);
    expect(status.status).toBe("retrying");
    const since = status.delivery.events!.failingSince!;
    expect(since).not.toBeNull();
    expect((await readNewest(redis, "events", 5)).filter((e) => e.eventType === "System")).toHaveLength(0);

    // The same failure, six minutes on: the run of failures began before HEC_ERROR_AFTER_MS.
    const earlier = new Date(Date.parse(since) - 360_000);
    await sql.query(`UPDATE "Delivery" SET "failingSince" = $2, "nextAttemptAt" = NULL WHERE "integrationId" = $1`, [
      created.id,
      earlier,
    ]);
    expect(await runPump(ctx(config), created.id, "events", 10_000)).toBe("waiting");
    status = await findIntegration(created.id);
    expect(status.status).toBe("error");
    expect(status.statusDetail).toBe(`failing since ${earlier.toISOString()}: Splunk is busy (HEC code 9)`);
    expect(status.delivery.events?.failingSince).toBe(earlier.toISOString());
    // Still retried on the backoff, not once a minute only.
    expect(status.delivery.events?.nextAttemptAt).not.toBeNull();
    let system = (await readNewest(redis, "events", 10)).filter((e) => e.eventType === "System");
    expect(system).toHaveLength(1);
    expect(JSON.parse(system[0]!.json)).toMatchObject({
      event_sub_type: "Integration Delivery Error",
      event_message: expect.stringContaining("failing since"),
    });

    // Still failing: no second event within 10 minutes.
    await makeDue(created.id);
    expect(await runPump(ctx(config), created.id, "events", 10_000)).toBe("waiting");
    system = (await readNewest(redis, "events", 10)).filter((e) => e.eventType === "System");
    expect(system).toHaveLength(1);
    expect((await findIntegration(created.id)).status).toBe("error");

    fixture.receiver.setFault({ kind: "none" });
    await makeDue(created.id);
    expect(await runPump(ctx(config), created.id, "events", 10_000)).toBe("caught-up");
    status = await findIntegration(created.id);
    expect(status).toMatchObject({ status: "healthy", statusDetail: "" });
    expect(status.delivery.events?.failingSince).toBeNull();
  });

  it("escalates a destination that refuses connections the same way", async () => {
    const created = await integration({ ingestionUrl: "https://127.0.0.1:1", errorEvents: false });
    await appendEvents([event()]);
    expect(await runPump(ctx({ errorAfterMs: 300_000 }), created.id, "events", 10_000)).toBe("waiting");
    expect((await findIntegration(created.id)).status).toBe("retrying");
    await sql.query(
      `UPDATE "Delivery" SET "failingSince" = now() - interval '10 minutes', "nextAttemptAt" = NULL WHERE "integrationId" = $1`,
      [created.id],
    );
    expect(await runPump(ctx({ errorAfterMs: 300_000 }), created.id, "events", 10_000)).toBe("waiting");
    const status = await findIntegration(created.id);
    expect(status.status).toBe("error");
    expect(status.statusDetail).toMatch(/^failing since \S+Z: The destination refused the connection/);
    // Error events are off for this integration.
    expect((await readNewest(redis, "events", 10)).filter((e) => e.eventType === "System")).toHaveLength(0);
  });
});

describe("indexer acknowledgment asked of a token that does not use it", () => {
  it("counts Splunk's 200 as delivery and says so", async () => {
    const created = await integration({ indexerAck: true });
    const records = [event(), event()];
    await appendEvents(records);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(receivedN()).toEqual(records.map((r) => r.n));
    const status = await findIntegration(created.id);
    expect(status.delivery.events).toMatchObject({ status: "healthy", deliveredRecords: 2, pendingAcks: 0 });
    expect(status.delivery.events?.statusDetail).toMatch(/token does not use it/);
  });
});
