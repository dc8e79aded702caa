import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { feedParser, isStringifiedForm, parseFeedRecords, toNewRecord } from "@/lib/feeds/ingest";

const events = [
  {
    event_type: "Security",
    event_sub_type: "IPS",
    time: "1764368000000",
    note: 'quote " and \\ slash, [brackets] {braces}',
  },
  { event_type: "System", time: "1764368000001", note: "ends in a backslash \\" },
  { event_type: "Security", time: "1764368000002", note: "ünïcode ✓ and , comma" },
];

/** Feeds `text` to a parser in pieces of `size` characters. */
function inPieces(text: string, size: number, ndjson = false) {
  const parser = feedParser("events", ndjson);
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  out.push(...parser.end());
  return out.map((record) => JSON.parse(record.json) as unknown);
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("nothing was thrown");
}

describe("feedParser", () => {
  it("finds every record of a JSON array however the body is cut into pieces", () => {
    const body = ` [ ${events.map((e) => JSON.stringify(e, null, 1)).join(" ,\n")} ] \n`;
    for (const size of [1, 2, 3, 7, 64, body.length]) expect(inPieces(body, size)).toEqual(events);
  });

  it("finds every NDJSON line however the body is cut into pieces", () => {
    const body = `${events.map((e) => JSON.stringify(e)).join("\n\n")}\r\n`;
    for (const size of [1, 5, 33, body.length]) expect(inPieces(body, size, true)).toEqual(events);
  });

  it("keeps only the record being read, not the body", () => {
    const parser = feedParser("events", false);
    const record = JSON.stringify(events[0]);
    expect(parser.push("[")).toEqual([]);
    let completed = 0;
    for (let i = 0; i < 1000; i++) completed += parser.push(`${i === 0 ? "" : ","}${record}`).length;
    completed += parser.push("]").length + parser.end().length;
    expect(completed).toBe(1000);
  });

  it.each([
    ["[", "not closed"],
    ['[{"a":"b"}', "not closed"],
    ['[{"a":"b"},]', 'unexpected "]"'],
    ['[{"a":"b"} {"c":"d"}]', 'expected "," or "]"'],
    ['[{"a":"b"}] x', "nothing may follow"],
    ['[{"a":b}]', "Record 0 is not valid JSON"],
    ["", "empty"],
    ["x", "must start with ["],
  ])("answers 400 for %j, saying where (%s)", (body, words) => {
    const error = thrown(() => parseFeedRecords("events", body, "application/json"));
    expect(error.status).toBe(400);
    expect(error.message).toContain(words);
  });

  it("answers 422 for a JSON object, an empty array, and invalid records, counting them all", () => {
    expect(thrown(() => parseFeedRecords("events", '{"a":"b"}', "application/json")).status).toBe(422);
    expect(thrown(() => parseFeedRecords("events", "[ ]", "application/json")).message).toContain("no records");
    const body = JSON.stringify([events[0], { event_type: "x" }, events[1], { time: "1" }]);
    const error = thrown(() => parseFeedRecords("events", body, "application/json"));
    expect(error.status).toBe(422);
    expect(error.message).toContain("2 of 4 records are invalid");
    expect(error.invalidParams.map((p) => p.name)).toEqual(["records[1]", "records[3]"]);
  });

  it("returns no more records once one was invalid, so nothing is half-appended", () => {
    const parser = feedParser("events", true);
    expect(parser.push(`${JSON.stringify(events[0])}\n`)).toHaveLength(1);
    expect(parser.push(`{"event_type":"x"}\n${JSON.stringify(events[1])}\n`)).toEqual([]);
    expect(() => parser.end()).toThrow(/1 of 3 records are invalid/);
  });

  it("names the line of broken NDJSON", () => {
    const error = thrown(() =>
      parseFeedRecords("events", `${JSON.stringify(events[0])}\n\n{oops\n`, "application/x-ndjson"),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain("Line 3 (record 1)");
  });
});

describe("flow records", () => {
  it("take time (epoch ms) or time_str (RFC 3339), and are kept unchanged", () => {
    const flows = [
      { flow_id: "657139225934734848", time: "1764368000123" },
      { flow_id: "657139225934734849", time_str: "2026-03-02T10:43:11Z", is_flow_terminated: "true" },
      { flow_id: "657139225934734850", time_str: "2026-03-02T12:43:11.250+02:00" },
    ];
    const records = parseFeedRecords("flows", JSON.stringify(flows), "application/json");
    expect(records.map((r) => r.json)).toEqual(flows.map((f) => JSON.stringify(f)));
  });

  it("are refused without either time, or with a time_str that is not RFC 3339, naming the field", () => {
    const body = JSON.stringify([
      { flow_id: "1" },
      { flow_id: "2", time_str: "02/03/2026 10:43" },
      { flow_id: "3", time_str: "2026-13-45T99:99:99Z" },
    ]);
    const error = thrown(() => parseFeedRecords("flows", body, "application/json"));
    expect(error.status).toBe(422);
    expect(error.invalidParams.map((p) => p.reason)).toEqual([
      "Record 0 field time or time_str is required",
      "Record 1 field time_str must be an RFC 3339 time such as 2026-03-02T10:43:11Z",
      "Record 2 field time_str must be an RFC 3339 time such as 2026-03-02T10:43:11Z",
    ]);
  });
});

/** Feeds `bytes` to a parser through a streaming UTF-8 decoder, cut at `cuts` (byte offsets). */
function inByteCuts(bytes: Uint8Array, cuts: number[], ndjson = false) {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parser = feedParser("events", ndjson);
  const out = [];
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    const text = decoder.decode(bytes.subarray(from, to), { stream: true });
    if (text !== "") out.push(...parser.push(text));
    from = to;
  }
  out.push(...parser.push(decoder.decode()));
  out.push(...parser.end());
  return out;
}

