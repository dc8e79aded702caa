import { describe, expect, it } from "vitest";
import { matchesEventFilter } from "@/lib/integrations/event-filter";

describe("matchesEventFilter", () => {
  it("passes everything without conditions", () => {
    expect(matchesEventFilter([], "System", "ApiKey")).toBe(true);
  });

  it("applies is, is_not, in and not_in, all of them together", () => {
    const filter = [
      { field: "event_type" as const, operator: "in" as const, values: ["Security", "Connectivity"] },
      { field: "event_sub_type" as const, operator: "is_not" as const, values: ["Internet Firewall"] },
    ];
    expect(matchesEventFilter(filter, "Security", "IPS")).toBe(true);
    expect(matchesEventFilter(filter, "Security", "Internet Firewall")).toBe(false);
    expect(matchesEventFilter(filter, "System", "ApiKey")).toBe(false);
    expect(matchesEventFilter([{ field: "event_type", operator: "is", values: ["System"] }], "System", "")).toBe(true);
    expect(
      matchesEventFilter([{ field: "event_sub_type", operator: "not_in", values: ["IPS", "RPF"] }], "Security", "RPF"),
    ).toBe(false);
  });
});
