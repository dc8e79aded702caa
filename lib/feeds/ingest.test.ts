import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { feedParser, parseFeedRecords } from "@/lib/feeds/ingest";

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
