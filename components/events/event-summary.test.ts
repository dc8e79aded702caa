import { describe, expect, it } from "vitest";
import { eventDate, summarizeEvent } from "@/components/events/event-summary";

describe("summarizeEvent", () => {
  it("reads a firewall event as verdict, traffic, who and where, and message", () => {
    expect(
      summarizeEvent({
        event_type: "Security",
        action: "Block",
        rule_name: "Block gambling",
        src_ip: "10.0.0.5",
        dest_ip: "203.0.113.7",
        dest_port: "443",
        user_name: "Dana Levi",
        src_site_name: "Tel Aviv",
        pop_name: "Frankfurt_DC2",
        event_message: "Blocked by policy",
      }),
    ).toEqual([
      "Block · Rule: Block gambling",
      "10.0.0.5 → 203.0.113.7:443",
      "Dana Levi · Tel Aviv · PoP Frankfurt_DC2",
      "Blocked by policy",
    ]);
  });

  it("leaves out the lines whose fields the record lacks", () => {
    expect(summarizeEvent({ event_type: "Connectivity", src_site_name: "London", event_message: "Connected" })).toEqual(
      ["London", "Connected"],
    );
    expect(summarizeEvent({ event_type: "Security", dest_ip: "198.51.100.1", threat_name: "EICAR" })).toEqual([
      "To 198.51.100.1",
      "Threat: EICAR",
    ]);
    expect(summarizeEvent({ event_type: "System", action: "  ", src_ip: "10.1.1.1" })).toEqual(["From 10.1.1.1"]);
    expect(summarizeEvent({ event_type: "Routing" })).toEqual([]);
  });
});

describe("eventDate", () => {
  it("reads epoch milliseconds and rejects anything else", () => {
    expect(eventDate({ time: "1764368000000" })?.toISOString()).toBe("2025-11-28T22:13:20.000Z");
    expect(eventDate({ time: "2025-11-28" })).toBeNull();
    expect(eventDate({})).toBeNull();
  });
});
