import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  appendRecords,
  BIG_RECORD_CHARS,
  feedAppender,
  bigRecordKey,
  HEAD_MAX_BYTES,
  loadWholeJson,
  readOne,
  feedKey,
  readAfter,
  readHead,
  readNewest,
  recordSize,
  recordText,
  trimOlderThan,
  unpackEntries,
  type TFeedEntry,
  type TNewRecord,
} from "@/lib/feeds/feed-store";
import { compareMarkers, parseMarker, START_MARKER } from "@/lib/feeds/marker";
import { serverEnv } from "@/lib/env";
import { startEmbeddedRedis } from "@/scripts/lib/embedded-redis";

const redis = new Redis(serverEnv().REDIS_URL);

function events(n: number, from = 0): TNewRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const record = {
      event_type: "Security",
      event_sub_type: "IPS",
      time: String(1764368000000 + from + i),
      n: String(from + i),
    };
    return { json: JSON.stringify(record), eventType: record.event_type, eventSubType: record.event_sub_type };
  });
}

/** Redis' own clock in milliseconds, the one feed markers carry. */
async function redisNowMs(): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

const ids = (entries: TFeedEntry[]) => entries.map((e) => (JSON.parse(recordText(e)) as { n: string }).n);

beforeEach(async () => {
  await redis.flushdb();
});

afterAll(async () => {
  await redis.quit();
});

/** A record of ~990 fields of 1,999 characters (~2 MB): every value under the per-value cut. */
function wideRecord(n: number, fields = 990): TNewRecord {
  const record: Record<string, string> = {
    event_type: "Security",
    event_sub_type: "IPS",
    time: String(1764368000000 + n),
    n: String(n),
  };
  for (let f = 0; f < fields; f++) record[`field_${f}`] = String(f % 10).repeat(1999);
  return { json: JSON.stringify(record), eventType: "Security", eventSubType: "IPS" };
}

