import { describe, expect, it } from "vitest";
import type { Delivery } from "@/lib/generated/prisma/client";
import { serializeIntegration, type TIntegrationRow } from "@/lib/integrations/serializer";

const row: TIntegrationRow = {
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
  audit: false,
  eventFilter: [{ field: "event_type", operator: "in", values: ["Security"] }],
  errorEvents: false,
  indexerAck: false,
  paused: false,
  hecHost: "sase-paris",
  hecSource: "cato_networks",
  sourcetypeEvents: "cato_json_events",
  sourcetypeFlows: "cato:flows",
  sourcetypeAudit: "cato:audit",
  createdAt: new Date("2026-11-01T10:00:00Z"),
  updatedAt: new Date("2026-11-02T10:00:00Z"),
  deliveries: [],
};

function delivery(source: string, overrides: Partial<Delivery> = {}): Delivery {
  return {
    integrationId: row.id,
    source,
    marker: "1-1",
    status: "pending",
    statusDetail: "",
    deliveredRecords: 0n,
    deliveredBytes: 0n,
    setAsideRecords: 0,
    gapRecords: 0n,
    failures: 0,
    lastDeliveredAt: null,
    lastErrorAt: null,
    lastErrorEventAt: null,
    nextAttemptAt: null,
    channel: "0f8b8a52-6a55-4f57-9a3e-2d1c9b7e4a10",
    pendingAcks: [],
    failingSince: null,
    updatedAt: new Date("2026-11-02T10:00:00Z"),
    ...overrides,
  };
}

describe("serializeIntegration", () => {
  it("gives the API shape with the hint and never the ciphertext", () => {
    const out = serializeIntegration(row);
    expect(out).toMatchObject({
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
      paused: false,
      hecHost: "sase-paris",
      hecSource: "cato_networks",
      sourcetypes: { events: "cato_json_events", flows: "cato:flows", audit: "cato:audit" },
      status: "pending",
      statusDetail: "",
      lastDeliveredAt: null,
      delivery: {},
      deliveredPerMinute: [],
      createdAt: "2026-11-01T10:00:00.000Z",
      updatedAt: "2026-11-02T10:00:00.000Z",
    });
    expect(JSON.stringify(out)).not.toContain("v1.aaaa");
    expect(out).not.toHaveProperty("nameKey");
    expect(out).not.toHaveProperty("tokenCiphertext");
  });

  it("turns a stored filter it cannot read into no filter rather than failing the list", () => {
    expect(serializeIntegration({ ...row, eventFilter: { broken: true } }).eventFilter).toEqual([]);
  });

  it("reports counts and lag per data source, and the newest delivery", () => {
    const out = serializeIntegration(
      {
        ...row,
        deliveries: [
          delivery("events", {
            status: "healthy",
            deliveredRecords: 1200n,
            deliveredBytes: 1_800_000n,
            lastDeliveredAt: new Date("2026-11-02T11:00:00Z"),
          }),
          delivery("flows", {
            status: "healthy",
            deliveredRecords: 5n,
            lastDeliveredAt: new Date("2026-11-02T12:00:00Z"),
          }),
        ],
      },
      { events: { records: 30, oldestAgeSeconds: 2 } },
    );
    expect(out.status).toBe("healthy");
    expect(out.lastDeliveredAt).toBe("2026-11-02T12:00:00.000Z");
    expect(out.delivery.events).toMatchObject({
      deliveredRecords: 1200,
      deliveredBytes: 1_800_000,
      lag: { records: 30, oldestAgeSeconds: 2 },
    });
    expect(out.delivery.flows?.lag).toBeNull();
  });

  it("carries the last hour's records delivered per minute for the table's sparkline", () => {
    const perMinute = Array.from({ length: 60 }, (_, i) => (i === 59 ? 42 : 0));
    expect(serializeIntegration(row, {}, perMinute).deliveredPerMinute).toEqual(perMinute);
  });

  it("takes the worst source's status and says which source it is", () => {
    const out = serializeIntegration({
      ...row,
      deliveries: [
        delivery("events", { status: "healthy" }),
        delivery("flows", { status: "error", statusDetail: "Splunk rejected the index" }),
      ],
    });
    expect(out).toMatchObject({ status: "error", statusDetail: "Flows: Splunk rejected the index" });
  });

  it("names the failing sources in a fixed order, with one reason for sources failing the same way", () => {
    const reason = "Splunk is unreachable: the host name does not resolve";
    const same = serializeIntegration({
      ...row,
      flows: true,
      audit: true,
      deliveries: [
        delivery("audit", { status: "retrying", statusDetail: "Splunk is busy" }),
        delivery("flows", { status: "retrying", statusDetail: reason }),
        delivery("events", { status: "retrying", statusDetail: reason }),
      ],
    });
    expect(same).toMatchObject({
      status: "retrying",
      statusDetail: `Events, Flows: ${reason} · Audit Trail: Splunk is busy`,
    });
    const reversed = serializeIntegration({
      ...row,
      flows: true,
      deliveries: [
        delivery("flows", { status: "error", statusDetail: "Splunk rejected the index" }),
        delivery("events", { status: "error", statusDetail: "Splunk rejected the token" }),
      ],
    });
    expect(reversed.statusDetail).toBe("Events: Splunk rejected the token · Flows: Splunk rejected the index");
  });

  it("shows Paused over everything, and ignores sources switched off", () => {
    const paused = serializeIntegration({
      ...row,
      paused: true,
      deliveries: [delivery("events", { status: "error" })],
    });
    expect(paused.status).toBe("paused");
    const flowsOff = serializeIntegration({
      ...row,
      flows: false,
      deliveries: [delivery("flows", { status: "error" })],
    });
    expect(flowsOff.status).toBe("pending");
    expect(flowsOff.delivery.flows).toBeUndefined();
  });

  it("carries the Audit Trail flag and its delivery, named Audit Trail in the status", () => {
    const out = serializeIntegration({
      ...row,
      audit: true,
      deliveries: [
        delivery("events", { status: "healthy" }),
        delivery("audit", { status: "retrying", statusDetail: "Splunk is busy", deliveredRecords: 7n }),
      ],
    });
    expect(out.audit).toBe(true);
    expect(out.delivery.audit).toMatchObject({ status: "retrying", deliveredRecords: 7 });
    expect(out).toMatchObject({ status: "retrying", statusDetail: "Audit Trail: Splunk is busy" });
    const auditOff = serializeIntegration({ ...row, deliveries: [delivery("audit", { status: "error" })] });
    expect(auditOff.audit).toBe(false);
    expect(auditOff.delivery.audit).toBeUndefined();
  });
});
