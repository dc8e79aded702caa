import { describe, expect, it } from "vitest";
import { toAuditRecord } from "@/lib/audit/publish";
import { buildEnvelope } from "@/lib/hec/envelope";

const entry = {
  id: "6a1c9e2e-6d0b-4d8e-9d55-0f1f9c8f6b01",
  at: new Date("2026-11-29T00:52:37.123Z"),
  action: "integration.updated",
  outcome: "success",
  actorType: "user",
  actorId: "u1",
  actorLabel: "ana@example.com",
  targetType: "integration",
  targetId: "7f1e3c1a-0000-4000-8000-000000000001",
  targetLabel: "SOC Splunk",
  address: "203.0.113.7",
  userAgent: "Mozilla/5.0",
  details: { fields: ["index", "apiKey"] },
};

describe("toAuditRecord", () => {
  it("gives an analyst who did what to what, from where, when and with what result", () => {
    expect(toAuditRecord(entry)).toEqual({
      audit_id: entry.id,
      time: "2026-11-29T00:52:37.123Z",
      action: "integration.updated",
      outcome: "success",
      actor: { type: "user", id: "u1", name: "ana@example.com" },
      target: { type: "integration", id: entry.targetId, name: "SOC Splunk" },
      src_ip: "203.0.113.7",
      user_agent: "Mozilla/5.0",
      details: { fields: ["index", "apiKey"] },
    });
  });

  it("has no target for a sign-in, and no address or user agent for the system's own changes", () => {
    const failedSignIn = toAuditRecord({
      ...entry,
      action: "auth.sign_in_failed",
      outcome: "failure",
      actorType: "anonymous",
      actorId: "",
      actorLabel: "eve@example.com",
      targetType: "",
      targetId: "",
      targetLabel: "",
      details: { reason: "wrong password" },
    });
    expect(failedSignIn).toMatchObject({
      outcome: "failure",
      actor: { type: "anonymous", id: "", name: "eve@example.com" },
      target: null,
      details: { reason: "wrong password" },
    });
    const system = toAuditRecord({ ...entry, actorType: "system", actorLabel: "system", address: "", userAgent: "" });
    expect(system).toMatchObject({ src_ip: null, user_agent: null });
  });

  it("puts the entry's time in the HEC envelope, with sourcetype cato:audit", () => {
    const json = JSON.stringify(toAuditRecord({ ...entry, details: { time: "1999-01-01T00:00:00.000Z" } }));
    const envelope = JSON.parse(buildEnvelope(json, { source: "audit", index: null, maxEventBytes: 5_000_000 })) as {
      time: number;
      sourcetype: string;
      event: unknown;
    };
    expect(envelope.time).toBe(entry.at.getTime() / 1000);
    expect(envelope.sourcetype).toBe("cato:audit");
    expect(envelope.event).toEqual(JSON.parse(json));
  });
});