describe("byte-bounded reads", () => {
  it("stop at the byte budget, always return at least one entry, and resume where they stopped", async () => {
    // 40 small records, then 10 records of ~2 MB, then 40 small ones.
    await appendRecords(redis, "events", events(40), 0);
    await appendRecords(
      redis,
      "events",
      Array.from({ length: 10 }, (_, i) => wideRecord(40 + i)),
      0,
    );
    await appendRecords(redis, "events", events(40, 50), 0);

    // What an entry holds in the stream: the record (or head), its type fields, and a big record's lengths.
    const entryBytes = (e: Awaited<ReturnType<typeof readOne>> & object) =>
      recordSize(e) +
      Buffer.byteLength(e.eventType) +
      Buffer.byteLength(e.eventSubType) +
      (e.bigChars ? String(e.bigChars).length + String(e.rawDataChars).length : 0);
    const seen: string[] = [];
    let marker = START_MARKER;
    let reads = 0;
    for (;;) {
      const { entries } = await readAfter(redis, "events", marker, 5000, 20_000);
      if (entries.length === 0) break;
      reads++;
      const bytes = entries.reduce((sum, e) => sum + entryBytes(e), 0);
      // Within the budget, unless it is the one entry a read always returns.
      if (entries.length > 1) expect(bytes).toBeLessThanOrEqual(20_000);
      seen.push(...ids(entries));
      marker = entries.at(-1)!.marker;
    }
    expect(seen).toEqual(Array.from({ length: 90 }, (_, i) => String(i)));
    expect(reads).toBeGreaterThan(3);

    // The count still caps a read; a budget smaller than any entry still moves on by one.
    expect((await readAfter(redis, "events", START_MARKER, 7, 10_000_000)).entries).toHaveLength(7);
    expect(ids((await readAfter(redis, "events", START_MARKER, 100, 1)).entries)).toEqual(["0"]);
  });

  it("return the same entries as an unbounded read, whatever the text and fields", async () => {
    const odd = (n: number, text: string, eventType = "Security", eventSubType = "IPS"): TNewRecord => ({
      json: JSON.stringify({ event_type: eventType, time: String(1764368000000 + n), n: String(n), text }),
      eventType,
      eventSubType,
    });
    await appendRecords(
      redis,
      "events",
      [
        odd(0, "plain"),
        odd(1, 'événement 日本語 🚀 "quoted" back\\slash 12:34 \u0000'),
        odd(2, "", "", ""),
        odd(3, "x".repeat(10), "Connectivity", "Ünïcödé: 9:9"),
        wideRecord(4),
        { json: JSON.stringify({ event_type: "Security", n: "5", raw_data: "z".repeat(BIG_RECORD_CHARS + 10) }) },
        odd(6, "après"),
      ],
      0,
    );
    const unbounded = await readAfter(redis, "events", START_MARKER, 100);
    expect(ids(unbounded.entries)).toEqual(["0", "1", "2", "3", "4", "5", "6"]);
    expect(unbounded.entries.some((e) => e.bigChars && e.rawDataChars)).toBe(true);
    expect(unbounded.entries.some((e) => e.isHeadCut)).toBe(true);
    // The bounded read, the pumps', carries each record's JSON as the bytes the feed holds.
    const bounded = await readAfter(redis, "events", START_MARKER, 100, 100_000_000);
    expect(bounded.entries.every((e) => e.bytes && e.json === "")).toBe(true);
    expect({
      ...bounded,
      entries: bounded.entries.map((e) => ({ ...e, json: recordText(e), bytes: undefined })),
    }).toEqual(unbounded);
    // Flows carry the record alone, or a big record's head and lengths.
    await appendRecords(
      redis,
      "flows",
      [
        { json: JSON.stringify({ flow_id: "f1", time: "1764368000000", text: "日本語" }) },
        { json: JSON.stringify({ flow_id: "f2", raw_data: "y".repeat(BIG_RECORD_CHARS + 10) }) },
        { json: "{}" },
      ],
      0,
    );
    const flows = await readAfter(redis, "flows", START_MARKER, 100);
    expect(flows.entries.map((e) => Boolean(e.bigChars))).toEqual([false, true, false]);
    const boundedFlows = await readAfter(redis, "flows", START_MARKER, 100, 100_000_000);
    expect(boundedFlows.entries.map((e) => ({ ...e, json: recordText(e), bytes: undefined }))).toEqual(flows.entries);
    // A reply cut short or not in the read's form is an error, not entries made of whatever was there.
    const b = (text: string) => Buffer.from(text);
    expect(() => unpackEntries([b("3:1-1")])).toThrow(/malformed/);
    expect(() => unpackEntries([b("3:1-1"), b("{}")])).toThrow(/malformed/);
    expect(() => unpackEntries([b("3:1-11:2x:t"), b("{}")])).toThrow(/malformed/);
    expect(() => unpackEntries([b("3:1-11:21:t2:ab1:s"), b("{}")])).toThrow(/malformed/);
    expect(() => unpackEntries([b("3:1-11:x1:t2:ab"), b("{}")])).toThrow(/malformed/);
    expect(() => unpackEntries([b("3:a-11:21:t2:ab"), b("{}")])).toThrow(/Not a feed marker/);
    expect(unpackEntries([b("3:1-11:21:t2:Ü"), b("{}")])).toEqual([
      { marker: "1-1", seq: 1, json: "", bytes: b("{}"), eventType: "Ü", eventSubType: "" },
    ]);
    // Each record's type and sub-type are its own, whatever the record before held.
    const types: [string, string][] = [
      ["Security", "IPS"],
      ["Security", "IPS"],
      ["Security", "IPX"],
      ["Securit", "IPX"],
      ["Connectivity", ""],
      ["Sécurity", "IPS"],
      ["Security", "IPS"],
    ];
    const reply = types.flatMap(([type, subType], i) => {
      const [t, s] = [b(type), b(subType)];
      const id = `1-${i + 1}`;
      return [Buffer.concat([b(`${id.length}:${id}1:41:t${t.length}:`), t, b(`1:s${s.length}:`), s]), b("{}")];
    });
    expect(unpackEntries(reply).map((e) => [e.seq, e.eventType, e.eventSubType])).toEqual(
      types.map(([type, subType], i) => [i + 1, type, subType]),
    );
  });

  it("keep a wide record's head small in the stream, whole beside it", async () => {
    const wide = wideRecord(0);
    expect(wide.json.length).toBeGreaterThan(1_900_000);
    const { lastMarker } = await appendRecords(redis, "events", [wide], 0);
    const [raw] = (await redis.xrange(feedKey("events"), lastMarker, lastMarker)) as [string, string[]][];
    const fields = raw![1];
    const streamBytes = fields.reduce((sum, f) => sum + Buffer.byteLength(f), 0);
    expect(streamBytes).toBeLessThanOrEqual(HEAD_MAX_BYTES + 200);
    const entry = (await readOne(redis, "events", lastMarker))!;
    expect(entry.bigChars).toBe(wide.json.length);
    expect(entry.isHeadCut).toBe(true);
    // The fields a reader looks at first are in the head.
    expect(JSON.parse(entry.json)).toMatchObject({ event_type: "Security", time: "1764368000000", n: "0" });
    expect(await loadWholeJson(redis, "events", entry)).toBe(wide.json);
  });

  it("bound a head whatever its field names and characters hold", async () => {
    const record: Record<string, string> = { event_type: "Security", time: "1764368000000" };
    for (let f = 0; f < 300; f++) record[`${"k".repeat(f % 2 === 0 ? 300 : 10)}${f}`] = "\u0001é😀".repeat(600);
    const json = JSON.stringify(record);
    const { lastMarker } = await appendRecords(redis, "events", [{ json, eventType: "Security" }], 0);
    const entry = (await readOne(redis, "events", lastMarker))!;
    expect(Buffer.byteLength(entry.json)).toBeLessThanOrEqual(HEAD_MAX_BYTES);
    const head = JSON.parse(entry.json) as Record<string, string>;
    expect(head.event_type).toBe("Security");
    for (const [key, value] of Object.entries(head)) expect(record[key]!.startsWith(value)).toBe(true);
  });
});

