import { describe, expect, it } from "vitest";
import { formatBytes, formatLag, formatRecords, summariseDelivery } from "@/components/integrations/delivery-summary";
import type { TIntegration, TSourceDelivery } from "@/lib/integrations/schema";

function source(overrides: Partial<TSourceDelivery> = {}): TSourceDelivery {
  return {
    status: "healthy",
    statusDetail: "",
    deliveredRecords: 0,
    deliveredBytes: 0,
    setAsideRecords: 0,
    gapRecords: 0,
    lastDeliveredAt: null,
    lastErrorAt: null,
    nextAttemptAt: null,
    failingSince: null,
    pendingAcks: 0,
    lag: { records: 0, oldestAgeSeconds: null },
    ...overrides,
  };
}

function integration(delivery: TIntegration["delivery"]): TIntegration {
  return { delivery } as TIntegration;
}

describe("formatting", () => {
  it("counts records with a thousands separator and the right noun", () => {
    expect(formatRecords(1)).toBe("1 record");
    expect(formatRecords(12_345)).toBe("12,345 records");
  });

  it("gives bytes in the largest decimal unit", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(999)).toBe("999 bytes");
    expect(formatBytes(1_234)).toBe("1.2 kB");
    expect(formatBytes(5_600_000)).toBe("5.6 MB");
    expect(formatBytes(250_000_000_000)).toBe("250 GB");
  });

  it("gives the lag's age only when something is behind", () => {
    expect(formatLag({ records: 0, oldestAgeSeconds: null })).toBe("0 behind");
    expect(formatLag({ records: 1_200, oldestAgeSeconds: 8 })).toBe("1,200 behind · 8 s");
  });
});

describe("summariseDelivery", () => {
  it("adds up both sources and keeps the oldest undelivered age", () => {
    const summary = summariseDelivery(
      integration({
        events: source({ deliveredRecords: 12_000, deliveredBytes: 900, lag: { records: 1_000, oldestAgeSeconds: 8 } }),
        flows: source({ deliveredRecords: 345, deliveredBytes: 100, lag: { records: 200, oldestAgeSeconds: 30 } }),
      }),
    );
    expect(summary).toEqual({
      records: 12_345,
      bytes: 1_000,
      lag: { records: 1_200, oldestAgeSeconds: 30 },
      lastErrorAt: null,
    });
  });

  it("takes the last error of the failing sources only", () => {
    const summary = summariseDelivery(
      integration({
        events: source({ status: "healthy", lastErrorAt: "2025-11-28T12:05:00.000Z" }),
        flows: source({ status: "retrying", lastErrorAt: "2025-11-28T12:01:00.000Z" }),
      }),
    );
    expect(summary.lastErrorAt).toBe("2025-11-28T12:01:00.000Z");
  });

  it("knows no lag when no source reports one", () => {
    expect(summariseDelivery(integration({ events: source({ lag: null }) })).lag).toBeNull();
    expect(summariseDelivery(integration({})).lag).toBeNull();
  });
});
