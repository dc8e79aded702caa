import { describe, expect, it } from "vitest";
import { compareMarkers, isMarker, markerSeq, parseMarker } from "@/lib/feeds/marker";

describe("markers", () => {
  it("parses time and sequence", () => {
    expect(parseMarker("1764368000000-42")).toEqual({ ms: 1764368000000, seq: 42 });
    expect(markerSeq("0-0")).toBe(0);
    expect(parseMarker("999999999999999-999999999999999")).toEqual({ ms: 999999999999999, seq: 999999999999999 });
  });

  it.each([
    "",
    "abc",
    "1-",
    "-1",
    "1-2-3",
    "1764368000000-42 ",
    "99999999999999999-1",
    "1-1234567890123456",
    "1234567890123456-1",
    "1 -2",
    "١-2",
    "+1-2",
  ])("refuses %j", (value) => {
    expect(isMarker(value)).toBe(false);
  });

  it("orders by number, not by string", () => {
    expect(compareMarkers("1000-10", "1000-9")).toBeGreaterThan(0);
    expect(compareMarkers("999-50", "1000-1")).toBeLessThan(0);
    expect(compareMarkers("1000-5", "1000-5")).toBe(0);
  });
});
