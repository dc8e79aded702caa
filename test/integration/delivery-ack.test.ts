import { afterEach, describe, expect, it } from "vitest";
import * as metricsRoutes from "@/app/api/metrics/route";
import { runPump, type TPumpOutcome } from "@/lib/delivery/pump";
import { testConnection } from "@/lib/delivery/test-connection";
import { findIntegration, findIntegrationActivity } from "@/lib/integrations/service";
import { signedIn } from "@/test/helpers/auth";
import { setupDeliveryFixture } from "@/test/helpers/delivery";

/**
 * Indexer acknowledgment against the project's HEC receiver in acknowledgment mode: a
 * channel required, an `ackId` in each reply, /services/collector/ack, and a share of
 * batches received but never indexed.
 */
const fixture = setupDeliveryFixture({ ackEnabled: true });
const { sql, ctx, event, appendEvents, integration } = fixture;

const receivedN = () => fixture.receiver.received().map((e) => (e.event as Record<string, string>).n);

const metrics = signedIn(metricsRoutes);

type TConfig = Parameters<typeof ctx>[0] & { ackPollMs: number };

/**
 * Runs the pump again and again as the dispatcher does (a run that leaves acks pending
 * comes back about a poll interval later), until `isDone` or the time is up.
 */
async function pumpUntil(
  config: TConfig,
  id: string,
  isDone: (outcome: TPumpOutcome) => boolean,
  timeoutMs = 15_000,
): Promise<TPumpOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await runPump(ctx(config), id, "events", 5000);
    if (isDone(outcome) || Date.now() >= deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, config.ackPollMs));
  }
}

const isCaughtUp = (outcome: TPumpOutcome) => outcome === "caught-up";

/** The value of the /api/metrics sample with this name and these labels (undefined when there is none). */
async function metricValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const response = await metrics.GET(new Request("http://console.test/api/metrics"), undefined);
  expect(response.status).toBe(200);
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  const line = (await response.text()).split("\n").find((l) => l.startsWith(`${name}{${wanted}} `));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

async function pendingAcksOf(id: string): Promise<unknown[]> {
  const { rows } = await sql.query<{ pendingAcks: unknown[] }>(
    `SELECT "pendingAcks" FROM "Delivery" WHERE "integrationId" = $1 AND "source" = 'events'`,
    [id],
  );
  return rows[0]!.pendingAcks;
}