describe("record boundaries", () => {
  const tricky = [
    { event_type: "Security", time: "1764368000000", note: 'a "quoted" ] } , [ { word' },
    { event_type: "Système ✓", time: "1764368000001", note: '€ and 𝄞 (4 bytes), \\ and \\" ' },
    { event_type: "Security", time: "1764368000002", note: "ends in a backslash \\" },
  ];

  it("are found whatever byte a chunk ends at, multibyte characters included", () => {
    const body = new TextEncoder().encode(` [\n ${tricky.map((e) => JSON.stringify(e)).join(" ,\r\n\t")} \n] `);
    for (let cut = 0; cut <= body.length; cut++) {
      const records = inByteCuts(body, [cut]);
      expect(records.map((r) => JSON.parse(r.json) as unknown)).toEqual(tricky);
      expect(records.map((r) => r.json)).toEqual(tricky.map((e) => JSON.stringify(e)));
    }
  });

  it("are found in NDJSON whatever byte a chunk ends at", () => {
    const body = new TextEncoder().encode(`${tricky.map((e) => JSON.stringify(e)).join("\r\n\n")}\n`);
    for (let cut = 0; cut <= body.length; cut++) {
      expect(inByteCuts(body, [cut], true).map((r) => r.json)).toEqual(tricky.map((e) => JSON.stringify(e)));
    }
  });

  it("are found when every byte arrives alone", () => {
    const body = new TextEncoder().encode(JSON.stringify(tricky));
    const cuts = Array.from({ length: body.length - 1 }, (_, i) => i + 1);
    expect(inByteCuts(body, cuts).map((r) => r.json)).toEqual(tricky.map((e) => JSON.stringify(e)));
  });

  it("step over nested arrays and objects, and refuse them by field", () => {
    const body = `[{"event_type":"S","time":"1","deep":{"a":["]",{"b":"}"}],"c":"["}},${JSON.stringify(events[0])}]`;
    for (const size of [1, 3, body.length]) {
      const parser = feedParser("events", false);
      for (let i = 0; i < body.length; i += size) expect(parser.push(body.slice(i, i + size))).toEqual([]);
      const error = thrown(() => parser.end());
      expect(error.status).toBe(422);
      expect(error.message).toContain("1 of 2 records are invalid");
      expect(error.invalidParams).toEqual([
        {
          name: "records[0]",
          reason: 'Record 0 field "deep" must be a string, not an object (Cato records are flat maps of strings)',
        },
      ]);
    }
  });

  it.each([
    ['[{"a":"b"}] ]', "nothing may follow"],
    ['[{"a":"b"}]{}', "nothing may follow"],
    ['[{"a":"b"},{"c":"d"}', "not closed"],
    ['[{"a":"b"},{"c":"d', "not closed"],
    ['[{"a":"b"},{"c":"d"},', "not closed"],
    ['[{"a":"b\\"}]', "not closed"],
  ])("answers 400 for trailing garbage or an unterminated array: %j (%s)", (body, words) => {
    for (const size of [1, body.length]) {
      const error = thrown(() => {
        const parser = feedParser("events", false);
        for (let i = 0; i < body.length; i += size) parser.push(body.slice(i, i + size));
        parser.end();
      });
      expect(error.status).toBe(400);
      expect(error.message).toContain(words);
    }
  });
});

