import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as testNewRoutes from "@/app/api/integrations/test/route";
import * as testSavedRoutes from "@/app/api/integrations/[id]/test/route";
import { db, disconnectDb } from "@/lib/db";
import { closeHecConnections, postToHec } from "@/lib/hec/sender";
import type { THecReceiver } from "@/lib/hec-receiver/receiver";
import { createIntegration } from "@/lib/integrations/service";
import { startTestReceiver } from "@/test/helpers/hec";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { signedIn } from "@/test/helpers/auth";

const testNew = signedIn(testNewRoutes);
const testSaved = signedIn(testSavedRoutes);

let receiver: THecReceiver;

type TResult = { ok: boolean; steps: { name: string; status: string; detail: string }[] };

async function test(body: Record<string, unknown>): Promise<TResult> {
  const response = await testNew.POST(
    new Request("http://console.test/api/integrations/test", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Trial", ingestionUrl: receiver.url, apiKey: receiver.token, ...body }),
    }),
    undefined,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as TResult;
}

/** Test connection of a saved integration, with its stored key unless the body changes it. */
function testSavedIntegration(id: string, body: unknown): Promise<Response> {
  return testSaved.POST(
    new Request(`http://console.test/api/integrations/${id}/test`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );
}

const statuses = (result: TResult) => result.steps.map((s) => `${s.name}: ${s.status}`);

beforeAll(async () => {
  receiver = await startTestReceiver();
});

beforeEach(() => {
  receiver.clear();
  receiver.setFault({ kind: "none" });
});

afterAll(async () => {
  closeHecConnections();
  await receiver.stop();
  await disconnectDb();
});

describe("test connection", () => {
  it("checks address, TLS and health, and the key and index only when asked", async () => {
    const quiet = await test({});
    expect(quiet.ok).toBe(true);
    expect(statuses(quiet)).toEqual([
      "Address: passed",
      "TLS: passed",
      "HEC health: passed",
      "API key and index: skipped",
    ]);
    expect(quiet.steps[1]!.detail).toMatch(/certificate was verified/);
    expect(receiver.received()).toHaveLength(0);

    const full = await test({ sendTestEvent: true, index: "cato" });
    expect(full.ok).toBe(true);
    expect(full.steps[3]).toMatchObject({
      status: "passed",
      detail:
        "Splunk accepted a test event into index cato (host cato-sase, source cato_networks, sourcetype cato:test). The token does not use indexer acknowledgment, and neither does this integration.",
    });
    expect(receiver.received()).toEqual([expect.objectContaining({ sourcetype: "cato:test", index: "cato" })]);
  });

  it("reports a wrong key and a wrong index in plain words", async () => {
    const wrongKey = await test({ sendTestEvent: true, apiKey: "00000000-0000-0000-0000-000000000000" });
    expect(wrongKey.ok).toBe(false);
    expect(wrongKey.steps[3]).toMatchObject({
      status: "failed",
      detail: "Splunk rejected the API key: invalid token (HEC code 4)",
    });
    const wrongIndex = await test({ sendTestEvent: true, index: "nosuchindex" });
    expect(wrongIndex.steps[3]!.detail).toMatch(/Splunk rejected the index/);
  });

  it("stops at the first failing step", async () => {
    receiver.setFault({ kind: "unhealthy" });
    const unhealthy = await test({ sendTestEvent: true });
    expect(statuses(unhealthy)).toEqual([
      "Address: passed",
      "TLS: passed",
      "HEC health: failed",
      "API key and index: skipped",
    ]);
    expect(unhealthy.steps[2]!.detail).toMatch(/queues are full/);

    const refused = await test({ ingestionUrl: "https://127.0.0.1:1" });
    expect(refused.steps[1]).toMatchObject({
      status: "failed",
      detail: expect.stringMatching(/refused the connection/),
    });

    const unknown = await test({ ingestionUrl: "https://no-such-host.invalid" });
    expect(unknown.steps[0]).toMatchObject({ status: "failed" });
    expect(statuses(unknown).slice(1)).toEqual(["TLS: skipped", "HEC health: skipped", "API key and index: skipped"]);
  });

  it("tests a saved integration with its stored key, or with unsaved changes", async () => {
    const saved = await createIntegration(
      {
        name: `Saved ${Date.now()}`,
        ingestionUrl: receiver.url,
        apiKey: receiver.token,
      },
      SYSTEM_CALLER,
    );
    const call = async (body: unknown) => (await (await testSavedIntegration(saved.id, body)).json()) as TResult;
    expect((await call({ sendTestEvent: true })).ok).toBe(true);
    const changed = await call({ sendTestEvent: true, apiKey: "00000000-0000-0000-0000-000000000000" });
    expect(changed.steps[3]!.status).toBe("failed");
  });

  it("lands the test event where the integration's data lands: its index, host and source", async () => {
    const unsaved = await test({ sendTestEvent: true, index: "cato", hecHost: "sase-prod", hecSource: "cato:eu-1" });
    expect(unsaved.steps[3]!.detail).toMatch(
      /^Splunk accepted a test event into index cato \(host sase-prod, source cato:eu-1, sourcetype cato:test\)\./,
    );
    expect(receiver.takeReceived()).toEqual([
      expect.objectContaining({ index: "cato", host: "sase-prod", source: "cato:eu-1", sourcetype: "cato:test" }),
    ]);

    const saved = await createIntegration(
      {
        name: `Metadata ${Date.now()}`,
        ingestionUrl: receiver.url,
        apiKey: receiver.token,
        hecHost: "sase-lab",
        hecSource: "cato_lab",
        sourcetypes: { events: "cato_json_events" },
      },
      SYSTEM_CALLER,
    );
    const call = async (body: unknown) => (await (await testSavedIntegration(saved.id, body)).json()) as TResult;
    const stored = await call({ sendTestEvent: true });
    expect(stored.steps[3]!.detail).toMatch(
      /^Splunk accepted a test event into the token's default index \(host sase-lab,/,
    );
    expect(receiver.takeReceived()).toEqual([
      expect.objectContaining({ host: "sase-lab", source: "cato_lab", sourcetype: "cato:test" }),
    ]);
    // Unsaved changes in the panel are what the test uses.
    expect((await call({ sendTestEvent: true, hecHost: "sase-edit", index: "main" })).ok).toBe(true);
    const [edited] = receiver.takeReceived();
    expect(edited).toMatchObject({ host: "sase-edit", source: "cato_lab", index: "main", sourcetype: "cato:test" });
  });

  it("sends the stored key only to the saved destination, and audits every test", async () => {
    const elsewhere = await startTestReceiver({ tokens: [receiver.token] });
    try {
      const saved = await createIntegration(
        { name: `Bound ${Date.now()}`, ingestionUrl: receiver.url, apiKey: receiver.token },
        SYSTEM_CALLER,
      );
      const call = (body: unknown) => testSavedIntegration(saved.id, body);
      const refused = await call({ ingestionUrl: elsewhere.url, sendTestEvent: true });
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as { invalid_params: unknown[] }).invalid_params).toEqual([
        { name: "apiKey", reason: "Enter the API key again to send data to a new destination" },
      ]);
      expect(elsewhere.received()).toHaveLength(0);

      const withKey = await call({ ingestionUrl: elsewhere.url, apiKey: receiver.token, sendTestEvent: true });
      expect(((await withKey.json()) as TResult).ok).toBe(true);
      expect(elsewhere.received()).toHaveLength(1);

      const entries = await db().auditEntry.findMany({
        where: { action: "integration.tested", targetId: saved.id },
        orderBy: { at: "asc" },
      });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ outcome: "success", actorLabel: expect.any(String) as string });
      expect(entries[0]!.details).toMatchObject({ host: new URL(elsewhere.url).host, result: "passed" });
      expect(JSON.stringify(entries[0]!.details)).not.toContain(receiver.token);
    } finally {
      await elsewhere.stop();
    }
  });

  it("validates its body like a save", async () => {
    const response = await testNew.POST(
      new Request("http://console.test/api/integrations/test", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: "x",
          ingestionUrl: "http://plain.example.com",
          apiKey: "k",
          sendTestEvent: "yes",
        }),
      }),
      undefined,
    );
    expect(response.status).toBe(422);
  });
});

describe("the sender's own guard", () => {
  it("refuses a loopback destination unless private networks are allowed, even for a literal IP", async () => {
    const body = Buffer.from("");
    await expect(
      postToHec(`${receiver.url}/services/collector/event`, receiver.token, body, {
        timeoutMs: 2000,
        allowPrivateNetworks: false,
      }),
    ).rejects.toThrow(/loopback/);
    expect(receiver.requests()).toHaveLength(0);
  });
});
