import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import * as collectionRoutes from "@/app/api/integrations/route";
import * as itemRoutes from "@/app/api/integrations/[id]/route";
import { disconnectDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { decryptToken } from "@/lib/security/token-cipher";
import { meteredBody, meteredRequest } from "@/test/helpers/body";
import { authHeaders, signedIn } from "@/test/helpers/auth";

const collection = signedIn(collectionRoutes);
const item = signedIn(itemRoutes);

/**
 * The REST API end to end through its route handlers, against the real PostgreSQL
 * the global setup migrated.
 */
const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";
const BASE = "http://console.test/api/integrations";

const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });

function body(overrides: Record<string, unknown> = {}) {
  return {
    app: "splunk",
    auth: "api_key",
    name: `SOC Splunk ${randomUUID().slice(0, 8)}`,
    description: "",
    ingestionUrl: "https://http-inputs-acme.splunkcloud.com",
    apiKey: TOKEN,
    index: null,
    events: true,
    flows: false,
    eventFilter: [{ field: "event_type", operator: "in", values: ["Security"] }],
    errorEvents: true,
    ...overrides,
  };
}

function jsonRequest(method: string, url: string, payload: unknown, headers: Record<string, string> = {}) {
  return new Request(url, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

const ctx = (id: string) => ({ params: Promise.resolve({ id }) });

async function create(overrides: Record<string, unknown> = {}) {
  const response = await collection.POST(jsonRequest("POST", BASE, body(overrides)), undefined);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Record<string, unknown> & { id: string; name: string };
}

async function problem(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const text = await response.text();
  expect(text).not.toMatch(/at .+\.(ts|js):\d+/); // no stack trace
  return JSON.parse(text) as { status: number; detail: string; invalid_params?: { name: string; reason: string }[] };
}

beforeEach(async () => {
  await sql.query(`DELETE FROM "Integration"`);
});

afterAll(async () => {
  await sql.end();
  await disconnectDb();
});

describe("POST /api/integrations", () => {
  it("creates an integration, normalised, Pending, with only a hint of the token", async () => {
    const created = await create({ description: "Prod SOC", index: "cato_events" });
    expect(created).toMatchObject({
      app: "splunk",
      auth: "api_key",
      description: "Prod SOC",
      ingestionUrl: "https://http-inputs-acme.splunkcloud.com:443",
      apiKeyHint: "5a6b",
      index: "cato_events",
      events: true,
      flows: false,
      eventFilter: [{ field: "event_type", operator: "in", values: ["Security"] }],
      errorEvents: true,
      status: "pending",
      statusDetail: "",
    });
    expect(typeof created.createdAt).toBe("string");
    expect(JSON.stringify(created)).not.toContain(TOKEN);
  });

  it("stores the token encrypted, never in clear", async () => {
    const created = await create();
    const { rows } = await sql.query(`SELECT * FROM "Integration" WHERE id = $1`, [created.id]);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(TOKEN.slice(0, 18));
    expect(decryptToken(rows[0].tokenCiphertext, serverEnv().encryptionKey, created.id)).toBe(TOKEN);
  });

  it("refuses a second connector with the same name, whatever its case", async () => {
    const first = await create();
    const response = await collection.POST(
      jsonRequest("POST", BASE, body({ name: first.name.toUpperCase() })),
      undefined,
    );
    expect(response.status).toBe(409);
    const p = await problem(response);
    expect(p.invalid_params).toContainEqual({
      name: "name",
      reason: "Connector Name is already used by another integration",
    });
  });

  it.each([
    [{ name: "" }, "name"],
    [{ ingestionUrl: "http://splunk.example.com" }, "ingestionUrl"],
    [{ ingestionUrl: "https://splunk.example.com:0" }, "ingestionUrl"],
    [{ apiKey: "" }, "apiKey"],
    [{ index: "Not Valid" }, "index"],
    [{ events: false, flows: false }, "events"],
    [{ eventFilter: [{ field: "event_type", operator: "is", values: ["Bogus"] }] }, "eventFilter.0.values.0"],
    [{ unknownField: 1 }, "unknownField"],
    [{ name: 12 }, "name"],
  ])("answers 422 naming the field for %j", async (patch, field) => {
    const response = await collection.POST(jsonRequest("POST", BASE, body(patch)), undefined);
    expect(response.status).toBe(422);
    const p = await problem(response);
    expect(p.invalid_params?.map((x) => x.name)).toContain(field);
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM "Integration"`);
    expect(rows[0].n).toBe(0);
  });

  it.each([
    ["malformed JSON", "{not json", 400],
    ["a JSON array", "[]", 422],
    ["a JSON string", '"x"', 422],
    ["null", "null", 422],
    ["an empty body", "", 400],
  ])("answers 4xx with a reason for %s", async (_label, raw, status) => {
    const response = await collection.POST(jsonRequest("POST", BASE, raw), undefined);
    expect(response.status).toBe(status);
    expect((await problem(response)).detail.length).toBeGreaterThan(5);
  });

  it("answers 413 for a body declared over 64 KB without reading any of it", async () => {
    const body = meteredBody(70 * 1024);
    const response = await collection.POST(
      meteredRequest(BASE, body, { declaredLength: 70 * 1024, headers: await authHeaders() }),
      undefined,
    );
    expect(response.status).toBe(413);
    expect((await problem(response)).detail).toMatch(/64 KB/);
    expect(body.pulled).toBe(0);
  });

  it("answers 413 for an undeclared body once 64 KB have arrived, reading no further", async () => {
    const chunk = 16 * 1024;
    const body = meteredBody(1024 * 1024, chunk);
    const response = await collection.POST(meteredRequest(BASE, body, { headers: await authHeaders() }), undefined);
    expect(response.status).toBe(413);
    expect((await problem(response)).detail).toMatch(/64 KB/);
    expect(body.pulled).toBeGreaterThan(64 * 1024);
    expect(body.pulled).toBeLessThanOrEqual(64 * 1024 + chunk);
    expect(body.cancelled).toBe(true);
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM "Integration"`);
    expect(rows[0].n).toBe(0);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const response = await collection.POST(
      new Request(BASE, { method: "POST", headers: { "content-type": "text/plain" }, body: "name=x" }),
      undefined,
    );
    expect(response.status).toBe(415);
  });

  it("survives hostile strings and prototype keys without a 5xx", async () => {
    const hostile = [
      '\'; DROP TABLE "Integration"; --',
      "<script>alert(1)</script>",
      "\u202e\ud83d\udca5".repeat(20),
      "%00%0d%0a",
    ];
    for (const value of hostile) {
      const response = await collection.POST(
        jsonRequest("POST", BASE, body({ name: value, description: value })),
        undefined,
      );
      expect(response.status).toBeLessThan(500);
    }
    const proto = await collection.POST(
      jsonRequest("POST", BASE, '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{}}}'),
      undefined,
    );
    expect(proto.status).toBe(422);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const { rows } = await sql.query(`SELECT name FROM "Integration" ORDER BY name`);
    expect(rows.map((r) => r.name)).toContain('\'; DROP TABLE "Integration"; --');
  });
});

describe("Splunk metadata", () => {
  const DEFAULTS = { events: "cato:events", flows: "cato:flows", audit: "cato:audit" };

  async function read(id: string) {
    return (await (await item.GET(new Request(`${BASE}/${id}`), ctx(id))).json()) as Record<string, unknown>;
  }

  it("defaults to cato-sase, cato_networks and the cato: sourcetypes, and stores them", async () => {
    const created = await create();
    expect(created).toMatchObject({ hecHost: "cato-sase", hecSource: "cato_networks", sourcetypes: DEFAULTS });
    const { rows } = await sql.query(
      `SELECT "hecHost", "hecSource", "sourcetypeEvents", "sourcetypeFlows", "sourcetypeAudit" FROM "Integration" WHERE id = $1`,
      [created.id],
    );
    expect(rows[0]).toEqual({
      hecHost: "cato-sase",
      hecSource: "cato_networks",
      sourcetypeEvents: "cato:events",
      sourcetypeFlows: "cato:flows",
      sourcetypeAudit: "cato:audit",
    });
  });

  it("creates with overrides, a partial sourcetypes object keeping the other defaults", async () => {
    const created = await create({
      hecHost: " sase-paris ",
      hecSource: "cato:prod",
      sourcetypes: { events: "cato_json_events" },
    });
    const expected = {
      hecHost: "sase-paris",
      hecSource: "cato:prod",
      sourcetypes: { ...DEFAULTS, events: "cato_json_events" },
    };
    expect(created).toMatchObject(expected);
    expect(await read(created.id)).toMatchObject(expected);
  });

  it("edits a subset: sourcetypes left out keep their stored values", async () => {
    const created = await create({ sourcetypes: { events: "cato_json_events", flows: "cato_json_flows" } });
    const response = await item.PATCH(
      jsonRequest("PATCH", `${BASE}/${created.id}`, { hecSource: "sase", sourcetypes: { flows: "flows_v2" } }),
      ctx(created.id),
    );
    expect(response.status, await response.clone().text()).toBe(200);
    const expected = {
      hecHost: "cato-sase",
      hecSource: "sase",
      sourcetypes: { events: "cato_json_events", flows: "flows_v2", audit: "cato:audit" },
    };
    expect(await response.json()).toMatchObject(expected);
    expect(await read(created.id)).toMatchObject(expected);
  });

  it("refuses invalid values with the field and the rule, on create and on edit, and changes nothing", async () => {
    const refused = await collection.POST(
      jsonRequest("POST", BASE, body({ hecHost: " ", sourcetypes: { flows: "a\u0007b", raw: "x" } })),
      undefined,
    );
    expect(refused.status).toBe(422);
    expect((await problem(refused)).invalid_params).toEqual(
      expect.arrayContaining([
        { name: "hecHost", reason: "Host must not be blank" },
        { name: "sourcetypes.flows", reason: "Flows sourcetype must not contain control characters" },
        { name: "sourcetypes.raw", reason: "raw is not a known field" },
      ]),
    );

    const created = await create();
    const edit = await item.PATCH(
      jsonRequest("PATCH", `${BASE}/${created.id}`, {
        hecSource: "s".repeat(256),
        sourcetypes: { events: "" },
      }),
      ctx(created.id),
    );
    expect(edit.status).toBe(422);
    expect((await problem(edit)).invalid_params).toEqual(
      expect.arrayContaining([
        { name: "hecSource", reason: "Source must be at most 255 characters" },
        { name: "sourcetypes.events", reason: "Events sourcetype must not be blank" },
      ]),
    );
    expect(await read(created.id)).toMatchObject({ hecSource: "cato_networks", sourcetypes: DEFAULTS });
  });
});

describe("GET /api/integrations", () => {
  it("lists integrations, newest first", async () => {
    const a = await create();
    const b = await create();
    const response = await collection.GET(new Request(BASE), undefined);
    expect(response.status).toBe(200);
    const { integrations } = (await response.json()) as { integrations: { id: string }[] };
    expect(integrations.map((i) => i.id)).toEqual([b.id, a.id]);
    expect(JSON.stringify(integrations)).not.toContain(TOKEN);
  });
});

describe("GET|PATCH|DELETE /api/integrations/{id}", () => {
  it("reads one integration", async () => {
    const created = await create();
    const response = await item.GET(new Request(`${BASE}/${created.id}`), ctx(created.id));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(created);
  });

  it("edits a subset and keeps the token when apiKey is omitted", async () => {
    const created = await create();
    const response = await item.PATCH(
      jsonRequest("PATCH", `${BASE}/${created.id}`, { description: "changed", flows: true, index: "" }),
      ctx(created.id),
    );
    expect(response.status).toBe(200);
    const updated = (await response.json()) as Record<string, unknown>;
    expect(updated).toMatchObject({
      description: "changed",
      flows: true,
      events: true,
      index: null,
      apiKeyHint: "5a6b",
    });
    expect(updated.name).toBe(created.name);
    const { rows } = await sql.query(`SELECT "tokenCiphertext" FROM "Integration" WHERE id = $1`, [created.id]);
    expect(decryptToken(rows[0].tokenCiphertext, serverEnv().encryptionKey, created.id)).toBe(TOKEN);
  });

  it("replaces the token when a new one is given", async () => {
    const created = await create();
    const next = "11111111-2222-3333-4444-555555559999";
    const response = await item.PATCH(jsonRequest("PATCH", `${BASE}/${created.id}`, { apiKey: next }), ctx(created.id));
    expect((await response.json()) as Record<string, unknown>).toMatchObject({ apiKeyHint: "9999" });
    const { rows } = await sql.query(`SELECT "tokenCiphertext" FROM "Integration" WHERE id = $1`, [created.id]);
    expect(decryptToken(rows[0].tokenCiphertext, serverEnv().encryptionKey, created.id)).toBe(next);
  });

  it("needs the API key again to move the token to another scheme, host, port or path", async () => {
    const created = await create();
    const patch = (body: Record<string, unknown>) =>
      item.PATCH(jsonRequest("PATCH", `${BASE}/${created.id}`, body), ctx(created.id));
    for (const url of [
      "https://collector.evil.example",
      "https://http-inputs-acme.splunkcloud.com:8088",
      "https://http-inputs-acme.splunkcloud.com/other",
    ]) {
      const response = await patch({ ingestionUrl: url });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { invalid_params: unknown[] }).invalid_params).toEqual([
        { name: "apiKey", reason: "Enter the API key again to send data to a new destination" },
      ]);
    }
    const { rows } = await sql.query(`SELECT "ingestionUrl" FROM "Integration" WHERE id = $1`, [created.id]);
    expect(rows[0].ingestionUrl).toBe(created.ingestionUrl);
    expect((await patch({ ingestionUrl: "https://HTTP-inputs-acme.splunkcloud.com:443/" })).status).toBe(200);
    expect((await patch({ ingestionUrl: "https://collector.example", apiKey: TOKEN })).status).toBe(200);
  });

  it("refuses an edit that leaves no data source, against the stored values", async () => {
    const created = await create({ events: true, flows: false });
    const response = await item.PATCH(
      jsonRequest("PATCH", `${BASE}/${created.id}`, { events: false }),
      ctx(created.id),
    );
    expect(response.status).toBe(422);
    expect((await problem(response)).invalid_params?.[0]?.name).toBe("events");
    const after = (await (await item.GET(new Request(`${BASE}/${created.id}`), ctx(created.id))).json()) as {
      events: boolean;
    };
    expect(after.events).toBe(true);
  });

  it("refuses renaming onto another connector's name", async () => {
    const a = await create();
    const b = await create();
    const response = await item.PATCH(jsonRequest("PATCH", `${BASE}/${b.id}`, { name: a.name }), ctx(b.id));
    expect(response.status).toBe(409);
  });

  it("deletes with 204, then 404", async () => {
    const created = await create();
    const response = await item.DELETE(new Request(`${BASE}/${created.id}`, { method: "DELETE" }), ctx(created.id));
    expect(response.status).toBe(204);
    const again = await item.DELETE(new Request(`${BASE}/${created.id}`, { method: "DELETE" }), ctx(created.id));
    expect(again.status).toBe(404);
  });

  it.each(["GET", "PATCH", "DELETE"])("%s of an unknown id is 404 problem+json", async (method) => {
    for (const id of [randomUUID(), "not-a-uuid", "'; select 1; --"]) {
      const request =
        method === "PATCH"
          ? jsonRequest(method, `${BASE}/x`, { description: "x" })
          : new Request(`${BASE}/x`, { method });
      const handler = method === "GET" ? item.GET : method === "PATCH" ? item.PATCH : item.DELETE;
      const response = await handler(request, ctx(id));
      expect(response.status).toBe(404);
      expect((await problem(response)).status).toBe(404);
    }
  });
});
