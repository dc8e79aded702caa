import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runPump } from "@/lib/delivery/pump";
import { appendRecords, readNewest, type TNewRecord } from "@/lib/feeds/feed-store";
import { findIntegration, findIntegrationActivity, updateIntegration } from "@/lib/integrations/service";
import { setupDeliveryFixture } from "@/test/helpers/delivery";
import { SYSTEM_CALLER } from "@/lib/auth/caller";

/**
 * Delivery end to end in one process: real Redis feeds, real PostgreSQL state, real
 * HTTPS to a HEC receiver that speaks the protocol (certificate verified).
 */
const fixture = setupDeliveryFixture({ indexes: ["main", "cato", "cato_flows"] });
const { redis, sql, ctx, event, appendEvents, integration } = fixture;

/** Lets a scheduled retry happen now, as if its backoff had passed. */
async function makeDue(id: string) {
  await sql.query(`UPDATE "Delivery" SET "nextAttemptAt" = NULL WHERE "integrationId" = $1`, [id]);
}

const receivedN = () => fixture.receiver.received().map((e) => (e.event as Record<string, string>).n);

describe("delivery to Splunk HEC", () => {
  it("starts at the feed's head and delivers what arrives after, with the documented envelope", async () => {
    await appendEvents([event(), event()]); // before the integration: not sent
    const created = await integration({ index: "cato" });
    const records = [event(), event(), event()];
    await appendEvents(records);

    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    const envelopes = fixture.receiver.received();
    expect(envelopes.map((e) => e.event)).toEqual(records);
    expect(envelopes[0]).toEqual({
      time: Number(records[0]!.time) / 1000,
      host: "cato-sase",
      source: "cato_networks",
      sourcetype: "cato:events",
      index: "cato",
      event: records[0],
    });
    expect(fixture.receiver.requests().every((r) => r.status === 200)).toBe(true);

    const after = await findIntegration(created.id);
    expect(after).toMatchObject({ status: "healthy", statusDetail: "" });
    expect(after.delivery.events).toMatchObject({ deliveredRecords: 3, lag: { records: 0 } });
    expect(after.lastDeliveredAt).not.toBeNull();
    // Stored as the instant it was, whatever the process' time zone.
    expect(Math.abs(new Date(after.lastDeliveredAt!).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("delivers flows with their sourcetype and no index when the token's default is used", async () => {
    const created = await integration({ events: false, flows: true });
    const flows: TNewRecord[] = [{ json: JSON.stringify({ flow_id: "f-1", time: "1764368000500", upstream: "10" }) }];
    await appendRecords(redis, "flows", flows, 0);
    expect(await runPump(ctx(), created.id, "flows", 10_000)).toBe("caught-up");
    expect(fixture.receiver.received()).toEqual([
      {
        time: 1764368000.5,
        host: "cato-sase",
        source: "cato_networks",
        sourcetype: "cato:flows",
        event: { flow_id: "f-1", time: "1764368000500", upstream: "10" },
      },
    ]);
  });

  it("applies the filter to events and still moves past what it skips", async () => {
    const created = await integration({ eventFilter: [{ field: "event_sub_type", operator: "is", values: ["IPS"] }] });
    await appendEvents([
      event(),
      event({ event_sub_type: "Internet Firewall" }),
      event({ event_type: "System", event_sub_type: "ApiKey" }),
      event(),
    ]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(fixture.receiver.received().map((e) => (e.event as Record<string, string>).event_sub_type)).toEqual([
      "IPS",
      "IPS",
    ]);
    expect((await findIntegration(created.id)).delivery.events?.lag?.records).toBe(0);
  });

  it("batches by the byte cap without splitting events, and all arrive in order", async () => {
    const created = await integration();
    const records = Array.from({ length: 300 }, () => event({ pad: "p".repeat(1000) }));
    await appendEvents(records);
    // One request at a time: arrival order is send order.
    const config = { batchMaxBytes: 50_000, maxInFlight: 1 };
    expect(await runPump(ctx(config), created.id, "events", 20_000)).toBe("caught-up");
    expect(receivedN()).toEqual(records.map((r) => r.n));
    expect(fixture.receiver.requests().length).toBeGreaterThan(5);
  });

  it("retries a busy Splunk with backoff, shows Retrying, and recovers", async () => {
    const created = await integration();
    await appendEvents([event(), event()]);
    fixture.receiver.setFault({ kind: "busy" });
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("waiting");
    let status = await findIntegration(created.id);
    expect(status.status).toBe("retrying");
    expect(status.statusDetail).toMatch(/Splunk is busy \(HEC code 9\)/);
    expect(status.delivery.events?.nextAttemptAt).not.toBeNull();
    expect(status.delivery.events?.lag?.records).toBe(2);
    expect(fixture.receiver.received()).toHaveLength(0);
    // The failure is logged (and the fixture checks no token is in what was logged).
    expect(fixture.logs()).toContain('"msg":"delivery failed"');
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("not-due");

    fixture.receiver.setFault({ kind: "none" });
    await makeDue(created.id);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    status = await findIntegration(created.id);
    expect(status).toMatchObject({ status: "healthy", statusDetail: "" });
    expect(fixture.receiver.received()).toHaveLength(2);
  });

  it.each([
    [{ kind: "html", status: 502 } as const, "retrying", /HTTP 502: "<!DOCTYPE html>|HTTP 502: "<html/i],
    [{ kind: "internal" } as const, "retrying", /internal server error/],
    [{ kind: "rate-limited", retryAfterSeconds: 120 } as const, "retrying", /HTTP 429/],
    [{ kind: "reset" } as const, "retrying", /closed the connection|ECONNRESET|socket hang up/],
    [{ kind: "incorrect-index" } as const, "error", /Splunk rejected the index/],
    [{ kind: "token-disabled" } as const, "error", /token disabled/],
  ])("fault %j shows %s with a plain reason", async (fault, expected, reason) => {
    const created = await integration();
    await appendEvents([event()]);
    fixture.receiver.setFault(fault);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("waiting");
    const status = await findIntegration(created.id);
    expect(status.status).toBe(expected);
    expect(status.statusDetail).toMatch(reason);
    if (fault.kind === "rate-limited") {
      const next = Date.parse(status.delivery.events!.nextAttemptAt!);
      expect(next - Date.now()).toBeGreaterThan(100_000);
    }
  });

  it("a rejected token is an Error, raises one error event, and heals once fixed", async () => {
    const created = await integration({ errorEvents: true });
    await appendEvents([event()]);
    fixture.receiver.setFault({ kind: "invalid-token" });
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("waiting");
    const status = await findIntegration(created.id);
    expect(status).toMatchObject({
      status: "error",
      statusDetail: "Splunk rejected the API key: invalid token (HEC code 4)",
    });
    const retryIn = Date.parse(status.delivery.events!.nextAttemptAt!) - Date.now();
    expect(retryIn).toBeGreaterThan(40_000);
    expect(retryIn).toBeLessThan(80_000);

    const [errorEvent] = await readNewest(redis, "events", 1);
    const record = JSON.parse(errorEvent!.json) as Record<string, string>;
    expect(record).toMatchObject({
      event_type: "System",
      event_sub_type: "Integration API Key Rejected",
      connector_name: created.name,
    });
    expect(record.event_message).toContain("invalid token");
    expect(errorEvent!.json).not.toContain(fixture.receiver.token);

    // Staying in Error does not raise another event within 10 minutes.
    await makeDue(created.id);
    await runPump(ctx(), created.id, "events", 10_000);
    const events = await readNewest(redis, "events", 10);
    expect(events.filter((e) => e.eventType === "System")).toHaveLength(1);

    fixture.receiver.setFault({ kind: "none" });
    await updateIntegration(created.id, { apiKey: fixture.receiver.token }, SYSTEM_CALLER); // the admin re-enters the key: tried at once
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect((await findIntegration(created.id)).status).toBe("healthy");
    // The error event is in the feed after the marker, so it is delivered too.
    expect(fixture.receiver.received().some((e) => (e.event as Record<string, string>).event_type === "System")).toBe(
      true,
    );
  });

  it("a destination that is down is retried, and nothing is lost", async () => {
    const created = await integration({ ingestionUrl: `https://127.0.0.1:1` });
    await appendEvents([event()]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("waiting");
    const status = await findIntegration(created.id);
    expect(status).toMatchObject({ status: "retrying", statusDetail: expect.stringMatching(/refused the connection/) });
    // A new destination takes the key again: the stored one goes only where it was saved for.
    await updateIntegration(
      created.id,
      { ingestionUrl: fixture.receiver.url, apiKey: fixture.receiver.token },
      SYSTEM_CALLER,
    );
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(fixture.receiver.received()).toHaveLength(1);
  });

  it("keeps what Splunk accepted before an invalid event, sets that one aside and goes on", async () => {
    const created = await integration();
    const before = [event(), event()];
    const after = [event()];
    await appendEvents(before);
    await appendRecords(redis, "events", [{ json: "{}", eventType: "", eventSubType: "" }], 0); // a blank event: code 13
    await appendEvents(after);

    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(receivedN()).toEqual([...before, ...after].map((r) => r.n));
    const status = await findIntegration(created.id);
    expect(status.delivery.events).toMatchObject({ deliveredRecords: 3, setAsideRecords: 1 });
    const activity = await findIntegrationActivity(created.id);
    expect(activity.setAside).toHaveLength(1);
    expect(activity.setAside[0]).toMatchObject({
      source: "events",
      preview: "{}",
      reason: expect.stringMatching(/blank/),
    });
    expect(activity.attempts[0]).toMatchObject({ outcome: "accepted", httpStatus: 200, hecCode: 0 });
    expect(activity.attempts.some((a) => a.outcome === "partly-accepted" && a.hecCode === 13)).toBe(true);
  });

  it("compresses request bodies with gzip, and sends them as they are with HEC_GZIP_LEVEL=0", async () => {
    const created = await integration();
    await appendEvents([event(), event()]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    await appendEvents([event(), event()]);
    expect(await runPump(ctx({ gzipLevel: 0 }), created.id, "events", 10_000)).toBe("caught-up");
    const [gzipped, plain] = fixture.receiver.requests();
    expect(gzipped).toMatchObject({ status: 200, isGzip: true, envelopes: 2 });
    expect(plain).toMatchObject({ status: 200, isGzip: false, envelopes: 2 });
    expect(receivedN()).toHaveLength(4);
  });

  it("halves batches on 413 until they fit", async () => {
    const created = await integration();
    // Random padding, so gzip cannot shrink the batches under the limit.
    const records = Array.from({ length: 200 }, () => event({ pad: randomBytes(750).toString("hex") }));
    await appendEvents(records);
    fixture.receiver.setMaxContentLength(40_000);
    // One request at a time: with a window, a small last batch can be taken while the
    // one before it is refused, and is then sent again (at least once, never lost).
    expect(await runPump(ctx({ maxInFlight: 1 }), created.id, "events", 20_000)).toBe("caught-up");
    expect(receivedN()).toEqual(records.map((r) => r.n));
    expect(fixture.receiver.requests().some((r) => r.status === 413)).toBe(true);
  });

  it("cuts an oversized raw_data and marks it, instead of dropping the event", async () => {
    const created = await integration();
    await appendEvents([event({ event_type: "Detection and Response", raw_data: "r".repeat(300_000) })]);
    expect(await runPump(ctx({ maxEventBytes: 100_000 }), created.id, "events", 10_000)).toBe("caught-up");
    const [envelope] = fixture.receiver.received();
    expect(envelope!.fields).toMatchObject({ raw_data_truncated: "true", raw_data_original_bytes: "300000" });
    expect((envelope!.event as Record<string, string>).raw_data!.length).toBeLessThan(100_000);
  });

  it("stops for a paused or deleted integration; edits apply to the next batch", async () => {
    const created = await integration();
    await appendEvents([event()]);
    await updateIntegration(created.id, { paused: true }, SYSTEM_CALLER);
    expect((await findIntegration(created.id)).status).toBe("paused");
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("stopped");
    expect(fixture.receiver.received()).toHaveLength(0);

    await updateIntegration(created.id, { paused: false, index: "cato" }, SYSTEM_CALLER);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(fixture.receiver.received()[0]).toMatchObject({ index: "cato" });

    await sql.query(`DELETE FROM "Integration" WHERE id = $1`, [created.id]);
    await appendEvents([event()]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("stopped");
    expect(fixture.receiver.received()).toHaveLength(1);
  });

  it("counts records that aged out before delivery as a gap", async () => {
    const created = await integration();
    await appendEvents([event(), event(), event()]);
    await redis.xtrim("feed:events", "MAXLEN", 1);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect((await findIntegration(created.id)).delivery.events).toMatchObject({ deliveredRecords: 1, gapRecords: 2 });
  });

  it("a data source switched on starts at its feed's head", async () => {
    const created = await integration({ events: true, flows: false });
    const flow = (id: string) => ({ json: JSON.stringify({ flow_id: id, time: "1764368000000" }) });
    await appendRecords(redis, "flows", [flow("before")], 0);
    await updateIntegration(created.id, { flows: true }, SYSTEM_CALLER);
    await appendRecords(redis, "flows", [flow("after")], 0);
    expect(await runPump(ctx(), created.id, "flows", 10_000)).toBe("caught-up");
    expect(fixture.receiver.received().map((e) => (e.event as Record<string, string>).flow_id)).toEqual(["after"]);
  });
});