describe("big records", () => {
  const raw = "x".repeat(5_300_000);
  const big = {
    event_type: "Detection and Response",
    event_sub_type: "Threat Hunting",
    time: "1764368000000",
    raw_data: raw,
    note: "kept",
  };
  const bigRecord: TNewRecord = {
    json: JSON.stringify(big),
    eventType: big.event_type,
    eventSubType: big.event_sub_type,
  };

  it("keep only a head in the stream, so that reading many entries stays small", async () => {
    const { lastMarker } = await appendRecords(redis, "events", [...events(2), bigRecord, ...events(2, 2)], 0, 2);
    const [entry] = (await redis.xrange(feedKey("events"), lastMarker, lastMarker)) as [string, string[]][];
    expect(entry).toBeDefined();
    const all = await readAfter(redis, "events", START_MARKER, 100);
    expect(all.entries).toHaveLength(5);
    const stored = all.entries[2]!;
    expect(stored.json.length).toBeLessThan(3000);
    expect(JSON.parse(stored.json)).toEqual({ ...big, raw_data: raw.slice(0, 2000) });
    expect(stored).toMatchObject({
      bigChars: bigRecord.json.length,
      rawDataChars: raw.length,
      eventType: big.event_type,
    });
    expect(all.entries.filter((e) => e.bigChars)).toHaveLength(1);
    // Only raw_data was cut in the head.
    expect(stored.isHeadCut).toBeUndefined();
    // Whole beside the stream, for as long as the feed keeps records (2 hours here) and an hour more.
    expect(await loadWholeJson(redis, "events", stored)).toBe(bigRecord.json);
    expect(await redis.ttl(bigRecordKey("events", stored.marker))).toBeGreaterThan(3 * 3600 - 60);
    expect(await loadWholeJson(redis, "events", all.entries[0]!)).toBe(all.entries[0]!.json);
  });

  it("fall back to their head when the whole copy is gone", async () => {
    const { lastMarker } = await appendRecords(redis, "events", [bigRecord], 0);
    await redis.del(bigRecordKey("events", lastMarker));
    const entry = (await readOne(redis, "events", lastMarker))!;
    expect(JSON.parse(await loadWholeJson(redis, "events", entry))).toMatchObject({ note: "kept" });
  });

  it("start just above the threshold", async () => {
    const pad = (n: number) => JSON.stringify({ event_type: "Security", raw_data: "y".repeat(n) });
    const under = pad(BIG_RECORD_CHARS - 40);
    const over = pad(BIG_RECORD_CHARS);
    expect(under.length).toBeLessThanOrEqual(BIG_RECORD_CHARS);
    await appendRecords(redis, "flows", [{ json: under }, { json: over }], 0);
    const { entries } = await readAfter(redis, "flows", START_MARKER, 10);
    expect(entries.map((e) => Boolean(e.bigChars))).toEqual([false, true]);
    expect(entries[0]!.json).toBe(under);
  });
});