describe("stored text", () => {
  const record = { event_type: "Security", time: "1764368000000", note: "x" };

  it.each([
    ["spaces", '{ "event_type": "Security", "time": "1764368000000", "note": "x" }'],
    ["a tab", '{"event_type":"Security",\t"time":"1764368000000","note":"x"}'],
    ["a duplicate key", '{"event_type":"Security","time":"1764368000000","note":"y","note":"x"}'],
    ["an integer key", '{"event_type":"Security","time":"1764368000000","7":"x"}'],
    ["a \\u escape", '{"event_type":"Security","time":"1764368000000","note":"\\u0078"}'],
    ["a \\/ escape", '{"event_type":"Security","time":"1764368000000","note":"a\\/b"}'],
    ["a control character escape", '{"event_type":"Security","time":"1764368000000","note":"\\u0001"}'],
    ["a lone surrogate", '{"event_type":"Security","time":"1764368000000","note":"\\ud800"}'],
    ["a raw lone surrogate", '{"event_type":"Security","time":"1764368000000","note":"\ud800"}'],
  ])("is written again by JSON.stringify when the record came with %s", (_, text) => {
    const parsed = JSON.parse(text) as Record<string, string>;
    expect(isStringifiedForm(text, Object.keys(parsed))).toBe(false);
    for (const ndjson of [false, true]) {
      const [stored] = parseFeedRecords(
        "events",
        ndjson ? text : `[${text}]`,
        ndjson ? "application/x-ndjson" : "application/json",
      );
      expect(stored!.json).toBe(JSON.stringify(parsed));
    }
  });

  it("is the text as it came when JSON.stringify would write the same", () => {
    const texts = [
      JSON.stringify(record),
      JSON.stringify({ ...record, note: 'quote " slash \\ tab \t newline \n cr \r bs \b ff \f' }),
      JSON.stringify({ ...record, note: "ünïcode ✓ 𝄞 \u2028" }),
      JSON.stringify({ ...record, "": "empty key", note: "{}[],:" }),
      JSON.stringify({ ...record, 'k"ey': "v", x1: "after a quoted key" }),
    ];
    for (const text of texts) {
      const parsed = JSON.parse(text) as Record<string, string>;
      expect(isStringifiedForm(text, Object.keys(parsed))).toBe(true);
      expect(toNewRecord("events", parsed, text).json).toBe(text);
    }
  });

  it("is always JSON.stringify's form, whatever the record's text looks like", () => {
    // Pseudo-random records, written in many ways: the stored text must never differ from JSON.stringify's.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ["a", "time", "7", "0", '"', "\\", "\n", "\u0001", "é", "𝄞", " ", ",", ":", "{", "]", "/"];
    const word = () => Array.from({ length: random(4) }, () => pieces[random(pieces.length)]).join("");
    for (let i = 0; i < 2000; i++) {
      const entries = Array.from({ length: 1 + random(4) }, () => [word(), word()] as const);
      const text = `{${entries
        .map(([k, v]) => {
          const key = random(5) === 0 ? `"${k.replace(/[^a-z]/g, "")}\\u0061"` : JSON.stringify(k);
          const value = random(5) === 0 ? JSON.stringify(v).replace(/\//g, "\\/") : JSON.stringify(v);
          return `${key}${random(6) === 0 ? " : " : ":"}${value}`;
        })
        .join(random(6) === 0 ? ", " : ",")}}`;
      const parsed = JSON.parse(text) as Record<string, string>;
      expect(toNewRecord("flows", parsed, text).json).toBe(JSON.stringify(parsed));
    }
  });
});
