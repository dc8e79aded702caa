import { describe, expect, it } from "vitest";
import { formatAge, formatLocalTime, formatRelativeTime } from "@/components/ui/format-time";

const NOW = Date.parse("2025-11-28T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("formatRelativeTime", () => {
  it("says how long ago in the largest whole unit", () => {
    expect(formatRelativeTime(ago(2_000), NOW)).toBe("just now");
    expect(formatRelativeTime(ago(45_000), NOW)).toBe("45 seconds ago");
    expect(formatRelativeTime(ago(150_000), NOW)).toBe("2 minutes ago");
    expect(formatRelativeTime(ago(3 * 3_600_000 + 59_000), NOW)).toBe("3 hours ago");
  });

  it("speaks of the future for times ahead, such as the next attempt", () => {
    expect(formatRelativeTime(ago(-30_000), NOW)).toBe("in 30 seconds");
    expect(formatRelativeTime(ago(-61_000), NOW)).toBe("in 1 minute");
  });

  it("gives the local date and time past a day", () => {
    const old = ago(3 * 24 * 3_600_000);
    expect(formatRelativeTime(old, NOW)).toBe(formatLocalTime(old));
  });
});

describe("formatAge", () => {
  it("uses a short unit and drops a zero remainder", () => {
    expect(formatAge(0)).toBe("0 s");
    expect(formatAge(8.4)).toBe("8 s");
    expect(formatAge(180)).toBe("3 min");
    expect(formatAge(7_200)).toBe("2 h");
    expect(formatAge(7_500)).toBe("2 h 5 min");
    expect(formatAge(3 * 86_400 + 4 * 3_600)).toBe("3 d 4 h");
  });
});
