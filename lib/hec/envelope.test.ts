import { describe, expect, it } from "vitest";
import { buildEnvelope, hecTime, truncateRawData } from "@/lib/hec/envelope";

const record = { event_type: "Security", event_sub_type: "IPS", time: "1764368000123", flow_id: "f1" };
const json = JSON.stringify(record);
const options = { source: "events" as const, index: null, maxEventBytes: 5_000_000 };

describe("HEC envelope", () => {
  it("carries time in seconds with the fraction, host, source, sourcetype and the record unchanged", () => {
    const envelope = JSON.parse(buildEnvelope(json, options)) as Record<string, unknown>;
    expect(envelope).toEqual({
      time: 1764368000.123,
      host: "cato-sase",
      source: "cato_networks",
      sourcetype: "cato:events",
      event: record,
    });
    expect(buildEnvelope(json, options)).toContain(`"event":${json}}`);
  });

  it("sets the index only when the integration has one, and flows get their sourcetype", () => {
    const envelope = JSON.parse(buildEnvelope(json, { ...options, source: "flows", index: "cato_flows" })) as Record<
      string,
      unknown
    >;
    expect(envelope).toMatchObject({ index: "cato_flows", sourcetype: "cato:flows" });
    expect(JSON.parse(buildEnvelope(json, options))).not.toHaveProperty("index");
  });

  it("carries the integration's host, source and sourcetype when it sets them, escaped as JSON", () => {
    const custom = { ...options, host: 'sase "paris"', hecSource: "cato\\prod", sourcetype: "cato_json_events" };
    const envelope = JSON.parse(buildEnvelope(json, custom)) as Record<string, unknown>;
    expect(envelope).toEqual({
      time: 1764368000.123,
      host: 'sase "paris"',
      source: "cato\\prod",
      sourcetype: "cato_json_events",
      event: record,
    });
    const flows = JSON.parse(buildEnvelope(json, { ...options, source: "flows", sourcetype: "cato_json_flows" }));
    expect(flows).toMatchObject({ host: "cato-sase", source: "cato_networks", sourcetype: "cato_json_flows" });
  });

  it("reads time only from the time field, not from values that mention it", () => {
    expect(hecTime(JSON.stringify({ event_message: '"time":"999"', time: "1764368000005" }))).toBe("1764368000.005");
    expect(hecTime(JSON.stringify({ event_message: ',"time":"999"' }))).toBeNull();
    expect(hecTime(JSON.stringify({ time: "42" }))).toBe("0.042");
    // A native flow record with only time_str (RFC 3339); time wins when both are there.
    expect(hecTime(JSON.stringify({ flow_id: "1", time_str: "2026-03-02T10:43:11Z" }))).toBe("1772448191.000");
    expect(hecTime(JSON.stringify({ time_str: "2026-03-02T12:43:11.5+02:00" }))).toBe("1772448191.500");
    expect(hecTime(JSON.stringify({ time_str: "2026-03-02T10:43:11Z", time: "1764368000005" }))).toBe("1764368000.005");
  });

  it("reads the same time from a record's UTF-8 bytes as from its text", () => {
    const records = [
      JSON.stringify({ event_message: '"time":"999"', time: "1764368000005" }),
      JSON.stringify({ event_message: ',"time":"999"' }),
      JSON.stringify({ time: "42" }),
      JSON.stringify({ site: "Zürich 東京 \u{1F512}", time: "1764368000123" }),
      JSON.stringify({ time: "soon", later: { time: "1764368000001" } }),
      JSON.stringify({ flow_id: "1", time_str: "2026-03-02T10:43:11Z" }),
      JSON.stringify({ time_str: "2026-03-02T12:43:11.123456789+02:00" }),
      JSON.stringify({ time_str: "2026-03-02T10:43:11Z", time: "1764368000005" }),
      '{"time":"2026-11-29T00:52:37.123Z","details":{"time":"2020-01-01T00:00:00.000Z"}}',
      '{"time":"2026-13-45T00:00:00Z"}',
      '{"time":"12345678901234567"}',
      '"time":"1764368000005"',
      "{}",
    ];
    for (const json of records) expect(hecTime(Buffer.from(json)), json).toBe(hecTime(json));
    expect(hecTime(Buffer.from(records[3]!))).toBe("1764368000.123");
    expect(hecTime(Buffer.from(records[4]!))).toBe("1764368000.001");
    // An envelope of bytes is the envelope of the same text.
    for (const json of records) expect(buildEnvelope(Buffer.from(json), options)).toBe(buildEnvelope(json, options));
  });

  it("gives audit records sourcetype cato:audit and reads their ISO time, not a time in their details", () => {
    const audit = JSON.stringify({
      audit_id: "a1",
      time: "2026-11-29T00:52:37.123Z",
      action: "integration.updated",
      details: { time: "2020-01-01T00:00:00.000Z" },
    });
    const envelope = JSON.parse(buildEnvelope(audit, { ...options, source: "audit" })) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      time: Date.parse("2026-11-29T00:52:37.123Z") / 1000,
      sourcetype: "cato:audit",
      event: JSON.parse(audit),
    });
    expect(hecTime('{"time":"2026-11-29T00:52:37Z"}')).toBe(`${Date.parse("2026-11-29T00:52:37Z") / 1000}.000`);
    expect(hecTime('{"time":"2026-13-45T00:00:00Z"}')).toBeNull();
  });

  it("leaves time out when the record has none, so Splunk stamps it on arrival", () => {
    expect(JSON.parse(buildEnvelope('{"event_type":"System"}', options))).not.toHaveProperty("time");
  });

  it("cuts raw_data over the limit, marks it in indexed fields, and keeps every other field", () => {
    const big = JSON.stringify({ ...record, event_type: "Detection and Response", raw_data: "é".repeat(60_000) });
    const envelope = buildEnvelope(big, { ...options, maxEventBytes: 50_000 });
    const parsed = JSON.parse(envelope) as { fields: Record<string, string>; event: Record<string, string> };
    expect(parsed.fields).toEqual({ raw_data_truncated: "true", raw_data_original_bytes: "120000" });
    expect(Buffer.byteLength(JSON.stringify(parsed.event))).toBeLessThanOrEqual(50_000);
    expect(parsed.event.raw_data!.length).toBeGreaterThan(20_000);
    expect(parsed.event.flow_id).toBe("f1");
    expect(parsed.event.raw_data!.endsWith("\uFFFD")).toBe(false);
  });

  it("does not cut a record under the limit, nor one without raw_data", () => {
    const small = JSON.stringify({ ...record, raw_data: "x".repeat(1000) });
    expect(buildEnvelope(small, options)).not.toContain("raw_data_truncated");
    expect(truncateRawData(JSON.stringify({ ...record, other: "y".repeat(100) }), 10)).toBeNull();
  });
});
