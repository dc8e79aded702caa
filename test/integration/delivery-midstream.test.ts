import { describe, expect, it } from "vitest";
import { runPump, type TDeliveryConfig } from "@/lib/delivery/pump";
import { setupDeliveryFixture } from "@/test/helpers/delivery";

/**
 * A destination that fails in the middle of a stream, deterministically: a backlog of
 * ten batches against a receiver answering 503 (server busy, HEC code 9) to every other
 * request. The marker rule is "the end of the longest prefix Splunk accepted": it must
 * hold after every pump run, and the stream must recover completely.
 */
const fixture = setupDeliveryFixture();
const { sql, event, appendEvents, integration } = fixture;

const BATCH = 5;
const BATCHES = 10;
// One request at a time, where the pump has a window of requests in flight: batches
// after a refused one may then be accepted by Splunk and sent again later (the
// documented resend), and the receiver would hold more than a prefix.
const CONFIG = { batchMaxRecords: BATCH, maxInFlight: 1 } as Partial<TDeliveryConfig>;

async function storedMarker(id: string): Promise<string | null> {
  const { rows } = await sql.query<{ marker: string | null }>(
    `SELECT marker FROM "Delivery" WHERE "integrationId" = $1 AND source = 'events'`,
    [id],
  );
  return rows[0]!.marker;
}

const receivedN = () => fixture.receiver.received().map((e) => (e.event as Record<string, string>).n!);

describe("a failure in the middle of a stream", () => {
  it("after each run the marker ends the accepted prefix, the receiver holds exactly that prefix, and the stream recovers", async () => {
    const created = await integration();
    const startMarker = await storedMarker(created.id);
    const records = Array.from({ length: BATCH * BATCHES }, () => event());
    // One append per record, so each record's marker is known.
    const markers: string[] = [];
    for (const record of records) markers.push((await appendEvents([record])).lastMarker);
    const numbers = records.map((r) => r.n!);
    fixture.receiver.setFault({ kind: "busy-ratio", ratio: 0.5 });

    let runs = 0;
    let refusals = 0;
    for (;;) {
      runs++;
      expect(runs, "the pump recovers within a run per batch and one more").toBeLessThanOrEqual(BATCHES + 1);
      const heldBefore = receivedN().length;
      const requestsBefore = fixture.receiver.requests().length;

      const outcome = await runPump(fixture.ctx(CONFIG), created.id, "events", 60_000);

      const held = receivedN();
      const replies = fixture.receiver.requests().slice(requestsBefore);
      // Exactly a prefix of the feed, in order, each record once: nothing skipped, nothing doubled.
      expect(held).toEqual(numbers.slice(0, held.length));
      // Whole batches only: a refused batch left nothing behind.
      expect(held.length % BATCH).toBe(0);
      // The marker is the last accepted batch's last marker.
      expect(await storedMarker(created.id)).toBe(held.length === 0 ? startMarker : markers[held.length - 1]);
      // Every reply this run but the last was an acceptance that moved the marker on.
      expect(replies.slice(0, -1).every((r) => r.status === 200)).toBe(true);
      expect((held.length - heldBefore) / BATCH).toBe(replies.filter((r) => r.status === 200).length);

      if (outcome === "caught-up") break;
      expect(outcome).toBe("waiting");
      expect(replies.at(-1)).toMatchObject({ status: 503, code: 9 });
      refusals++;
      // The backoff has passed.
      await sql.query(`UPDATE "Delivery" SET "nextAttemptAt" = NULL WHERE "integrationId" = $1`, [created.id]);
    }

    // Refused about every other time, and fully recovered with no record sent twice:
    // a 503 means Splunk kept nothing, so there is nothing to resend.
    expect(refusals).toBeGreaterThanOrEqual(BATCHES / 2 - 1);
    expect(receivedN()).toEqual(numbers);
    expect(await storedMarker(created.id)).toBe(markers.at(-1));
  });
});
