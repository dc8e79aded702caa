import { describe, expect, it } from "vitest";
import type { Integration } from "@/lib/generated/prisma/client";
import { serializeIntegration } from "@/lib/integrations/serializer";

const row: Integration = {
  id: "7f1e3c1a-0000-4000-8000-000000000001",
  accountId: "default",
  app: "splunk",
  auth: "api_key",
  name: "SOC Splunk",
  nameKey: "soc splunk",
  description: "Prod",
  ingestionUrl: "https://s.example.com:443",
  tokenCiphertext: "v1.aaaa.bbbb.cccc",
  tokenHint: "5a6b",
  index: "cato",
  events: true,
  flows: true,
  eventFilter: [{ field: "event_type", operator: "in", values: ["Security"] }],
  errorEvents: false,
  status: "pending",
  statusDetail: "",
  createdAt: new Date("2026-11-01T10:00:00Z"),
  updatedAt: new Date("2026-11-02T10:00:00Z"),
};

describe("serializeIntegration", () => {
  it("gives the API shape with the hint and never the ciphertext", () => {
    const out = serializeIntegration(row);
    expect(out).toEqual({
      id: row.id,
      app: "splunk",
      auth: "api_key",
      name: "SOC Splunk",
      description: "Prod",
      ingestionUrl: "https://s.example.com:443",
      apiKeyHint: "5a6b",
      index: "cato",
      events: true,
      flows: true,
      eventFilter: [{ field: "event_type", operator: "in", values: ["Security"] }],
      errorEvents: false,
      status: "pending",
      statusDetail: "",
      createdAt: "2026-11-01T10:00:00.000Z",
      updatedAt: "2026-11-02T10:00:00.000Z",
    });
    expect(JSON.stringify(out)).not.toContain("v1.aaaa");
    expect(out).not.toHaveProperty("nameKey");
  });

  it("turns a stored filter it cannot read into no filter rather than failing the list", () => {
    expect(serializeIntegration({ ...row, eventFilter: { broken: true } }).eventFilter).toEqual([]);
  });
});