/** Values that a packed chunk must carry unchanged: its own separators, digits, newlines, multibyte characters. */
const awkward = ["3:r", "e12,3,4;", "f9;", "g", "0:", ":;,", "line\nbreak", "ünï ✓ 𝄞 €", "", "12"];

function awkwardEvent(i: number): TNewRecord {
  const value = awkward[i % awkward.length]!;
  const record = {
    event_type: awkward[(i + 3) % awkward.length]!,
    event_sub_type: value,
    time: String(1764368000000 + i),
    n: String(i),
    note: `${value}${"é".repeat(i % 7)}`,
    pad: "p".repeat(900 + (i % 300)),
  };
  return { json: JSON.stringify(record), eventType: record.event_type, eventSubType: record.event_sub_type };
}

describe("staged appends", () => {
  it("carry every value unchanged and in order, across many chunks and big records", async () => {
    // About 12 MB: more chunks than are ever in flight at once, with big records among them.
    const records = Array.from({ length: 10_000 }, (_, i) => awkwardEvent(i));
    const big = (n: number): TNewRecord => ({
      json: JSON.stringify({
        event_type: "Detection and Response",
        time: "1",
        n: `big-${n}`,
        raw_data: "ü:;".repeat(n),
      }),
      eventType: "Detection and Response",
      eventSubType: "",
    });
    records.splice(3000, 0, big(100_000));
    records.splice(7000, 0, big(200_000));
    const result = await appendRecords(redis, "events", records, 0);
    expect(result.accepted).toBe(records.length);
    const stored: { json: string; eventType: string; eventSubType: string }[] = [];
    let marker = START_MARKER;
    for (;;) {
      const { entries } = await readAfter(redis, "events", marker, 2000);
      if (entries.length === 0) break;
      for (const entry of entries) {
        stored.push({
          json: await loadWholeJson(redis, "events", entry),
          eventType: entry.eventType,
          eventSubType: entry.eventSubType,
        });
      }
      marker = entries.at(-1)!.marker;
    }
    expect(stored).toEqual(
      records.map((r) => ({ json: r.json, eventType: r.eventType, eventSubType: r.eventSubType })),
    );
    expect(await redis.keys("feed:events:staging:*")).toEqual([]);

    const flows = records.slice(0, 3000).map((r) => ({ json: r.json }));
    await appendRecords(redis, "flows", flows, 0);
    const read = await readAfter(redis, "flows", START_MARKER, 5000);
    expect(read.entries.map((e) => e.json)).toEqual(flows.map((f) => f.json));
  });

  it("append nothing when staged chunks were lost before the commit (Redis restarted or failed over)", async () => {
    const appender = feedAppender(redis, "events", 0);
    await appender.add(Array.from({ length: 3000 }, (_, i) => awkwardEvent(i))); // 3 MB: staged
    await redis.ping(); // every chunk sent so far has been staged
    const [staging] = await redis.keys("feed:events:staging:*");
    expect(await redis.llen(staging!)).toBeGreaterThan(1);
    await redis.lpop(staging!);
    await expect(appender.commit()).rejects.toThrow(/staged chunks/);
    await appender.abort();
    expect((await readHead(redis, "events")).length).toBe(0);
    expect(await redis.keys("feed:events:staging:*")).toEqual([]);
  });

  it("append nothing when staging a chunk failed, even if later chunks were staged", async () => {
    const admin = new Redis(serverEnv().REDIS_URL);
    const appender = feedAppender(redis, "events", 0);
    const chunk = Array.from({ length: 1200 }, (_, i) => awkwardEvent(i)); // over 1 MB: a chunk is staged
    try {
      await admin.config("SET", "maxmemory", "1");
      await appender.add(chunk);
      await redis.ping(); // the chunk's reply (refused: out of memory) has come back
    } finally {
      await admin.config("SET", "maxmemory", "0");
      admin.disconnect();
    }
    const outcome = (async () => {
      await appender.add(chunk);
      return appender.commit();
    })();
    await expect(outcome).rejects.toThrow(/OOM|memory|EXECABORT/i);
    await appender.abort();
    expect((await readHead(redis, "events")).length).toBe(0);
    expect(await redis.keys("feed:events:staging:*")).toEqual([]);
  });
});

