import { describe, expect, it } from "vitest";
import { parseAuthorization, parseEventBatch, parseRawBatch, splitEnvelopes } from "@/lib/hec-receiver/protocol";

const indexes = new Set(["main", "cato"]);

describe("splitEnvelopes", () => {
  it("splits objects stacked back to back or separated by whitespace", () => {
    expect(splitEnvelopes('{"event":1}{"event":2}\n{"event":3}\r\n\t {"event":4}\n')).toEqual({
      parts: ['{"event":1}', '{"event":2}', '{"event":3}', '{"event":4}'],
      invalidAt: null,
    });
  });

  it("ignores braces and escaped quotes inside strings", () => {
    const tricky = String.raw`{"event":"}{ \"{\" \\"}`;
    const backslashes = String.raw`{"event":"ends with a backslash \\","x":{"y":"}"}}`;
    expect(splitEnvelopes(`${tricky}${backslashes}`).parts).toEqual([tricky, backslashes]);
  });

  it("stops at the first thing that is not a whole object", () => {
    expect(splitEnvelopes('{"event":1}, {"event":2}')).toEqual({ parts: ['{"event":1}'], invalidAt: 1 });
    expect(splitEnvelopes('[{"event":1}]')).toEqual({ parts: [], invalidAt: 0 });
    expect(splitEnvelopes('{"event":1}{"event":"cut')).toEqual({ parts: ['{"event":1}'], invalidAt: 1 });
    expect(splitEnvelopes('{"event":{"a":1}')).toEqual({ parts: [], invalidAt: 0 });
  });

  it("finds nothing in an empty or blank body", () => {
    expect(splitEnvelopes("")).toEqual({ parts: [], invalidAt: null });
    expect(splitEnvelopes(" \n ")).toEqual({ parts: [], invalidAt: null });
  });
});

describe("parseEventBatch", () => {
  it("keeps the envelopes before the first invalid one", () => {
    const batch = parseEventBatch('{"event":"a"}{"event":"b"}{"event":}{"event":"d"}', indexes);
    expect(batch.accepted).toEqual([{ event: "a" }, { event: "b" }]);
    expect(batch.reply).toEqual({
      status: 400,
      body: { text: "Invalid data format", code: 6, "invalid-event-number": 2 },
    });
  });

  it("accepts multi-value indexed fields but not nested ones", () => {
    expect(
      parseEventBatch('{"event":"a","fields":{"wins":["regionals","nationals"],"n":1}}', indexes).reply.body.code,
    ).toBe(0);
    expect(parseEventBatch('{"event":"a","fields":{"club":{"name":"glee"}}}', indexes).reply.body.code).toBe(15);
    expect(parseEventBatch('{"event":"a","fields":{"wins":[{"name":"x"}]}}', indexes).reply.body.code).toBe(15);
    expect(parseEventBatch('{"event":"a","fields":"club=glee"}', indexes).reply.body.code).toBe(15);
  });

  it("takes time as epoch seconds, as a number or a numeric string", () => {
    expect(
      parseEventBatch('{"event":"a","time":1764367445.5}{"event":"b","time":"1764367445"}', indexes).accepted,
    ).toHaveLength(2);
    expect(parseEventBatch('{"event":"a","time":"yesterday"}', indexes).reply.body).toMatchObject({
      code: 6,
      "invalid-event-number": 0,
    });
  });
});

describe("parseRawBatch", () => {
  it("makes one event per non-empty line with the query's metadata", () => {
    const batch = parseRawBatch("first line\r\n\nsecond line\n", { sourcetype: "cato:raw" }, indexes);
    expect(batch.accepted).toEqual([
      { sourcetype: "cato:raw", event: "first line" },
      { sourcetype: "cato:raw", event: "second line" },
    ]);
  });
});

describe("parseAuthorization", () => {
  it("reads the Splunk scheme in any case and tells a missing header from a malformed one", () => {
    expect(parseAuthorization("Splunk abc")).toEqual({ kind: "token", token: "abc" });
    expect(parseAuthorization("splunk  abc")).toEqual({ kind: "token", token: "abc" });
    expect(parseAuthorization(undefined)).toEqual({ kind: "missing" });
    expect(parseAuthorization("Bearer abc")).toEqual({ kind: "malformed" });
    expect(parseAuthorization("Splunk")).toEqual({ kind: "malformed" });
    expect(parseAuthorization("Splunk a b")).toEqual({ kind: "malformed" });
  });
});