describe("indexer acknowledgment", () => {
  afterEach(() => fixture.receiver.setNeverIndexedRatio(0));

  it("moves the marker only over acknowledged batches, and nothing is lost with 10% never indexed", async () => {
    const created = await integration({ indexerAck: true });
    const records = Array.from({ length: 60 }, () => event());
    await appendEvents(records);

    // Received, never indexed: the run sends everything and leaves the acks to a later run; the marker stays.
    fixture.receiver.setNeverIndexedRatio(1);
    const waiting = ctx({ batchMaxRecords: 3, maxInFlight: 4, ackPollMs: 20, ackTimeoutMs: 600_000 });
    expect(await runPump(waiting, created.id, "events", 1000)).toBe("acks-pending");
    let status = await findIntegration(created.id);
    expect(status.delivery.events?.deliveredRecords).toBe(0);
    expect(status.delivery.events?.pendingAcks).toBeGreaterThanOrEqual(1);
    expect(status.delivery.events?.statusDetail).toMatch(/^\d+ batch(es)? waiting for indexer acknowledgment$/);
    expect(fixture.receiver.received()).toHaveLength(0);

    // Another run (as another worker would) takes over the pending acks; past the ack
    // timeout the unacknowledged batches are sent again, now with one in ten never indexed.
    fixture.receiver.setNeverIndexedRatio(0.1);
    const resending = { batchMaxRecords: 3, maxInFlight: 4, ackPollMs: 20, ackTimeoutMs: 300 };
    expect(await pumpUntil(resending, created.id, isCaughtUp)).toBe("caught-up");
    expect(new Set(receivedN())).toEqual(new Set(records.map((r) => r.n)));
    status = await findIntegration(created.id);
    expect(status.delivery.events).toMatchObject({ deliveredRecords: 60, pendingAcks: 0, status: "healthy" });
    expect(await pendingAcksOf(created.id)).toEqual([]);

    const { attempts } = await findIntegrationActivity(created.id);
    expect(attempts.some((a) => a.outcome === "acknowledged" && typeof a.ackId === "number")).toBe(true);
  });

  it("sends a batch again when its ack does not come in time", async () => {
    const created = await integration({ indexerAck: true });
    const records = Array.from({ length: 3 }, () => event());
    await appendEvents(records);
    fixture.receiver.setNeverIndexedRatio(1);
    const config = { ackPollMs: 20, ackTimeoutMs: 300 };
    expect(await runPump(ctx(config), created.id, "events", 1000)).toBe("acks-pending");
    // Later runs poll in vain until the ack timeout, then send the batch again.
    await pumpUntil(config, created.id, () => fixture.receiver.requests().length >= 2);
    expect(fixture.receiver.requests().length).toBeGreaterThanOrEqual(2);
    fixture.receiver.setNeverIndexedRatio(0);
    expect(await pumpUntil(config, created.id, isCaughtUp)).toBe("caught-up");
    expect(receivedN()).toEqual(records.map((r) => r.n));
    const { attempts } = await findIntegrationActivity(created.id);
    expect(attempts.some((a) => a.outcome === "ack-timeout" && typeof a.ackId === "number")).toBe(true);
    expect((await findIntegration(created.id)).delivery.events).toMatchObject({ deliveredRecords: 3, pendingAcks: 0 });
  });

  // Ack ids count per channel from 0, and Splunk keeps them in memory only, so after a
  // restart it numbers the same channel from 0 again: a "true" for a reused number must
  // not count for the batch that was lost under it.
  it("loses no batch when Splunk restarts and numbers the channel's ack ids from 0 again", async () => {
    const created = await integration({ indexerAck: true });
    const before = Array.from({ length: 6 }, () => event());
    await appendEvents(before);
    // Received (ack ids 0 and 1), then Splunk restarts before indexing them: acks lost.
    fixture.receiver.setNeverIndexedRatio(1);
    const config = { batchMaxRecords: 3, ackPollMs: 20, ackTimeoutMs: 600_000 };
    expect(await runPump(ctx(config), created.id, "events", 500)).toBe("acks-pending");
    expect(await pendingAcksOf(created.id)).toHaveLength(2);
    fixture.receiver.clear(); // what a restart keeps of a channel: nothing; its ack ids start at 0 again
    fixture.receiver.setNeverIndexedRatio(0);
    const after = Array.from({ length: 6 }, () => event());
    await appendEvents(after);
    // The new batches get ack ids 0 and 1 on the same channel; their "true" must not
    // count for the two lost batches, which have to be sent again.
    expect(await pumpUntil(config, created.id, isCaughtUp)).toBe("caught-up");
    expect(new Set(receivedN())).toEqual(new Set([...before, ...after].map((r) => r.n)));
  });

  // Splunk numbers the requests of a channel in the order it handles them, so with
  // several requests in flight a later batch can get a lower ack id than an earlier one:
  // that is not a restart, and nothing is sent again.
  it("sends nothing twice when requests in flight get their ack ids out of order", async () => {
    const created = await integration({ indexerAck: true });
    const records = Array.from({ length: 9 }, () => event());
    await appendEvents(records);
    // Three batches in flight; the second is held back, so the third is numbered before it.
    fixture.receiver.setFault({ kind: "slow-once-containing", text: `"n":"${records[3]!.n}"`, delayMs: 300 });
    // Polls at most once a second (the default): the second batch still waits for its ack
    // when the third one's reply is settled.
    const config = { batchMaxRecords: 3, maxInFlight: 4, ackPollMs: 1000, ackTimeoutMs: 600_000 };
    expect(await pumpUntil(config, created.id, isCaughtUp)).toBe("caught-up");
    expect(receivedN().sort()).toEqual(records.map((r) => r.n).sort());
  });

  it("/api/metrics shows batches waiting for acknowledgment, acknowledged ones and their latency", async () => {
    const created = await integration({ indexerAck: true });
    const labels = { integration_id: created.id, source: "events" };
    await appendEvents(Array.from({ length: 6 }, () => event()));
    fixture.receiver.setNeverIndexedRatio(1);
    const config = { batchMaxRecords: 3, ackPollMs: 20, ackTimeoutMs: 600_000 };
    expect(await runPump(ctx(config), created.id, "events", 500)).toBe("acks-pending");
    expect(await metricValue("cato_splunk_pending_acks", labels)).toBe(2);
    expect(await metricValue("cato_splunk_batches_acknowledged_total", labels)).toBe(0);

    fixture.receiver.setNeverIndexedRatio(0);
    await sql.query(`UPDATE "Delivery" SET "pendingAcks" = '[]' WHERE "integrationId" = $1`, [created.id]);
    expect(await pumpUntil(config, created.id, isCaughtUp)).toBe("caught-up");
    expect(await metricValue("cato_splunk_pending_acks", labels)).toBe(0);
    expect(await metricValue("cato_splunk_batches_acknowledged_total", labels)).toBe(2);
    expect(await metricValue("cato_splunk_ack_latency_seconds_total", labels)).toBeGreaterThan(0);
  });

  it("sends the channel on every request, acknowledgment polls included", async () => {
    const created = await integration({ indexerAck: true });
    await appendEvents(Array.from({ length: 9 }, () => event()));
    expect(await pumpUntil({ batchMaxRecords: 3, ackPollMs: 20 }, created.id, isCaughtUp)).toBe("caught-up");
    const requests = fixture.receiver.requests();
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.status === 200 && r.ackId !== null)).toBe(true);
    expect(new Set(requests.map((r) => r.channel)).size).toBe(1);
    // Every ack id was asked about on that channel and reported true: none is left pending.
    expect(fixture.receiver.pendingAcks()).toBe(0);
    expect((await findIntegration(created.id)).delivery.events).toMatchObject({
      deliveredRecords: 9,
      pendingAcks: 0,
      statusDetail: "",
    });
  });

  it("without indexerAck, a 200 is delivery; the channel still satisfies the token", async () => {
    const created = await integration();
    await appendEvents([event(), event()]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(fixture.receiver.requests().map((r) => r.status)).toEqual([200]);
    expect((await findIntegration(created.id)).delivery.events).toMatchObject({ deliveredRecords: 2 });
  });

  it("Test connection reports that the token uses acknowledgment and suggests the setting", async () => {
    const target = { ingestionUrl: fixture.receiver.url, token: fixture.receiver.token, index: null };
    const options = { sendTestEvent: true, allowPrivateNetworks: true, timeoutMs: 5000 };
    const off = await testConnection({ ...target, indexerAck: false }, options);
    expect(off.ok).toBe(true);
    expect(off.steps.at(-1)?.detail).toMatch(/token uses indexer acknowledgment: turn on Use indexer acknowledgment/);
    const on = await testConnection({ ...target, indexerAck: true }, options);
    expect(on.steps.at(-1)?.detail).toMatch(/token uses indexer acknowledgment, and so does this integration/);
  });
});
