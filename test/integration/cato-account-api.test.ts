import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import * as accountRoutes from "@/app/api/cato-account/route";
import * as testRoutes from "@/app/api/cato-account/test/route";
import { startCatoMock } from "@/lib/cato/mock-server";
import { decryptCatoKey } from "@/lib/cato/target";
import { disconnectDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { CATO_ACCOUNT_ID, CATO_KEY } from "@/test/helpers/cato";
import { signedIn } from "@/test/helpers/auth";

/**
 * GET/PUT/DELETE /api/cato-account and POST /api/cato-account/test through their route
 * handlers, against the real PostgreSQL and Redis, the test call going over HTTP to the
 * stand-in for Cato's API (CATO_API_URL, the operator's override).
 */
const mock = await startCatoMock({ apiKey: CATO_KEY, accountId: CATO_ACCOUNT_ID });
process.env.CATO_API_URL = mock.url;

const admin = signedIn(accountRoutes);
const viewer = signedIn(accountRoutes, "viewer");
const tester = signedIn(testRoutes);
const URL_ = "http://console.test/api/cato-account";
const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });

const put = (body: unknown) =>
  admin.PUT(
    new Request(URL_, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    {},
  );
const get = (routes = admin) => routes.GET(new Request(URL_), {});
const valid = { accountId: CATO_ACCOUNT_ID, apiKey: CATO_KEY, region: "eu", events: true, audit: true, enabled: true };

beforeEach(async () => {
  await sql.query(`DELETE FROM "CatoAccount"`);
});

afterEach(async () => {
  await sql.query(`DELETE FROM "CatoAccount"`);
});

afterAll(async () => {
  await mock.close();
  await sql.end();
  await disconnectDb();
});

describe("/api/cato-account", () => {
  it("says no account is connected until one is", async () => {
    const response = await get();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ connected: false, accountId: null, status: { state: "disabled" } });
  });

  it("connects an account: the key stored encrypted and never returned, only a hint", async () => {
    const response = await put(valid);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(CATO_KEY);
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      connected: true,
      accountId: CATO_ACCOUNT_ID,
      apiKeyHint: CATO_KEY.slice(-4),
      region: "eu",
      apiUrl: mock.url,
      events: true,
      audit: true,
      enabled: true,
    });
    expect(["polling", "caught-up", "rate-limited", "error"]).toContain(body.status.state);
    const { rows } = await sql.query(`SELECT "apiKeyCiphertext" FROM "CatoAccount"`);
    expect(rows[0].apiKeyCiphertext).not.toContain(CATO_KEY);
    expect(decryptCatoKey(rows[0].apiKeyCiphertext, serverEnv().encryptionKey)).toBe(CATO_KEY);

    const seen = await (await get(viewer)).json();
    expect(seen.apiKeyHint).toBe("");
    expect(seen.accountId).toBe(CATO_ACCOUNT_ID);
  });

  it("rejects bad input naming the field and the rule", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...valid, accountId: "acme" }, "accountId", /digits only/],
      [{ ...valid, region: "mars" }, "region", /Region must be one of eu, us, in/],
      [{ ...valid, apiKey: "has space" }, "apiKey", /without spaces/],
      [{ ...valid, events: false, audit: false }, "events", /at least one of Events and Audit Trail/],
      [{ ...valid, apiUrl: "https://evil.example" }, "apiUrl", /not a known field/],
      [{ ...valid, apiKey: undefined }, "apiKey", /required to connect/],
    ];
    for (const [body, field, reason] of cases) {
      const response = await put(body);
      expect(response.status, field).toBe(422);
      const problem = await response.json();
      const param = problem.invalid_params.find((p: { name: string }) => p.name === field);
      expect(param?.reason, field).toMatch(reason);
    }
    expect((await get()).status).toBe(200);
    expect((await (await get()).json()).connected).toBe(false);
  });

  it("keeps the stored key when apiKey is omitted, and asks for it again for another account ID", async () => {
    await put(valid);
    const kept = await put({ ...valid, apiKey: undefined, region: "us", audit: false });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({ region: "us", audit: false, apiKeyHint: CATO_KEY.slice(-4) });
    const { rows } = await sql.query(`SELECT "apiKeyCiphertext" FROM "CatoAccount"`);
    expect(decryptCatoKey(rows[0].apiKeyCiphertext, serverEnv().encryptionKey)).toBe(CATO_KEY);

    const moved = await put({ ...valid, accountId: "99999", apiKey: undefined });
    expect(moved.status).toBe(422);
    expect((await moved.json()).invalid_params[0]).toEqual({
      name: "apiKey",
      reason: "API Key is required again when the Account ID changes",
    });
  });

  it("lets Viewers read but not change, and records every change in the audit trail", async () => {
    const forbidden = await viewer.PUT(
      new Request(URL_, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(valid),
      }),
      {},
    );
    expect(forbidden.status).toBe(403);
    expect((await viewer.DELETE(new Request(URL_, { method: "DELETE" }), {})).status).toBe(403);

    const before = new Date();
    await put(valid);
    await put({ ...valid, apiKey: undefined, enabled: false });
    expect((await admin.DELETE(new Request(URL_, { method: "DELETE" }), {})).status).toBe(204);
    expect((await admin.DELETE(new Request(URL_, { method: "DELETE" }), {})).status).toBe(404);
    const { rows } = await sql.query(
      `SELECT action, details::text AS details FROM "AuditEntry" WHERE action LIKE 'cato_account.%' AND at >= $1 ORDER BY seq`,
      [before],
    );
    expect(rows.map((r) => r.action)).toEqual([
      "cato_account.connected",
      "cato_account.updated",
      "cato_account.disconnected",
    ]);
    expect(rows[1].details).toContain("enabled");
    for (const row of rows) expect(row.details).not.toContain(CATO_KEY);
    expect((await (await get()).json()).connected).toBe(false);
  });

  it("tests the connection with one call: records available, or Cato's refusal in plain words", async () => {
    mock.addEvents(
      Array.from({ length: 42 }, (_, i) => ({
        event_type: "Security",
        time: String(1764368000000 + i),
        event_id: `${i}`,
      })),
    );
    await put(valid);
    const calls = mock.stats().calls.eventsFeed;
    const ok = await tester.POST(new Request(`${URL_}/test`, { method: "POST" }), {});
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      ok: true,
      available: 42,
      isMore: false,
      detail: "Connected: 42 events available.",
    });
    expect(mock.stats().calls.eventsFeed).toBe(calls + 1);

    const wrong = await tester.POST(
      new Request(`${URL_}/test`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ apiKey: "not-the-key-123456" }),
      }),
      {},
    );
    const refused = await wrong.json();
    expect(refused.ok).toBe(false);
    expect(refused.detail).toBe("Cato refused the call: permission denied: invalid API key");
    const { rows } = await sql.query(
      `SELECT outcome, details::text AS details FROM "AuditEntry" WHERE action = 'cato_account.tested' ORDER BY seq DESC LIMIT 1`,
    );
    expect(rows[0].outcome).toBe("failure");
    expect(rows[0].details).not.toContain("not-the-key-123456");
  });
});
