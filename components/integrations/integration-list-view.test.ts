import { describe, expect, it } from "vitest";
import { ingestionHost, matchesSearch, viewIntegrations } from "@/components/integrations/integration-list-view";

const base = { description: "", ingestionUrl: "https://http-inputs-acme.splunkcloud.com:443", lastDeliveredAt: null };
const rows = [
  { ...base, name: "bravo", status: "healthy" as const, lastDeliveredAt: "2026-11-30T10:00:00Z" },
  { ...base, name: "Alpha", status: "error" as const, description: "Paris office" },
  { ...base, name: "charlie", status: "retrying" as const, lastDeliveredAt: "2026-11-30T09:00:00Z" },
  { ...base, name: "delta", status: "paused" as const, ingestionUrl: "https://hec.example.com:8088" },
];
const names = (list: { name: string }[]) => list.map((row) => row.name);

describe("ingestionHost", () => {
  it("shows the host, and the port only when it is not the default", () => {
    expect(ingestionHost("https://http-inputs-acme.splunkcloud.com:443")).toBe("http-inputs-acme.splunkcloud.com");
    expect(ingestionHost("https://hec.example.com:8088")).toBe("hec.example.com:8088");
  });
});

describe("matchesSearch", () => {
  it("finds words in the name, the description and the Ingestion URL, in any case", () => {
    expect(matchesSearch(rows[1]!, "PARIS")).toBe(true);
    expect(matchesSearch(rows[3]!, "hec.example")).toBe(true);
    expect(matchesSearch(rows[1]!, "alpha office")).toBe(true);
    expect(matchesSearch(rows[1]!, "alpha london")).toBe(false);
    expect(matchesSearch(rows[0]!, "  ")).toBe(true);
  });
});

describe("viewIntegrations", () => {
  it("keeps the API's order unless asked to sort", () => {
    expect(names(viewIntegrations(rows, "", null))).toEqual(["bravo", "Alpha", "charlie", "delta"]);
  });

  it("sorts by name ignoring case, both ways", () => {
    expect(names(viewIntegrations(rows, "", { key: "name", direction: "ascending" }))).toEqual([
      "Alpha",
      "bravo",
      "charlie",
      "delta",
    ]);
    expect(names(viewIntegrations(rows, "", { key: "name", direction: "descending" }))).toEqual([
      "delta",
      "charlie",
      "bravo",
      "Alpha",
    ]);
  });

  it("puts the most urgent status first", () => {
    expect(names(viewIntegrations(rows, "", { key: "status", direction: "ascending" }))).toEqual([
      "Alpha",
      "charlie",
      "delta",
      "bravo",
    ]);
  });

  it("sorts by last delivery with never-delivered as the oldest", () => {
    expect(names(viewIntegrations(rows, "", { key: "lastDelivered", direction: "descending" }))).toEqual([
      "bravo",
      "charlie",
      "Alpha",
      "delta",
    ]);
  });

  it("filters before sorting and does not change the list it was given", () => {
    const before = names(rows);
    expect(names(viewIntegrations(rows, "splunkcloud", { key: "name", direction: "ascending" }))).toEqual([
      "Alpha",
      "bravo",
      "charlie",
    ]);
    expect(names(rows)).toEqual(before);
  });
});
