/// <reference types="vite/client" />
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pruneSessions } from "@/lib/auth/sessions";
import { ensureInitialAdmin } from "@/lib/auth/sign-in";
import { createUser } from "@/lib/auth/users";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { disconnectDb } from "@/lib/db";
import { apiKeyFor } from "@/test/helpers/auth";
import { captureLogs, expectNoSecrets } from "@/test/helpers/logs";

/**
 * Sign-in, sessions, roles, API keys and the audit trail, through the real route
 * handlers against PostgreSQL and Redis.
 */
const setupDir = mkdtempSync(join(tmpdir(), "console-setup-"));
const SETUP_CODE = "abcd-ef01-2345-6789-abcd-ef01";
process.env.SETUP_CODE_FILE = join(setupDir, "setup-code");
writeFileSync(process.env.SETUP_CODE_FILE, SETUP_CODE);

const BASE = "http://console.test";
const PASSWORD = "correct horse battery";
const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";
const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });

type THandler = (request: Request, context: unknown) => Promise<Response>;
type TRouteModule = Record<string, unknown>;

const routeModules = import.meta.glob<TRouteModule>("../../app/api/**/route.ts");

/** Every handler of every API route, with a context that fills its dynamic segments. */
async function allHandlers() {
  const handlers: { path: string; method: string; handler: THandler; context: unknown }[] = [];
  for (const [file, load] of Object.entries(routeModules)) {
    const path = file.replace("../../app", "").replace("/route.ts", "");
    const params = Object.fromEntries(
      [...path.matchAll(/\[(\w+)\]/g)].map(([, name]) => [name, name === "feed" ? "events" : "x"]),
    );
    const routes = await load();
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      if (typeof routes[method] === "function") {
        handlers.push({
          path,
          method,
          handler: routes[method] as THandler,
          context: { params: Promise.resolve(params) },
        });
      }
    }
  }
  return handlers;
}

const PUBLIC = new Set([
  "GET /api/health/live",
  "GET /api/health/ready",
  "POST /api/auth/sign-in",
  "POST /api/auth/sign-out",
  "GET /api/auth/setup",
  "POST /api/auth/setup",
]);
/** Paths no route serves answer 404 to everyone; they hold nothing to protect. */
const NO_ROUTE = "/api/[...path]";

