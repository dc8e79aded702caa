/**
 * A page of GET /api/events stays under 2 MB whatever the records hold: records just
 * under the big-record size (kept whole in the stream) and wide records of ~2 MB
 * (990 fields, every value under the per-value cut). The whole record is on
 * GET /api/events/{marker}.
 */
import { describe, expect, it } from "vitest";
import { BIG_RECORD_CHARS } from "@/lib/feeds/feed-store";
import { client } from "./client";

const admin = client("admin");
const viewer = client("viewer", "session");
const PAGE_MAX_BYTES = 2 * 1024 * 1024;
const run = `page-${Date.now()}`;
let clock = 1764368000000;

/** A record of 990 fields of `valueChars` characters each. */
function wide(n: number, valueChars: number): Record<string, string> {
  clock += 1;
  const record: Record<string, string> = {
    event_type: "Security",
    event_sub_type: "IPS",
    time: String(clock),
    id: `${run}-${n}`,
  };
  for (let f = 0; f < 990; f++) record[`field_${f}`] = String(f % 10).repeat(valueChars);
  return record;
}

async function ingest(records: Record<string, string>[]) {
  const response = await admin.fetch("/api/feeds/events", {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: records.map((r) => JSON.stringify(r)).join("\n"),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("GET /api/events with records of any size", () => {
  it("keeps a page of 200 under 2 MB, cut values flagged, and gives a record whole by its marker", async () => {
    // 20 wide records of ~2 MB (kept beside the stream), then 180 of ~250 KB (kept whole in it).
    let n = 0;
    // Requests of at most 8 MB each.
    for (let i = 0; i < 5; i++) await ingest(Array.from({ length: 4 }, () => wide(n++, 1999)));
    const underBig = wide(-1, 240);
    expect(JSON.stringify(underBig).length).toBeLessThan(BIG_RECORD_CHARS);
    expect(JSON.stringify(underBig).length).toBeGreaterThan(BIG_RECORD_CHARS - 20_000);
    for (let i = 0; i < 6; i++) await ingest(Array.from({ length: 30 }, () => wide(n++, 240)));

    const response = await viewer.get("/api/events?limit=200");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(Buffer.byteLength(text)).toBeLessThan(PAGE_MAX_BYTES);
    const page = JSON.parse(text) as {
      events: { marker: string; record: Record<string, string>; isRecordTruncated: boolean }[];
    };
    const ours = page.events.filter((e) => e.record.id?.startsWith(`${run}-`));
    expect(ours).toHaveLength(200);
    for (const event of ours) {
      expect(event.isRecordTruncated).toBe(true);
      expect(event.record).toMatchObject({ event_type: "Security", event_sub_type: "IPS" });
    }

    // The oldest of ours is a wide record: whole on its own URL.
    const oldest = ours.at(-1)!;
    expect(oldest.record.id).toBe(`${run}-0`);
    const whole = await viewer.get(`/api/events/${oldest.marker}`);
    expect(whole.status).toBe(200);
    const full = (await whole.json()) as { record: Record<string, string>; isRecordTruncated: boolean };
    expect(full.isRecordTruncated).toBe(false);
    expect(Object.keys(full.record)).toHaveLength(994);
    expect(full.record.field_989).toBe("9".repeat(1999));
  });
});
