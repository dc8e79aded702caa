import { describe, expect, it } from "vitest";
import { eventsFeedRecordOf } from "@/lib/cato/client";
import { parseCatoReply, RawFieldsMap } from "@/lib/cato/feed-reply";
import { createSimulator } from "@/lib/simulator/generator";

const reply = (records: unknown[]) => ({
  data: {
    eventsFeed: {
      marker: "bWFya2Vy",
      fetchedCount: records.length,
      accounts: [{ id: "1", errorString: null, records }],
    },
  },
});

/** The parsed reply with every RawFieldsMap turned back into the object its text holds. */
function expand(value: unknown): unknown {
  if (value instanceof RawFieldsMap) return JSON.parse(value.json.toString("utf8"));
  if (Array.isArray(value)) return value.map(expand);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v)]));
  }
  return value;
}

function rawRecords(parsed: unknown): RawFieldsMap[] {
  const feed = (parsed as ReturnType<typeof reply>).data.eventsFeed;
  return (feed.accounts[0]!.records as { fieldsMap: RawFieldsMap }[]).map((r) => r.fieldsMap);
}

describe("parseCatoReply", () => {
  it("keeps each fieldsMap of a page as the exact text JSON.stringify makes, with its type, sub-type and time", () => {
    const events = createSimulator({ seed: 3, largeRawDataEvery: 0 }).generate({
      nowMs: 1764368000000,
      eventCount: 300,
      flowCount: 0,
    }).events;
    const text = JSON.stringify(reply(events.map((fieldsMap) => ({ time: "2026-11-28T22:13:20Z", fieldsMap }))));
    const parsed = parseCatoReply(Buffer.from(text));
    expect(expand(parsed)).toEqual(JSON.parse(text));
    const raws = rawRecords(parsed);
    expect(raws.map((r) => r.json.toString("utf8"))).toEqual(events.map((e) => JSON.stringify(e)));
    expect(raws.every((r) => r.isCompact && r.hasTime)).toBe(true);
    expect(raws.map((r) => [r.eventType, r.eventSubType, r.time])).toEqual(
      events.map((e) => [e.event_type, e.event_sub_type, e.time]),
    );
  });

  it("reads escapes, non-ASCII text and nested values as JSON.parse does, and escaped keys by their meaning", () => {
    const text =
      '{"data":{"eventsFeed":{"marker":"m\\u00e9","fetchedCount":1,"accounts":[{"id":"1","records":[' +
      '{"time":"2026-11-28T22:13:20Z","fieldsMap":{"event\\u005ftype":"Sec\\"urity","event_sub_type":"\\u003cIPS\\u003e \\ud83d\\ude00 é",' +
      '"time":"1764368000000","nested":{"a":[1,-2.5e3,true,false,null,{"b":"\\\\\\/\\n"}]},"empty":{},"list":[]}}]}]}}}';
    const parsed = parseCatoReply(Buffer.from(text));
    expect(expand(parsed)).toEqual(JSON.parse(text));
    const [raw] = rawRecords(parsed);
    expect(raw!.eventType).toBe('Sec"urity');
    expect(raw!.eventSubType).toBe("<IPS> 😀 é");
    expect(raw!.time).toBe("1764368000000");
    expect(raw!.isCompact).toBe(true);
  });

  it("marks a fieldsMap with whitespace as not compact, and one without time or with a non-string type", () => {
    const records = [
      { time: "2026-11-28T22:13:20Z", fieldsMap: { event_type: "Security", time: "1764368000000" } },
      { time: "2026-11-28T22:13:20Z", fieldsMap: { event_type: 7, event_sub_type: null } },
    ];
    const pretty = JSON.stringify(reply(records), null, 2);
    const parsed = parseCatoReply(Buffer.from(pretty));
    expect(expand(parsed)).toEqual(JSON.parse(pretty));
    const [spaced, untimed] = rawRecords(parsed);
    expect(spaced!.isCompact).toBe(false);
    expect(untimed!.hasTime).toBe(false);
    expect(untimed!.eventType).toBeUndefined();
    expect(untimed!.eventSubType).toBeUndefined();
  });

  it("leaves a fieldsMap that is not an object as JSON.parse reads it", () => {
    const text = JSON.stringify(reply([{ fieldsMap: null }, { fieldsMap: ["a"] }, { fieldsMap: "x" }]));
    expect(parseCatoReply(Buffer.from(text))).toEqual(JSON.parse(text));
  });

  it("reads any JSON value as JSON.parse does, __proto__ as an own property", () => {
    for (const text of [
      '{"__proto__":{"x":1},"a":[]}',
      "[0,-0,1.5,-1e-7,123456789012345678901234567890,1E+2]",
      '"plain"',
      ' \n\t{ "a" : [ 1 , { } ] } \r\n',
      "null",
    ]) {
      expect(parseCatoReply(Buffer.from(text))).toEqual(JSON.parse(text));
    }
    const proto = parseCatoReply(Buffer.from('{"__proto__":{"x":1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(["__proto__"]);
    expect((proto as { x?: number }).x).toBeUndefined();
  });

  it("throws on what JSON.parse refuses, inside a fieldsMap too, and on bytes that are not UTF-8", () => {
    const bad = [
      "",
      "{",
      '{"a":1,}',
      '{"a":01}',
      '{"a":tru}',
      '{"a":"x\u0001"}',
      '{"a":"\\x"}',
      '{"a":"\\u12g4"}',
      '{"a":1} x',
      '{"fieldsMap":{"a":1,}}',
      '{"fieldsMap":{"a":[1 2]}}',
      '{"fieldsMap":{"a":"unterminated}}',
      '{"fieldsMap":{"a":-}}',
      '{"fieldsMap":{"time":1.}}',
    ];
    for (const text of bad) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(() => parseCatoReply(Buffer.from(text)), text).toThrow(SyntaxError);
    }
    expect(() => parseCatoReply(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toThrow(SyntaxError);
  });
});

describe("parseCatoReply against JSON.parse on generated values", () => {
  it("agrees on a thousand random documents, fieldsMaps included", () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const chars = ['"', "\\", "/", "\n", "\t", "\u0001", "é", "😀", "\u2028", "a", " ", "{", "]", ","];
    const string = () =>
      Array.from({ length: Math.floor(random() * 8) }, () => chars[Math.floor(random() * chars.length)]).join("");
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 3 ? 4 : 7));
      if (pick === 0) return string();
      if (pick === 1) return (random() - 0.5) * 10 ** Math.floor(random() * 30 - 10);
      if (pick === 2) return [true, false, null][Math.floor(random() * 3)];
      if (pick === 3) return Math.floor(random() * 1000);
      if (pick === 4) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const entries = Array.from({ length: Math.floor(random() * 5) }, () => [
        random() < 0.2 ? ["time", "event_type", "event_sub_type", "fieldsMap"][Math.floor(random() * 4)]! : string(),
        value(depth + 1),
      ]);
      return Object.fromEntries(entries);
    };
    for (let n = 0; n < 1000; n++) {
      const text = JSON.stringify(
        { fieldsMap: value(0), records: [{ fieldsMap: value(1) }] },
        null,
        random() < 0.3 ? 1 : 0,
      );
      expect(expand(parseCatoReply(Buffer.from(text))), text).toEqual(JSON.parse(text));
    }
  });
});

