import { describe, expect, it } from "vitest";
import { cutRecord, cutToBytes, jsonBytes } from "@/lib/feeds/record-cut";

const limits = { maxValueChars: 2000, maxBytes: 9 * 1024 };

describe("cutRecord", () => {
  it("leaves a small record as it is", () => {
    const record = { event_type: "Security", time: "1764368000000", action: "Block" };
    expect(cutRecord(record, limits)).toEqual({ record, isCut: false, isCutBesidesRawData: false });
  });

  it("bounds a wide record by bytes, keeping the fields a reader looks at first", () => {
    const record: Record<string, string> = {};
    for (let f = 0; f < 990; f++) record[`field_${f}`] = "v".repeat(1999);
    Object.assign(record, { event_type: "Security", time: "1764368000000", raw_data: "r".repeat(50_000) });
    const { record: cut, isCut, isCutBesidesRawData } = cutRecord(record, limits);
    expect(isCut).toBe(true);
    expect(isCutBesidesRawData).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(limits.maxBytes);
    expect(cut.event_type).toBe("Security");
    expect(cut.time).toBe("1764368000000");
    expect(cut.raw_data).toBe("r".repeat(2000));
    // Every kept value is the start of the original.
    for (const [key, value] of Object.entries(cut)) expect(record[key]!.startsWith(value)).toBe(true);
  });

  it("counts escaped and multi-byte characters, and leaves out over-long field names", () => {
    const record: Record<string, string> = { event_type: "Security" };
    for (let f = 0; f < 50; f++) record[`${f % 2 ? "n".repeat(5000) : "k"}${f}`] = "\u0001é😀".repeat(1000);
    const { record: cut } = cutRecord(record, limits);
    expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(limits.maxBytes);
    expect(Object.keys(cut).some((key) => key.length > 300)).toBe(false);
    expect(Object.keys(cut).length).toBeGreaterThan(1);
    // No value ends in half a surrogate pair.
    for (const value of Object.values(cut)) expect(value).toBe(value.toWellFormed());
  });

  it("tells a cut of raw_data alone apart", () => {
    const record = { event_type: "Detection and Response", time: "1", raw_data: "r".repeat(5000) };
    expect(cutRecord(record, limits)).toMatchObject({ isCut: true, isCutBesidesRawData: false });
  });

  it("keeps a field named __proto__ as a field", () => {
    const record = JSON.parse('{"__proto__":"x","event_type":"Security"}') as Record<string, string>;
    const { record: cut } = cutRecord(record, limits);
    expect(JSON.parse(JSON.stringify(cut))).toEqual(record);
  });
});

describe("cutToBytes", () => {
  it("cuts to the longest start that fits", () => {
    expect(cutToBytes("abcdef", 5)).toBe("abc");
    expect(jsonBytes(cutToBytes("é".repeat(100), 50))).toBeLessThanOrEqual(50);
    expect(cutToBytes("😀😀", 7)).toBe("😀");
  });
});