describe("feed store", () => {
  it("appends in order and reads after a marker", async () => {
    const first = await appendRecords(redis, "events", events(5), 0);
    const second = await appendRecords(redis, "events", events(5, 5), 0);
    expect(first.accepted).toBe(5);
    expect(compareMarkers(second.firstMarker, first.lastMarker)).toBeGreaterThan(0);

    const all = await readAfter(redis, "events", START_MARKER, 100);
    expect(ids(all.entries)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(all.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(all.gap).toBe(0);
    expect(all.entries[0]).toMatchObject({ marker: first.firstMarker, eventType: "Security", eventSubType: "IPS" });

    const page = await readAfter(redis, "events", first.lastMarker, 3);
    expect(ids(page.entries)).toEqual(["5", "6", "7"]);
    const rest = await readAfter(redis, "events", page.entries[2]!.marker, 100);
    expect(ids(rest.entries)).toEqual(["8", "9"]);
    const none = await readAfter(redis, "events", second.lastMarker, 100);
    expect(none).toEqual({ entries: [], gap: 0, isMarkerAhead: false });
  });

  it("keeps each feed separate and flows without filter fields", async () => {
    await appendRecords(redis, "events", events(2), 0);
    await appendRecords(redis, "flows", [{ json: '{"flow_id":"f1","time":"1"}' }], 0);
    const flows = await readAfter(redis, "flows", START_MARKER, 10);
    expect(flows.entries).toHaveLength(1);
    expect(flows.entries[0]).toMatchObject({ seq: 1, json: '{"flow_id":"f1","time":"1"}', eventType: "" });
    expect((await readHead(redis, "events")).appended).toBe(2);
  });

  it("tells a reader how many records were trimmed before it could read them", async () => {
    const { lastMarker: fifth } = await appendRecords(redis, "events", events(5), 0);
    await appendRecords(redis, "events", events(5, 5), 0);
    await redis.xtrim(feedKey("events"), "MAXLEN", 3); // retention removed records 1..7

    const fromStart = await readAfter(redis, "events", START_MARKER, 100);
    expect(fromStart.gap).toBe(7);
    expect(ids(fromStart.entries)).toEqual(["7", "8", "9"]);
    const fromFifth = await readAfter(redis, "events", fifth, 100);
    expect(fromFifth.gap).toBe(2);
    expect(ids(fromFifth.entries)).toEqual(["7", "8", "9"]);
  });

  it("counts the gap when everything after the marker was trimmed", async () => {
    const { lastMarker } = await appendRecords(redis, "events", events(2), 0);
    await appendRecords(redis, "events", events(4, 2), 0);
    await redis.xtrim(feedKey("events"), "MAXLEN", 0);
    expect(await readAfter(redis, "events", lastMarker, 10)).toEqual({ entries: [], gap: 4, isMarkerAhead: false });
  });

  it("notices a marker past everything the feed ever held", async () => {
    await appendRecords(redis, "events", events(2), 0);
    const result = await readAfter(redis, "events", "9999999999999-50", 10);
    expect(result.isMarkerAhead).toBe(true);
  });

  it("trims by age, exactly, and keeps the sequence going", async () => {
    const earlier = await appendRecords(redis, "events", events(3), 0);
    // Markers carry Redis' clock, not this process': cut just after the earlier records'
    // millisecond, and append the later ones once Redis' clock has passed it.
    const cutoff = parseMarker(earlier.lastMarker)!.ms + 1;
    await expect.poll(() => redisNowMs(), { interval: 1 }).toBeGreaterThanOrEqual(cutoff);
    const later = await appendRecords(redis, "events", events(2, 3), 0);
    expect(parseMarker(later.firstMarker)!.ms).toBeGreaterThanOrEqual(cutoff);
    expect(await trimOlderThan(redis, "events", cutoff)).toBe(3);
    const left = await readAfter(redis, "events", START_MARKER, 10);
    expect(ids(left.entries)).toEqual(["3", "4"]);
    expect(left.gap).toBe(3);
    expect(left.entries[0]!.marker).toBe(later.firstMarker);
  });

  it("caps the feed's length", async () => {
    for (let i = 0; i < 5; i++) await appendRecords(redis, "events", events(1000, i * 1000), 1000);
    const head = await readHead(redis, "events");
    expect(head.appended).toBe(5000);
    expect(head.length).toBeLessThan(1200); // approximate trimming keeps whole nodes
    expect(head.length).toBeGreaterThanOrEqual(1000);
  });

  it("continues the sequence when its state key is lost", async () => {
    const first = await appendRecords(redis, "events", events(3), 0);
    await redis.del("feed:events:state");
    const next = await appendRecords(redis, "events", events(1, 3), 0);
    expect(next.firstMarker.split("-")[1]).toBe("4");
    expect(compareMarkers(next.firstMarker, first.lastMarker)).toBeGreaterThan(0);
  });

  it("reads newest first with a cursor", async () => {
    await appendRecords(redis, "events", events(5), 0);
    const page1 = await readNewest(redis, "events", 2);
    expect(ids(page1)).toEqual(["4", "3"]);
    const page2 = await readNewest(redis, "events", 2, page1[1]!.marker);
    expect(ids(page2)).toEqual(["2", "1"]);
  });
});

describe("embedded Redis", () => {
  it("keeps the feeds across a restart (append-only file)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "feeds-aof-"));
    try {
      const first = await startEmbeddedRedis(dir);
      const a = new Redis(first.url);
      await appendRecords(a, "events", events(50), 0);
      // A staged append: its chunks are kept out of the file, the records it appends are in it.
      const aofBytes = async () => Number(/aof_current_size:(\d+)/.exec(await a.info("persistence"))![1]);
      const before = await aofBytes();
      const staged = Array.from({ length: 3000 }, (_, i) => awkwardEvent(i));
      const stagedBytes = staged.reduce((sum, r) => sum + Buffer.byteLength(r.json), 0);
      const appended = await appendRecords(a, "events", staged, 0);
      const grown = (await aofBytes()) - before;
      expect(grown).toBeGreaterThan(stagedBytes);
      expect(grown).toBeLessThan(1.5 * stagedBytes);
      a.disconnect();
      await first.stop();

      const second = await startEmbeddedRedis(dir);
      const b = new Redis(second.url);
      const read = await readAfter(b, "events", START_MARKER, 5000);
      expect(read.entries).toHaveLength(3050);
      expect(read.entries.at(-1)!.marker).toBe(appended.lastMarker);
      expect(read.entries.at(-1)!.json).toBe(staged.at(-1)!.json);
      expect(await b.keys("feed:events:staging:*")).toEqual([]);
      b.disconnect();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