function request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  return new Request(`${BASE}${path}`, {
    method,
    headers: { "content-type": "application/json", ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

async function call(path: string, method: string, options: Parameters<typeof request>[2] = {}, params = {}) {
  const pathname = Object.entries(params).reduce(
    (current, [name, value]) => current.replace(`/${String(value)}`, `/[${name}]`),
    path.split("?")[0]!,
  );
  const file = `../../app${pathname}/route.ts`;
  const routes = await routeModules[file]!();
  return (routes[method] as THandler)(request(method, path, options), { params: Promise.resolve(params) });
}

const bearer = async (role: "admin" | "viewer") => {
  const key = await apiKeyFor(role);
  apiKeys.add(key);
  return { authorization: `Bearer ${key}` };
};

/** Session tokens and API keys handed out during the tests, checked against the log output. */
const sessionTokens = new Set<string>();
const apiKeys = new Set<string>();

function cookieOf(response: Response): string {
  const header = response.headers.get("set-cookie") ?? "";
  const cookie = header.split(";")[0]!;
  const token = cookie.slice(cookie.indexOf("=") + 1);
  if (token) sessionTokens.add(token);
  return cookie;
}

let nextAddress = 1;
/** A fresh client address per test, so that address limits of one test do not touch another. */
const address = () => `198.51.100.${nextAddress++}`;

async function signIn(email: string, password: string, from = address()) {
  return call("/api/auth/sign-in", "POST", { body: { email, password }, headers: { "x-client-address": from } });
}

async function newUser(
  role: "admin" | "viewer",
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`,
) {
  await createUser({ email, password: PASSWORD, role }, SYSTEM_CALLER);
  return email;
}

async function latestAudit(action: string) {
  const { rows } = await sql.query(`SELECT * FROM "AuditEntry" WHERE action = $1 ORDER BY seq DESC LIMIT 1`, [action]);
  return rows[0] as Record<string, unknown> | undefined;
}

// What the route handlers and services log, kept to check for secrets after each test.
const logs = captureLogs();
const PASSWORDS = [
  PASSWORD,
  "a brand new passphrase",
  "a fresh passphrase 1",
  "not the password at all",
  "not my password",
  "wrong password",
  "Winter2026!!x",
  "guess number",
];

// A user made before the tests, who must be there afterwards with the role they had,
// whatever the order the tests ran in.
const BYSTANDER = `bystander-${Date.now()}@example.com`;

beforeAll(async () => {
  // Failure counters of earlier runs would block this run's sign-ins.
  const redis = new Redis(process.env.REDIS_URL!);
  const keys = await redis.keys("signin:fail:*");
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await createUser({ email: BYSTANDER, password: PASSWORD, role: "admin" }, SYSTEM_CALLER);
});

afterEach(() => {
  const text = logs.text();
  logs.clear();
  expectNoSecrets(text, {
    password: PASSWORDS,
    "setup code": [SETUP_CODE],
    "HEC token": [TOKEN],
    "API key": [...apiKeys],
    "session token": [...sessionTokens],
  });
});

afterAll(async () => {
  const { rows } = await sql.query(`SELECT role FROM "User" WHERE email = $1`, [BYSTANDER]);
  await sql.query(`DELETE FROM "User" WHERE email = $1`, [BYSTANDER]);
  await sql.end();
  await disconnectDb();
  expect(rows).toEqual([{ role: "admin" }]);
});

describe("every route needs a signed-in caller", () => {
  it("answers 401 problem+json to anonymous calls on every route but health, sign-in and setup", async () => {
    const handlers = await allHandlers();
    expect(handlers.length).toBeGreaterThan(20);
    for (const { path, method, handler, context } of handlers) {
      if (path === NO_ROUTE) continue;
      if (PUBLIC.has(`${method} ${path.replace(/\[(\w+)\]/g, ":$1")}`) || PUBLIC.has(`${method} ${path}`)) continue;
      const response = await handler(new Request(`${BASE}${path}`, { method }), context);
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
    }
  });

  it("answers 401 to unknown, malformed and revoked keys and to stale cookies, never falling back", async () => {
    for (const authorization of ["Bearer sck_unknown", "Basic YWRtaW46YWRtaW4=", "Bearer", "sck_x"]) {
      expect((await call("/api/integrations", "GET", { headers: { authorization } })).status).toBe(401);
    }
    expect((await call("/api/integrations", "GET", { headers: { cookie: "console_session=ses_forged" } })).status).toBe(
      401,
    );
  });

  it("refuses every change from a Viewer with 403, session or API key", async () => {
    const viewer = await bearer("viewer");
    for (const { path, method, handler, context } of await allHandlers()) {
      if (method === "GET" || path === NO_ROUTE || PUBLIC.has(`${method} ${path}`)) continue;
      const response = await handler(
        new Request(`${BASE}${path}`, {
          method,
          headers: { ...viewer, "content-type": "application/json" },
          body: "{}",
        }),
        context,
      );
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    // Users and API keys are an Admin's business, reads included.
    expect((await call("/api/users", "GET", { headers: viewer })).status).toBe(403);
    expect((await call("/api/api-keys", "GET", { headers: viewer })).status).toBe(403);
    // Reads are open to a Viewer, without the token's hint.
    const admin = await bearer("admin");
    const created = await call("/api/integrations", "POST", {
      headers: admin,
      body: { name: `Viewer view ${Date.now()}`, ingestionUrl: "https://splunk.example.com", apiKey: TOKEN },
    });
    expect(created.status).toBe(201);
    const { integrations } = (await (await call("/api/integrations", "GET", { headers: viewer })).json()) as {
      integrations: { apiKeyHint: string }[];
    };
    expect(integrations.length).toBeGreaterThan(0);
    expect(integrations.every((i) => i.apiKeyHint === "")).toBe(true);
  });
});

describe("sign-in and sessions", () => {
  it("signs in with an HttpOnly SameSite cookie that works until sign-out", async () => {
    const email = await newUser("admin");
    const response = await signIn(email.toUpperCase(), PASSWORD);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^console_session=ses_[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    const cookie = cookieOf(response);

    const me = await call("/api/auth/me", "GET", { headers: { cookie } });
    expect(await me.json()).toMatchObject({ type: "user", label: email, role: "admin" });

    const out = await call("/api/auth/sign-out", "POST", { headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await call("/api/auth/me", "GET", { headers: { cookie } })).status).toBe(401);
    expect((await latestAudit("auth.sign_out"))?.actorLabel).toBe(email);
  });

  it("marks the cookie Secure with the __Host- prefix when the browser came over HTTPS", async () => {
    const email = await newUser("viewer");
    const response = await call("/api/auth/sign-in", "POST", {
      body: { email, password: PASSWORD },
      headers: { "x-client-proto": "https", "x-client-address": address() },
    });
    expect(response.headers.get("set-cookie")).toMatch(/^__Host-console_session=ses_.*; Secure$/);
  });

  it("gives one reply for an unknown email and a wrong password", async () => {
    const email = await newUser("viewer");
    const wrong = await signIn(email, "not the password at all");
    const unknown = await signIn("nobody@example.com", "not the password at all");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  it("ends sessions that expired or sat idle too long", async () => {
    const email = await newUser("viewer");
    const expired = cookieOf(await signIn(email, PASSWORD));
    const idle = cookieOf(await signIn(email, PASSWORD));
    const fresh = cookieOf(await signIn(email, PASSWORD));
    const { rows } = await sql.query(
      `SELECT s.id FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1 ORDER BY s."createdAt"`,
      [email],
    );
    expect(rows).toHaveLength(3);
    await sql.query(`UPDATE "Session" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [rows[0].id]);
    await sql.query(`UPDATE "Session" SET "lastSeenAt" = now() - interval '61 minutes' WHERE id = $1`, [rows[1].id]);
    expect((await call("/api/auth/me", "GET", { headers: { cookie: expired } })).status).toBe(401);
    expect((await call("/api/auth/me", "GET", { headers: { cookie: idle } })).status).toBe(401);
    expect((await call("/api/auth/me", "GET", { headers: { cookie: fresh } })).status).toBe(200);
    // The cookie holds the token; the database only its hash.
    expect(fresh).not.toContain(rows[2].id);

    // Sessions that end unseen are removed by the worker's sweep, and only those.
    await signIn(email, PASSWORD);
    const { rows: now } = await sql.query(
      `SELECT s.id FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1 ORDER BY s."createdAt"`,
      [email],
    );
    expect(now.map((r) => r.id)).toEqual([rows[2].id, expect.any(String)]);
    await sql.query(`UPDATE "Session" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [now[1].id]);
    expect(await pruneSessions()).toBeGreaterThanOrEqual(1);
    const { rows: left } = await sql.query(`SELECT id FROM "Session" WHERE id = ANY($1)`, [now.map((r) => r.id)]);
    expect(left.map((r) => r.id)).toEqual([rows[2].id]);
  });

  it("locks an account after 5 failures, even for the right password, and says when to retry", async () => {
    const email = await newUser("viewer");
    for (let i = 0; i < 5; i++) expect((await signIn(email, `wrong password ${i}`)).status).toBe(401);
    const blocked = await signIn(email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await blocked.json()) as { detail: string }).detail).toMatch(/Too many failed sign-ins/);
    // An unknown email is limited the same way, so the limit does not reveal accounts.
    for (let i = 0; i < 5; i++) await signIn("ghost@example.com", `wrong password ${i}`);
    expect((await signIn("ghost@example.com", "wrong password")).status).toBe(429);
    expect((await latestAudit("auth.sign_in_failed"))?.details).toEqual({ reason: "rate_limited" });
  });

  it("limits one address trying many accounts", async () => {
    const from = address();
    for (let i = 0; i < 20; i++)
      expect((await signIn(`spray${i}@example.com`, "Winter2026!!x", from)).status).toBe(401);
    const email = await newUser("viewer");
    expect((await signIn(email, PASSWORD, from)).status).toBe(429);
    expect((await signIn(email, PASSWORD, address())).status).toBe(200);
  });
});

describe("a user's own password", () => {
  it("changes with the current one, ends the user's other sessions and keeps this one", async () => {
    const email = await newUser("viewer");
    const here = cookieOf(await signIn(email, PASSWORD));
    const elsewhere = cookieOf(await signIn(email, PASSWORD));
    const change = (cookie: string, body: unknown) =>
      call("/api/auth/password", "POST", { headers: { cookie, "x-client-address": address() }, body });

    const wrong = await change(here, { currentPassword: "not my password", newPassword: "a fresh passphrase 1" });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { invalid_params: { name: string }[] }).invalid_params[0]!.name).toBe(
      "currentPassword",
    );
    const short = await change(here, { currentPassword: PASSWORD, newPassword: "short" });
    expect(((await short.json()) as { invalid_params: { name: string; reason: string }[] }).invalid_params).toEqual([
      { name: "newPassword", reason: "New password must be at least 12 characters" },
    ]);

    expect((await change(here, { currentPassword: PASSWORD, newPassword: "a fresh passphrase 1" })).status).toBe(204);
    expect((await call("/api/auth/me", "GET", { headers: { cookie: here } })).status).toBe(200);
    expect((await call("/api/auth/me", "GET", { headers: { cookie: elsewhere } })).status).toBe(401);
    expect((await signIn(email, PASSWORD)).status).toBe(401);
    expect((await signIn(email, "a fresh passphrase 1")).status).toBe(200);
    const audit = await latestAudit("auth.password_changed");
    expect(audit).toMatchObject({ actorLabel: email, outcome: "success", details: { otherSessionsEnded: 1 } });
  });

  it("is refused to API keys, and a guessed current password counts against the account", async () => {
    const viaKey = await call("/api/auth/password", "POST", {
      headers: await bearer("admin"),
      body: { currentPassword: "x", newPassword: "a fresh passphrase 1" },
    });
    expect(viaKey.status).toBe(403);

    const email = await newUser("viewer");
    const cookie = cookieOf(await signIn(email, PASSWORD));
    for (let i = 0; i < 5; i++) {
      const guess = await call("/api/auth/password", "POST", {
        headers: { cookie },
        body: { currentPassword: `guess number ${i}`, newPassword: "a fresh passphrase 1" },
      });
      expect(guess.status).toBe(422);
    }
    const blocked = await call("/api/auth/password", "POST", {
      headers: { cookie },
      body: { currentPassword: PASSWORD, newPassword: "a fresh passphrase 1" },
    });
    expect(blocked.status).toBe(429);
  });
});

describe("API keys", () => {
  it("are shown once, stored hashed, work as Bearer and stop working when revoked", async () => {
    const admin = await bearer("admin");
    const created = await call("/api/api-keys", "POST", { headers: admin, body: { name: "SOAR", role: "viewer" } });
    expect(created.status).toBe(201);
    const { key, apiKey } = (await created.json()) as { key: string; apiKey: { id: string; prefix: string } };
    apiKeys.add(key);
    expect(key).toMatch(/^sck_[\w-]{43}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);

    const listed = await (await call("/api/api-keys", "GET", { headers: admin })).text();
    expect(listed).not.toContain(key);
    const { rows } = await sql.query(`SELECT * FROM "ApiKey" WHERE id = $1`, [apiKey.id]);
    expect(JSON.stringify(rows[0])).not.toContain(key);

    const withKey = { authorization: `Bearer ${key}` };
    expect((await call("/api/integrations", "GET", { headers: withKey })).status).toBe(200);
    expect((await call(`/api/api-keys/${apiKey.id}`, "DELETE", { headers: withKey }, { id: apiKey.id })).status).toBe(
      403,
    );

    const revoked = await call(`/api/api-keys/${apiKey.id}`, "DELETE", { headers: admin }, { id: apiKey.id });
    expect(revoked.status).toBe(200);
    expect((await call("/api/integrations", "GET", { headers: withKey })).status).toBe(401);
    expect((await latestAudit("api_key.revoked"))?.targetLabel).toBe("SOAR");
  });

  it("answer to the user who made them: demoting revokes their Admin keys, deleting revokes all, audited", async () => {
    await newUser("admin"); // another Admin, so that this one may be demoted
    const email = await newUser("admin");
    const cookie = cookieOf(await signIn(email, PASSWORD));
    const make = async (headers: Record<string, string>, name: string, role: "admin" | "viewer") => {
      const response = await call("/api/api-keys", "POST", { headers, body: { name, role } });
      expect(response.status).toBe(201);
      return (await response.json()) as { key: string; apiKey: { id: string; createdBy: string } };
    };
    const adminKey = await make({ cookie }, "Owner admin", "admin");
    const viewerKey = await make({ cookie }, "Owner viewer", "viewer");
    // A key made with a key answers to the same user.
    const madeByKey = await make({ authorization: `Bearer ${adminKey.key}` }, "Owner chained", "admin");
    expect(adminKey.apiKey.createdBy).toBe(email);
    const works = async (key: string) =>
      (await call("/api/integrations", "GET", { headers: { authorization: `Bearer ${key}` } })).status;

    const { rows } = await sql.query(`SELECT id FROM "User" WHERE email = $1`, [email]);
    const userId = rows[0].id as string;
    const admin = await bearer("admin");
    const demoted = await call(
      `/api/users/${userId}`,
      "PATCH",
      { headers: admin, body: { role: "viewer" } },
      { id: userId },
    );
    expect(demoted.status).toBe(200);
    expect(await works(adminKey.key)).toBe(401);
    expect(await works(madeByKey.key)).toBe(401);
    expect(await works(viewerKey.key)).toBe(200);
    const revokedOnDemote = await sql.query(
      `SELECT "targetId", details FROM "AuditEntry" WHERE action = 'api_key.revoked' AND "targetId" = ANY($1)`,
      [[adminKey.apiKey.id, madeByKey.apiKey.id, viewerKey.apiKey.id]],
    );
    expect(revokedOnDemote.rows.map((r) => r.targetId as string).sort()).toEqual(
      [adminKey.apiKey.id, madeByKey.apiKey.id].sort(),
    );
    expect(revokedOnDemote.rows[0].details).toEqual({ reason: "user made a Viewer", createdBy: email });

    const removed = await call(`/api/users/${userId}`, "DELETE", { headers: admin }, { id: userId });
    expect(removed.status).toBe(204);
    expect(await works(viewerKey.key)).toBe(401);
    expect((await latestAudit("api_key.revoked"))?.targetId).toBe(viewerKey.apiKey.id);
    expect((await latestAudit("api_key.revoked"))?.details).toEqual({ reason: "user deleted", createdBy: email });
  });

  it("names the field and the rule when a key's fields are wrong", async () => {
    const response = await call("/api/api-keys", "POST", {
      headers: await bearer("admin"),
      body: { name: "", role: "root" },
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { invalid_params: { name: string; reason: string }[] };
    expect(problem.invalid_params).toEqual(
      expect.arrayContaining([
        { name: "name", reason: "name is required" },
        { name: "role", reason: "role must be admin or viewer" },
      ]),
    );
  });
});

describe("users", () => {
  it("creates users, refuses a duplicate email and keeps the last Admin", async () => {
    const admin = await bearer("admin");
    const email = `new-${Date.now()}@example.com`;
    const created = await call("/api/users", "POST", {
      headers: admin,
      body: { email, password: PASSWORD, role: "viewer" },
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as Record<string, unknown>;
    expect(user).not.toHaveProperty("passwordHash");
    const again = await call("/api/users", "POST", {
      headers: admin,
      body: { email: email.toUpperCase(), password: PASSWORD, role: "viewer" },
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { invalid_params: { name: string }[] }).invalid_params[0]!.name).toBe("email");
    const short = await call("/api/users", "POST", {
      headers: admin,
      body: { email: "x@example.com", password: "short", role: "viewer" },
    });
    expect(((await short.json()) as { invalid_params: { name: string; reason: string }[] }).invalid_params).toEqual([
      { name: "password", reason: "password must be at least 12 characters" },
    ]);

    // The new user as the last Admin; the others get their role back afterwards, so no
    // other test depends on running before this one.
    const { rows: demoted } = await sql.query<{ id: string }>(
      `UPDATE "User" SET role = 'viewer' WHERE email <> $1 AND role = 'admin' RETURNING id`,
      [email],
    );
    try {
      await sql.query(`UPDATE "User" SET role = 'admin' WHERE email = $1`, [email]);
      const demote = await call(
        `/api/users/${user.id as string}`,
        "PATCH",
        { headers: admin, body: { role: "viewer" } },
        { id: user.id },
      );
      expect(demote.status).toBe(409);
      const remove = await call(`/api/users/${user.id as string}`, "DELETE", { headers: admin }, { id: user.id });
      expect(remove.status).toBe(409);
      const { rows } = await sql.query(`SELECT count(*)::int AS n FROM "User" WHERE role = 'admin'`);
      expect(rows[0].n).toBe(1);
    } finally {
      await sql.query(`UPDATE "User" SET role = 'admin' WHERE id = ANY($1)`, [demoted.map((r) => r.id)]);
    }
  });

  it("signs a user out everywhere when an admin sets a new password", async () => {
    const email = await newUser("viewer");
    const cookie = cookieOf(await signIn(email, PASSWORD));
    const { rows } = await sql.query(`SELECT id FROM "User" WHERE email = $1`, [email]);
    const changed = await call(
      `/api/users/${rows[0].id}`,
      "PATCH",
      {
        headers: await bearer("admin"),
        body: { password: "a brand new passphrase" },
      },
      { id: rows[0].id },
    );
    expect(changed.status).toBe(200);
    expect((await call("/api/auth/me", "GET", { headers: { cookie } })).status).toBe(401);
    expect((await signIn(email, "a brand new passphrase")).status).toBe(200);
    const audit = await latestAudit("user.updated");
    expect(audit?.details).toEqual({ fields: ["password"] });
  });
});

describe("audit trail", () => {
  it("records each change with its actor, address and changed fields, never a secret", async () => {
    const email = await newUser("admin");
    const from = address();
    const cookie = cookieOf(await signIn(email, PASSWORD, from));
    const session = { cookie, "x-client-address": from, "user-agent": "audit-test/1.0" };

    const created = await call("/api/integrations", "POST", {
      headers: session,
      body: { name: `Audited ${Date.now()}`, ingestionUrl: "https://splunk.example.com", apiKey: TOKEN },
    });
    const { id } = (await created.json()) as { id: string };
    const NEW_TOKEN = "11111111-2222-4333-8444-555555555555";
    await call(
      `/api/integrations/${id}`,
      "PATCH",
      { headers: session, body: { apiKey: NEW_TOKEN, index: "soc" } },
      { id },
    );
    await call(`/api/integrations/${id}`, "PATCH", { headers: session, body: { paused: true } }, { id });
    await call(`/api/integrations/${id}`, "PATCH", { headers: session, body: { paused: false } }, { id });
    await call(`/api/integrations/${id}`, "DELETE", { headers: session }, { id });
    await signIn(email, "a wrong password here", from);

    const { rows } = await sql.query(
      `SELECT * FROM "AuditEntry" WHERE "targetId" = $1 OR ("actorLabel" = $2 AND action LIKE 'auth.%') ORDER BY seq`,
      [id, email],
    );
    expect(rows.map((r) => r.action)).toEqual([
      "auth.sign_in",
      "integration.created",
      "integration.updated",
      "integration.paused",
      "integration.resumed",
      "integration.deleted",
      "auth.sign_in_failed",
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ actorLabel: email, address: from });
      expect(JSON.stringify(row)).not.toContain(TOKEN);
      expect(JSON.stringify(row)).not.toContain(NEW_TOKEN);
    }
    expect(rows[1]).toMatchObject({ actorType: "user", userAgent: "audit-test/1.0" });
    expect(rows[2].details).toEqual({
      fields: ["apiKey", "index"],
      changes: { apiKey: { secret: true }, index: { from: null, to: "soc" } },
    });
    expect(rows[6]).toMatchObject({
      actorType: "anonymous",
      outcome: "failure",
      details: { reason: "wrong_password" },
    });

    const page = await call("/api/audit", "GET", { headers: await bearer("viewer") });
    expect(page.status).toBe(200);
  });

  it("records of an edit that re-sends every field only the fields whose value changed", async () => {
    const admin = await bearer("admin");
    const body = {
      name: `Resent ${Date.now()}`,
      description: "",
      ingestionUrl: "https://splunk.example.com",
      index: "main",
      events: true,
      flows: false,
      audit: false,
      eventFilter: [],
      errorEvents: true,
    };
    const created = await call("/api/integrations", "POST", { headers: admin, body: { ...body, apiKey: TOKEN } });
    const { id } = (await created.json()) as { id: string };
    // As the Edit panel sends it: every field, one of them changed.
    const edited = await call(
      `/api/integrations/${id}`,
      "PATCH",
      {
        headers: admin,
        body: { ...body, description: "Paris office", index: "main" },
      },
      { id },
    );
    expect(edited.status).toBe(200);
    const entry = await latestAudit("integration.updated");
    expect(entry?.details).toEqual({
      fields: ["description"],
      changes: { description: { from: "", to: "Paris office" } },
    });
  });

  it("names the API key that made a change, and filters by user and action, newest first", async () => {
    const admin = await bearer("admin");
    const created = await call("/api/integrations", "POST", {
      headers: admin,
      body: { name: `By key ${Date.now()}`, ingestionUrl: "https://splunk.example.com", apiKey: TOKEN },
    });
    const { id } = (await created.json()) as { id: string };
    const entry = await latestAudit("integration.created");
    expect(entry).toMatchObject({
      actorType: "api_key",
      actorLabel: expect.stringMatching(/^test admin/),
      targetId: id,
    });

    const filtered = (await (
      await call(
        `/api/audit?action=integration.created&actor=${encodeURIComponent(entry!.actorLabel as string)}`,
        "GET",
        {
          headers: admin,
        },
      )
    ).json()) as { entries: { action: string; actorLabel: string; seq: string }[] };
    expect(filtered.entries.length).toBeGreaterThan(0);
    expect(
      filtered.entries.every((e) => e.action === "integration.created" && e.actorLabel === entry!.actorLabel),
    ).toBe(true);
    const seqs = filtered.entries.map((e) => BigInt(e.seq));
    expect([...seqs].sort((a, b) => (a > b ? -1 : 1))).toEqual(seqs);

    const bad = await call("/api/audit?action=drop.tables&limit=0", "GET", { headers: admin });
    expect(bad.status).toBe(422);
  });
});

describe("first-run setup", () => {
  // Setup is offered only while there are no users: set the users and their sessions
  // aside, and put them back afterwards, so no other test depends on running before this.
  let savedUsers: unknown[] = [];
  let savedSessions: unknown[] = [];
  beforeAll(async () => {
    savedUsers = (await sql.query(`SELECT * FROM "User"`)).rows;
    savedSessions = (await sql.query(`SELECT * FROM "Session"`)).rows;
    await sql.query(`DELETE FROM "User"`);
  });

  afterAll(async () => {
    await sql.query(`DELETE FROM "User"`);
    await sql.query(`INSERT INTO "User" SELECT * FROM json_populate_recordset(NULL::"User", $1)`, [
      JSON.stringify(savedUsers),
    ]);
    await sql.query(`INSERT INTO "Session" SELECT * FROM json_populate_recordset(NULL::"Session", $1)`, [
      JSON.stringify(savedSessions),
    ]);
  });

  it("creates the first Admin with the setup code, once", async () => {
    expect(await (await call("/api/auth/setup", "GET")).json()).toEqual({ needed: true, available: true });
    const wrong = await call("/api/auth/setup", "POST", {
      body: { setupCode: "0000-0000-0000-0000-0000-0000", email: "first@example.com", password: PASSWORD },
    });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { invalid_params: { name: string }[] }).invalid_params[0]!.name).toBe("setupCode");

    const done = await call("/api/auth/setup", "POST", {
      body: { setupCode: SETUP_CODE, email: "First@Example.com", password: PASSWORD },
    });
    expect(done.status).toBe(201);
    const me = await call("/api/auth/me", "GET", { headers: { cookie: cookieOf(done) } });
    expect(await me.json()).toMatchObject({ label: "first@example.com", role: "admin" });

    const second = await call("/api/auth/setup", "POST", {
      body: { setupCode: SETUP_CODE, email: "second@example.com", password: PASSWORD },
    });
    expect(second.status).toBe(409);
    expect(await (await call("/api/auth/setup", "GET")).json()).toEqual({ needed: false, available: false });
    expect((await latestAudit("auth.setup"))?.actorLabel).toBe("first@example.com");
  });

  it("removes a setup code file left on disk once an Admin exists (made from ADMIN_EMAIL, or earlier)", async () => {
    writeFileSync(process.env.SETUP_CODE_FILE!, SETUP_CODE);
    expect(await ensureInitialAdmin()).toBe("exists");
    expect(existsSync(process.env.SETUP_CODE_FILE!)).toBe(false);
  });
});
