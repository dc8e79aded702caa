import { describe, expect, it } from "vitest";
import { bucketDelivered, bucketLag, minuteOf, SERIES_MINUTES, seriesMinutes, sumSeries } from "@/lib/delivery/series";

// 2026-11-02T10:30:45Z: 45 s into its minute.
const NOW = Date.UTC(2026, 10, 2, 10, 30, 45);
const CURRENT = minuteOf(NOW);

describe("seriesMinutes", () => {
  it("gives the start of each of the last 60 minutes, oldest first, ending with the current one", () => {
    const minutes = seriesMinutes(NOW);
    expect(minutes).toHaveLength(SERIES_MINUTES);
    expect(minutes.at(-1)).toBe(Date.UTC(2026, 10, 2, 10, 30));
    expect(minutes[0]).toBe(Date.UTC(2026, 10, 2, 9, 31));
    expect(minutes.every((m, i) => i === 0 || m - minutes[i - 1]! === 60_000)).toBe(true);
  });
});

describe("bucketDelivered", () => {
  it("puts each minute's records in its bucket, oldest first, and zeros where nothing was delivered", () => {
    const buckets = bucketDelivered({ [CURRENT]: "12", [CURRENT - 1]: "5", [CURRENT - 59]: "7" }, NOW);
    expect(buckets).toHaveLength(60);
    expect(buckets[59]).toBe(12);
    expect(buckets[58]).toBe(5);
    expect(buckets[0]).toBe(7);
    expect(buckets.slice(1, 58).every((n) => n === 0)).toBe(true);
  });

  it("ignores minutes older than the last hour, from the future, and fields that are not minutes", () => {
    const buckets = bucketDelivered(
      {
        [CURRENT - 60]: "100",
        [CURRENT - 119]: "100",
        [CURRENT + 1]: "100",
        records: "9",
        "12.5": "9",
        [CURRENT]: "x",
      },
      NOW,
    );
    expect(buckets).toEqual(new Array(60).fill(0));
  });
});

describe("bucketLag", () => {
  it("keeps the sampled minutes and leaves the others null, so a chart can show the gap", () => {
    const buckets = bucketLag({ [CURRENT]: "0", [CURRENT - 2]: "340", [CURRENT - 60]: "9" }, NOW);
    expect(buckets).toHaveLength(60);
    expect(buckets[59]).toBe(0);
    expect(buckets[58]).toBeNull();
    expect(buckets[57]).toBe(340);
    expect(buckets.filter((n) => n !== null)).toHaveLength(2);
  });
});

describe("sumSeries", () => {
  it("adds the sources minute by minute", () => {
    expect(
      sumSeries([
        [1, 0, 3],
        [2, 5, 0],
      ]),
    ).toEqual([3, 5, 3]);
    expect(sumSeries([])).toEqual([]);
  });
});
