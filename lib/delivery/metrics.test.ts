import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_SECONDS, parseDeliveryMetrics } from "@/lib/delivery/metrics";

describe("parseDeliveryMetrics", () => {
  it("turns a stored hash into totals, requests by reply and latency buckets", () => {
    const parsed = parseDeliveryMetrics({
      records: "12",
      bytes: "34000",
      retries: "2",
      set_aside: "1",
      "requests:200:0": "3",
      "requests:503:9": "2",
      "requests:none:none": "1",
      "latency_le:0.1": "2",
      "latency_le:+Inf": "1",
      // A bound no longer configured counts in the next larger one.
      "latency_le:0.07": "4",
      latency_sum_ms: "61234",
    });
    expect(parsed).toMatchObject({ records: 12, bytes: 34000, retries: 2, setAside: 1 });
    expect(parsed.requests).toEqual([
      { httpStatus: "200", hecCode: "0", count: 3 },
      { httpStatus: "503", hecCode: "9", count: 2 },
      { httpStatus: "none", hecCode: "none", count: 1 },
    ]);
    const buckets = new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0);
    buckets[LATENCY_BUCKETS_SECONDS.indexOf(0.1)] = 6;
    buckets[LATENCY_BUCKETS_SECONDS.length] = 1;
    expect(parsed.latency).toEqual({ buckets, sumSeconds: 61.234, count: 7 });
  });

  it("reads a missing hash as zeros", () => {
    expect(parseDeliveryMetrics({})).toMatchObject({
      records: 0,
      bytes: 0,
      retries: 0,
      setAside: 0,
      requests: [],
      latency: { sumSeconds: 0, count: 0 },
    });
  });
});
