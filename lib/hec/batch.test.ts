import { describe, expect, it } from "vitest";
import type { TFeedEntry } from "@/lib/feeds/feed-store";
import { buildBatch } from "@/lib/hec/batch";
import { buildEnvelope } from "@/lib/hec/envelope";

function entries(n: number, size = 100, type = "Security"): TFeedEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    marker: `1000-${i + 1}`,
    seq: i + 1,
    json: JSON.stringify({ event_type: type, time: "1764368000000", pad: "x".repeat(size), n: String(i) }),
    eventType: type,
    eventSubType: "IPS",
  }));
}
const options = { source: "events" as const, index: null, maxEventBytes: 5_000_000 };

describe("buildBatch", () => {
  it("stacks envelopes one a line and accounts for every entry", () => {
    const batch = buildBatch(entries(3), options, { maxBytes: 1_000_000, maxRecords: 100 });
    const lines = batch.body.toString("utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => (JSON.parse(l) as { event: { n: string } }).event.n)).toEqual(["0", "1", "2"]);
    expect(batch).toMatchObject({ consumed: 3, lastMarker: "1000-3", markers: ["1000-1", "1000-2", "1000-3"] });
    expect(batch.bytes).toBe(Buffer.byteLength(batch.body));
  });

  it("never exceeds the byte cap and never splits an event", () => {
    const all = entries(50, 1000);
    const batch = buildBatch(all, options, { maxBytes: 10_000, maxRecords: 1000 });
    expect(batch.bytes).toBeLessThanOrEqual(10_000);
    expect(Buffer.byteLength(batch.body)).toBe(batch.bytes);
    for (const line of batch.body.toString("utf8").trimEnd().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    const next = buildBatch(all.slice(batch.consumed), options, { maxBytes: 10_000, maxRecords: 1000 });
    expect(next.markers[0]).toBe(all[batch.consumed]!.marker);
  });

  it("writes records with multi-byte characters exactly, each envelope as buildEnvelope makes it", () => {
    const texts = ["Zürich", "東京 office", "\u{1F512} locked", "plain"];
    const all = texts.map((text, i) => ({
      ...entries(1)[0]!,
      marker: `1000-${i + 1}`,
      json: JSON.stringify({ time: "1764368000000", site: text }),
    }));
    const batch = buildBatch(all, options, { maxBytes: 1_000_000, maxRecords: 100 });
    expect(batch.body.length).toBe(batch.bytes);
    expect(batch.body.toString("utf8")).toBe(all.map((e) => `${buildEnvelope(e.json, options)}\n`).join(""));
    const sites = batch.body
      .toString("utf8")
      .trimEnd()
      .split("\n")
      .map((l) => (JSON.parse(l) as { event: { site: string } }).event.site);
    expect(sites).toEqual(texts);
  });

  it("writes entries read as bytes exactly as the same entries read as text", () => {
    // Every form of time a record may carry, the plain epoch ms (written from the bytes) and the rest.
    const times = [
      (i: number) => ({ time: String(1764368000000 + i) }),
      () => ({ time: "0001764368000123" }),
      () => ({ time: "42" }),
      () => ({ time: "1234" }),
      () => ({ time: "12345678901234567" }),
      () => ({ time: "2026-11-29T00:52:37.123Z" }),
      () => ({ flow_id: "f", time_str: "2026-03-02T12:43:11.5+02:00" }),
      () => ({ time: "soon", later: "x" }),
      () => ({ note: ',"time":"999"', time: "1764368000005" }),
      () => ({}),
    ];
    const all = [...entries(20, 300), ...entries(2, 20_000)].map((e, i) => ({
      ...e,
      json: JSON.stringify({ ...times[i % times.length]!(i), site: i % 2 ? "Zürich 東京" : "plain", pad: e.json }),
    }));
    all.push({ ...all[0]!, json: '{"later":{"time":"1764368000001"},"time":"1764368000002"}' });
    const asBytes = all.map(({ json, ...e }) => ({ ...e, json: "", bytes: Buffer.from(json) }));
    for (const limits of [
      { maxBytes: 1_000_000, maxRecords: 100 },
      { maxBytes: 5_000, maxRecords: 100 },
    ]) {
      const text = buildBatch(all, options, limits);
      const bytes = buildBatch(asBytes, options, limits);
      expect(bytes.body.toString()).toBe(text.body.toString());
      expect({ ...bytes, body: null }).toEqual({ ...text, body: null });
    }
    // A record over the event limit is cut as it would be from text.
    const big = { ...all[0]!, json: JSON.stringify({ time: "1764368000000", raw_data: "r".repeat(60_000) }) };
    const small = { ...options, maxEventBytes: 20_000 };
    const limits = { maxBytes: 1_000_000, maxRecords: 10 };
    const cut = buildBatch([{ ...big, json: "", bytes: Buffer.from(big.json) }], small, limits);
    expect(cut.body.equals(buildBatch([big], small, limits).body)).toBe(true);
    expect(cut.body.toString()).toContain("raw_data_truncated");
  });

  it("caps the number of records", () => {
    expect(buildBatch(entries(10), options, { maxBytes: 1_000_000, maxRecords: 4 }).markers).toHaveLength(4);
  });

  it("sends an envelope larger than the byte cap alone", () => {
    const all = entries(3, 50_000);
    const first = buildBatch(all, options, { maxBytes: 10_000, maxRecords: 100 });
    expect(first.markers).toEqual(["1000-1"]);
  });

  it("consumes filtered-out entries without envelopes, so the marker moves past them", () => {
    const mixed = [...entries(2, 10, "System"), ...entries(1, 10, "Security").map((e) => ({ ...e, marker: "1000-9" }))];
    const batch = buildBatch(
      mixed,
      options,
      { maxBytes: 1_000_000, maxRecords: 100 },
      (e) => e.eventType === "Security",
    );
    expect(batch.markers).toEqual(["1000-9"]);
    expect(batch.consumed).toBe(3);
    const none = buildBatch(entries(2, 10, "System"), options, { maxBytes: 1_000_000, maxRecords: 100 }, () => false);
    expect(none.body.length).toBe(0);
    expect(none).toMatchObject({ markers: [], consumed: 2, lastMarker: "1000-2" });
  });
});