describe("eventsFeedRecordOf", () => {
  const rawOf = (text: string) => rawRecords(parseCatoReply(Buffer.from(text)))[0]!;
  const textOf = (fieldsMap: unknown, time = "2026-11-28T22:13:20Z") => JSON.stringify(reply([{ time, fieldsMap }]));

  it("takes a compact fieldsMap with its time as Cato's bytes", () => {
    const fieldsMap = { event_type: "Security", event_sub_type: "IPS", time: "1764368000123", src_ip: "10.0.0.1" };
    const record = eventsFeedRecordOf({ time: "2026-11-28T22:13:20Z", fieldsMap: rawOf(textOf(fieldsMap)) });
    expect(Buffer.isBuffer(record!.json)).toBe(true);
    expect(record!.json.toString()).toBe(JSON.stringify(fieldsMap));
    expect(record).toMatchObject({ eventType: "Security", eventSubType: "IPS", timeMs: 1764368000123 });
  });

  it("adds time from the record's RFC 3339 time when the map lacks it, and drops whitespace", () => {
    const untimed = eventsFeedRecordOf({
      time: "2026-11-28T22:13:20Z",
      fieldsMap: rawOf(textOf({ event_type: "Connectivity" })),
    });
    expect(untimed).toEqual({
      json: JSON.stringify({ event_type: "Connectivity", time: String(Date.parse("2026-11-28T22:13:20Z")) }),
      eventType: "Connectivity",
      eventSubType: "",
      timeMs: Date.parse("2026-11-28T22:13:20Z"),
    });
    const pretty = JSON.stringify(reply([{ fieldsMap: { event_type: "Security", time: "5" } }]), null, 1);
    const spaced = eventsFeedRecordOf({ fieldsMap: rawOf(pretty) });
    expect(spaced!.json).toBe('{"event_type":"Security","time":"5"}');
  });
});
