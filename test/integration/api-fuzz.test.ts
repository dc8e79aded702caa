import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as eventItemRoutes from "@/app/api/events/[marker]/route";
import * as eventListRoutes from "@/app/api/events/route";
import * as feedsRoutes from "@/app/api/feeds/[feed]/route";
import * as readyRoutes from "@/app/api/health/ready/route";
import * as liveRoutes from "@/app/api/health/live/route";
import * as workersRoutes from "@/app/api/health/workers/route";
import * as activityRoutes from "@/app/api/integrations/[id]/activity/route";
import * as itemRoutes from "@/app/api/integrations/[id]/route";
import * as seriesRoutes from "@/app/api/integrations/[id]/series/route";
import * as savedTestRoutes from "@/app/api/integrations/[id]/test/route";
import * as collectionRoutes from "@/app/api/integrations/route";
import * as newTestRoutes from "@/app/api/integrations/test/route";
import * as metricsRoutes from "@/app/api/metrics/route";
import * as settingsRoutes from "@/app/api/settings/route";
import * as catoAccountRoutes from "@/app/api/cato-account/route";
import * as catoAccountTestRoutes from "@/app/api/cato-account/test/route";
import * as apiKeyItemRoutes from "@/app/api/api-keys/[id]/route";
import * as apiKeysRoutes from "@/app/api/api-keys/route";
import * as auditRoutes from "@/app/api/audit/route";
import * as meRoutes from "@/app/api/auth/me/route";
import * as passwordRoutes from "@/app/api/auth/password/route";
import * as setupRoutes from "@/app/api/auth/setup/route";
import * as signInRoutes from "@/app/api/auth/sign-in/route";
import * as signOutRoutes from "@/app/api/auth/sign-out/route";
import * as userItemRoutes from "@/app/api/users/[id]/route";
import * as usersRoutes from "@/app/api/users/route";
import { disconnectDb } from "@/lib/db";
import { closeHecConnections } from "@/lib/hec/sender";
import { workerHeartbeatKey } from "@/lib/health/heartbeat";
import { MAX_JSON_BODY_BYTES } from "@/lib/http/json-body";
import { authHeaders, signedIn } from "@/test/helpers/auth";
import { meteredBody, meteredRequest } from "@/test/helpers/body";

const eventItem = signedIn(eventItemRoutes);
const eventList = signedIn(eventListRoutes);
const feeds = signedIn(feedsRoutes);
const ready = signedIn(readyRoutes);
const live = signedIn(liveRoutes);
const workers = signedIn(workersRoutes);
const activity = signedIn(activityRoutes);
const item = signedIn(itemRoutes);
const series = signedIn(seriesRoutes);
const savedTest = signedIn(savedTestRoutes);
const collection = signedIn(collectionRoutes);
const newTest = signedIn(newTestRoutes);
const metrics = signedIn(metricsRoutes);
const settings = signedIn(settingsRoutes);
const catoAccount = signedIn(catoAccountRoutes);
const catoAccountTest = signedIn(catoAccountTestRoutes);
const apiKeyItem = signedIn(apiKeyItemRoutes);
const apiKeys = signedIn(apiKeysRoutes);
const audit = signedIn(auditRoutes);
const me = signedIn(meRoutes);
const password = signedIn(passwordRoutes);
const setup = signedIn(setupRoutes);
const signIn = signedIn(signInRoutes);
const signOut = signedIn(signOutRoutes);
const userItem = signedIn(userItemRoutes);
const users = signedIn(usersRoutes);

/**
 * Hostile input against every route handler and method: wrong JSON types, huge and
 * deeply nested documents, awkward unicode, prototype-pollution keys, injection
 * strings, odd content types, query strings and path ids. Every reply must be a
 * designed one (< 500, the route's content type, no stack, no markup echoed back),
 * Object.prototype must stay clean, and a rejected request must change nothing.
 *
 * Seeded, so a failure replays: FUZZ_SEED=<seed> FUZZ_CASES=<n>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const BASE = "http://console.test";

const redis = new Redis(process.env.REDIS_URL!);
const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });

/** mulberry32: small, fast, and good enough to pick test cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

const rnd = prng(SEED);

const INJECTIONS = [
  "' OR '1'='1",
  '\'; DROP TABLE "Integration"; --',
  '" OR ""="',
  "1; SELECT pg_sleep(5)--",
  "$where: '1 == 1'",
  "<script>alert(1)</script>",
  '"><script>alert(document.cookie)</script>',
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "{{7*7}}${7*7}<%= 7*7 %>",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%00%0d%0a",
  "%s%s%s%n%x",
  "\r\nSet-Cookie: x=y",
  "file:///etc/passwd",
  "http://169.254.169.254/latest/meta-data/",
  "gopher://127.0.0.1:6379/_FLUSHALL",
];

const UNICODE = [
  "\ud800",
  "\udfff",
  "a\ud83dz",
  "\u202egnp.exe",
  "\u2066isolate\u2069",
  "nul\u0000byte",
  "\u0000",
  "😀🔥👩‍👩‍👧‍👦",
  "\ufeffbom",
  "\u200b\u200c\u200d",
  "\u2028\u2029",
  "Ω≈ç√∫˜µ≤≥÷",
  "ﷺ",
  "\u0301\u0301\u0301e",
  "\u007f\u0080\u009f",
];

const PROTO_KEYS = ["__proto__", "constructor", "prototype"];

const PLAIN = ["", " ", "a", "Security", "events", "0", "-1", "1e309", "NaN", "null", "true", "[]", "{}"];

function hugeString(): string {
  const size = rnd.chance(0.5) ? rnd.int(1024) + 1 : rnd.int(100 * 1024) + 1;
  return rnd.pick(["A", "<script>", "\u0000", "é", "😀", "\ud800"]).repeat(size).slice(0, size);
}

function hostileString(): string {
  switch (rnd.int(6)) {
    case 0:
      return rnd.pick(INJECTIONS);
    case 1:
      return rnd.pick(UNICODE);
    case 2:
      return rnd.pick(PROTO_KEYS);
    case 3:
      return rnd.chance(0.2) ? hugeString() : rnd.pick(PLAIN);
    case 4:
      return `${rnd.pick(INJECTIONS)}${rnd.pick(UNICODE)}`;
    default:
      return Array.from({ length: rnd.int(40) }, () => String.fromCharCode(rnd.int(0x10000))).join("");
  }
}

function deepValue(levels: number): unknown {
  let value: unknown = rnd.pick([null, 1, "x", true]);
  const isArray = rnd.chance(0.5);
  for (let i = 0; i < levels; i++) value = isArray ? [value] : { [rnd.pick(["a", "__proto__", "values"])]: value };
  return value;
}

function hostileValue(depth = 0): unknown {
  switch (rnd.int(depth > 2 ? 6 : 9)) {
    case 0:
      return hostileString();
    case 1:
      return rnd.pick([0, -0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64]);
    case 2:
      return rnd.pick([true, false]);
    case 3:
      return null;
    case 4:
      return hostileString();
    case 5:
      return rnd.pick([[], {}, [null], [""]]);
    case 6:
      return Array.from({ length: rnd.int(5) }, () => hostileValue(depth + 1));
    case 7:
      return hostileObject(depth + 1);
    default:
      return deepValue(rnd.chance(0.3) ? 1000 : rnd.int(50));
  }
}

function hostileObject(depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = rnd.int(5); i > 0; i--) {
    const key = rnd.chance(0.4) ? rnd.pick(PROTO_KEYS) : hostileString().slice(0, 200);
    // defineProperty, so that "__proto__" is an own key that JSON.stringify writes out.
    Object.defineProperty(object, key, {
      value: hostileValue(depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

/** A valid integration body; the fuzzer breaks one or more of its fields. Port 9 is closed, so a test fails fast. */
function integrationBody(): Record<string, unknown> {
  return {
    app: "splunk",
    auth: "api_key",
    name: `Fuzz ${rnd.int(1e9).toString(36)}`,
    description: "",
    ingestionUrl: "https://127.0.0.1:9",
    apiKey: "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b",
    index: null,
    events: true,
    flows: false,
    eventFilter: [{ field: "event_type", operator: "in", values: ["Security"] }],
    errorEvents: true,
    hecHost: "cato-sase",
    hecSource: "cato_networks",
    sourcetypes: { events: "cato:events" },
  };
}

/** Valid bodies of the access routes; the fuzzer breaks their fields too. */
function accessBody(): Record<string, unknown> {
  return {
    email: `fuzz-${rnd.int(1e9).toString(36)}@example.com`,
    password: "fuzz passphrase long enough",
    role: rnd.pick(["admin", "viewer"]),
    name: `Fuzz key ${rnd.int(1e6)}`,
    setupCode: "0000-0000-0000-0000",
    currentPassword: "fuzz passphrase long enough",
    newPassword: "another fuzz passphrase",
  };
}

function mutatedAccess(fields: string[]): Record<string, unknown> {
  const full = accessBody();
  const body: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, full[f]]));
  for (let i = rnd.int(3); i > 0; i--) {
    const roll = rnd.int(10);
    if (roll < 6) body[rnd.pick(fields)] = hostileValue();
    else if (roll < 8) delete body[rnd.pick(fields)];
    else body[rnd.chance(0.5) ? rnd.pick(PROTO_KEYS) : hostileString().slice(0, 50)] = hostileValue();
  }
  return body;
}

const INTEGRATION_FIELDS = Object.keys(integrationBody()).concat(["paused", "sendTestEvent"]);

function mutatedIntegration(): Record<string, unknown> {
  const body = integrationBody();
  for (let i = rnd.int(3) + 1; i > 0; i--) {
    const roll = rnd.int(10);
    if (roll < 6) body[rnd.pick(INTEGRATION_FIELDS)] = hostileValue();
    else if (roll < 7) delete body[rnd.pick(INTEGRATION_FIELDS)];
    else if (roll < 8 && rnd.chance(0.5))
      body.eventFilter = [
        { field: rnd.pick(["event_type", "event_sub_type", "__proto__"]), operator: "in", values: [hostileString()] },
      ];
    else if (roll < 8) body.sourcetypes = { [rnd.pick(["events", "flows", "audit", "__proto__"])]: hostileValue() };
    else
      Object.defineProperty(body, rnd.pick(PROTO_KEYS), {
        value: hostileValue(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return body;
}

function feedRecords(): unknown {
  const records = Array.from({ length: rnd.int(4) + 1 }, () => {
    const record: Record<string, unknown> = { event_type: "Security", flow_id: "f-1", time: "1764368000000" };
    for (let i = rnd.int(3) + 1; i > 0; i--) {
      const key = rnd.chance(0.3)
        ? rnd.pick(PROTO_KEYS.concat(["time", "event_type", ""]))
        : hostileString().slice(0, 100);
      Object.defineProperty(record, key, {
        value: rnd.chance(0.6) ? hostileString() : hostileValue(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return record;
  });
  return rnd.chance(0.8) ? records : hostileValue();
}

const MALFORMED_JSON = [
  "{",
  "}",
  "[",
  '{"a":}',
  "{'a':1}",
  '{"a":1,}',
  "nul",
  "undefined",
  "NaN",
  '"\\ud800"',
  "\ufeff{}",
  '{"a":"\\x00"}',
  "1".repeat(400),
  "-",
  "[".repeat(1000),
  "[".repeat(1000) + "]".repeat(1000),
  '{"a":'.repeat(1000) + "1" + "}".repeat(1000),
  "\u0000",
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '[{"__proto__":{"polluted":"yes"},"event_type":"Security","time":"1"}]',
];

type TBody = { text?: string; bytes?: Uint8Array<ArrayBuffer>; contentType?: string };

type TBodyKind = "integration" | "feed" | { fields: string[] };

function hostileBody(kind: TBodyKind): TBody {
  const contentType = rnd.chance(0.75)
    ? rnd.pick([
        "application/json",
        "application/json; charset=utf-8",
        kind === "feed" ? "application/x-ndjson" : "application/merge-patch+json",
      ])
    : rnd.pick([
        "",
        "text/plain",
        "text/html",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=----x",
        "application/xml",
        "application/json; charset=utf-16",
        "application/jsonx",
        "APPLICATION/JSON",
        "application/vnd.api+json",
        "application/x-jsonlines",
        "*/*",
      ]);
  const roll = rnd.int(20);
  if (roll === 0) return { contentType };
  if (roll === 1) return { text: rnd.pick(MALFORMED_JSON), contentType };
  if (roll === 2) return { text: "", contentType };
  if (roll === 3) return { bytes: Uint8Array.from({ length: rnd.int(64) + 1 }, () => rnd.int(256)), contentType };
  if (roll === 4) return { text: JSON.stringify({ name: "x".repeat(MAX_JSON_BODY_BYTES) }), contentType };
  if (roll === 5 && kind === "feed" && contentType.includes("ndjson")) {
    return { text: Array.from({ length: 5 }, () => JSON.stringify(feedRecords())).join("\n"), contentType };
  }
  if (roll < 8) return { text: JSON.stringify(hostileValue()), contentType };
  const valid =
    kind === "feed" ? feedRecords() : kind === "integration" ? mutatedIntegration() : mutatedAccess(kind.fields);
  return { text: JSON.stringify(valid), contentType };
}

/** Ids the fuzzer attacks with; real ones are added as it creates integrations, users and keys. */
const realIds: string[] = [];
const realUserIds: string[] = [];
const realKeyIds: string[] = [];

function hostileId(pool: string[] = realIds): string {
  const roll = rnd.int(12);
  if (roll < 2 && pool.length > 0) return rnd.pick(pool);
  if (roll === 2) return "x".repeat(rnd.chance(0.5) ? 10_000 : 100_000);
  if (roll === 3) return "00000000-0000-0000-0000-000000000000";
  if (roll === 4) return rnd.pick(["", ".", "..", "%2e%2e", "%00", "null", "undefined", "0", "-1", "1e999"]);
  if (roll === 5)
    return `${realIds[0] ?? "00000000-0000-4000-8000-000000000000"}${rnd.pick(["\u0000", "'", " ", "\ud800"])}`;
  return hostileString();
}

/** encodeURIComponent, but a lone surrogate becomes an invalid UTF-8 escape instead of a throw. */
function encode(value: string): string {
  return value.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (char) => {
    try {
      return encodeURIComponent(char);
    } catch {
      return "%ED%A0%80";
    }
  });
}

function hostileMarker(): string {
  return rnd.pick([
    () => "1764368000000-1",
    () => "0-0",
    () => "999999999999999-999999999999999",
    () => "9".repeat(20) + "-1",
    () => "-",
    () => "+",
    () => "(1-1",
    () => "1-1-1",
    () => hostileString(),
  ])();
}

function hostileQuery(): string {
  const keys = ["type", "subType", "before", "limit", "actor", "action", ...PROTO_KEYS, "limit[]", "x"];
  const params: string[] = [];
  for (let i = rnd.int(5); i > 0; i--) {
    const key = rnd.chance(0.8) ? rnd.pick(keys) : hostileString().slice(0, 100);
    const value = rnd.pick([
      () => hostileString(),
      () => String(rnd.pick([-1, 0, 1, 200, 201, 1e21, 1.5])),
      () => rnd.pick(["Infinity", "-Infinity", "NaN", "0x10", "1e2", " 5 ", "", "%", "%ZZ", "%00"]),
      () => hostileMarker(),
    ])();
    params.push(rnd.chance(0.1) ? `${key}=${value}` : `${encode(key)}=${encode(value)}`.slice(0, 120_000));
  }
  return params.length ? `?${params.join(rnd.chance(0.9) ? "&" : ";")}` : rnd.pick(["", "?", "?&&", "?=", "?==="]);
}

type TCase = { method: string; path: string; body?: TBody; params?: Record<string, string> };
type THandler = (request: Request, context: unknown) => Promise<Response> | Response;
type TRoute = {
  name: string;
  module: Record<string, unknown>;
  /** What the route answers with when it succeeds. */
  successType: RegExp;
  build: (method: string) => TCase;
};

const JSON_TYPE = /^application\/json\b/;
const PROBLEM_TYPE = /^application\/problem\+json\b/;
const PROMETHEUS_TYPE = /^text\/plain\b/;

function withId(segment: string, method: string, kind?: "integration"): TCase {
  const id = hostileId();
  return {
    method,
    path: `/api/integrations/${encode(id)}${segment}`,
    params: { id },
    body: kind ? hostileBody(kind) : undefined,
  };
}

const ROUTES: TRoute[] = [
  {
    name: "health/live",
    module: live,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/health/live${hostileQuery()}` }),
  },
  {
    name: "health/ready",
    module: ready,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/health/ready${hostileQuery()}` }),
  },
  {
    name: "health/workers",
    module: workers,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/health/workers${hostileQuery()}` }),
  },
  {
    name: "metrics",
    module: metrics,
    successType: PROMETHEUS_TYPE,
    build: (m) => ({ method: m, path: `/api/metrics${hostileQuery()}` }),
  },
  {
    name: "settings",
    module: settings,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/settings${hostileQuery()}` }),
  },
  {
    name: "cato-account",
    module: catoAccount,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/cato-account${hostileQuery()}`, body: hostileBody("integration") }),
  },
  {
    name: "cato-account/test",
    module: catoAccountTest,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: "/api/cato-account/test", body: hostileBody("integration") }),
  },
  {
    name: "events",
    module: eventList,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/events${hostileQuery()}` }),
  },
  {
    name: "events/[marker]",
    module: eventItem,
    successType: JSON_TYPE,
    build: (m) => {
      const marker = hostileMarker();
      return { method: m, path: `/api/events/${encode(marker)}`, params: { marker } };
    },
  },
  {
    name: "feeds/[feed]",
    module: feeds,
    successType: JSON_TYPE,
    build: (m) => {
      const feed = rnd.chance(0.8) ? rnd.pick(["events", "flows"]) : hostileString();
      return { method: m, path: `/api/feeds/${encode(feed)}`, params: { feed }, body: hostileBody("feed") };
    },
  },
  {
    name: "integrations",
    module: collection,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/integrations${hostileQuery()}`, body: hostileBody("integration") }),
  },
  {
    name: "integrations/test",
    module: newTest,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: "/api/integrations/test", body: hostileBody("integration") }),
  },
  { name: "integrations/[id]", module: item, successType: JSON_TYPE, build: (m) => withId("", m, "integration") },
  {
    name: "integrations/[id]/test",
    module: savedTest,
    successType: JSON_TYPE,
    build: (m) => withId("/test", m, "integration"),
  },
  {
    name: "integrations/[id]/activity",
    module: activity,
    successType: JSON_TYPE,
    build: (m) => withId("/activity", m),
  },
  { name: "integrations/[id]/series", module: series, successType: JSON_TYPE, build: (m) => withId("/series", m) },
  {
    name: "auth/sign-in",
    module: signIn,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: "/api/auth/sign-in", body: hostileBody({ fields: ["email", "password"] }) }),
  },
  {
    name: "auth/sign-out",
    module: signOut,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: "/api/auth/sign-out" }),
  },
  {
    name: "auth/me",
    module: me,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/auth/me${hostileQuery()}` }),
  },
  {
    name: "auth/password",
    module: password,
    successType: JSON_TYPE,
    build: (m) => ({
      method: m,
      path: "/api/auth/password",
      body: hostileBody({ fields: ["currentPassword", "newPassword"] }),
    }),
  },
  {
    name: "auth/setup",
    module: setup,
    successType: JSON_TYPE,
    build: (m) => ({
      method: m,
      path: "/api/auth/setup",
      body: hostileBody({ fields: ["setupCode", "email", "password"] }),
    }),
  },
  {
    name: "users",
    module: users,
    successType: JSON_TYPE,
    build: (m) => ({
      method: m,
      path: `/api/users${hostileQuery()}`,
      body: hostileBody({ fields: ["email", "password", "role"] }),
    }),
  },
  {
    name: "users/[id]",
    module: userItem,
    successType: JSON_TYPE,
    build: (m) => {
      const id = hostileId(realUserIds);
      return {
        method: m,
        path: `/api/users/${encode(id)}`,
        params: { id },
        body: hostileBody({ fields: ["role", "password"] }),
      };
    },
  },
  {
    name: "api-keys",
    module: apiKeys,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: "/api/api-keys", body: hostileBody({ fields: ["name", "role"] }) }),
  },
  {
    name: "api-keys/[id]",
    module: apiKeyItem,
    successType: JSON_TYPE,
    build: (m) => {
      const id = hostileId(realKeyIds);
      return { method: m, path: `/api/api-keys/${encode(id)}`, params: { id } };
    },
  },
  {
    name: "audit",
    module: audit,
    successType: JSON_TYPE,
    build: (m) => ({ method: m, path: `/api/audit${hostileQuery()}` }),
  },
];

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;
const MUTATING = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/** Now and then the caller's credentials themselves are hostile: the route must answer 401, not fail. */
function hostileCredentials(headers: Headers): void {
  const value = () => rnd.pick([hostileString().slice(0, 2000), "Bearer ", "Bearer sck_" + "A".repeat(43), "ses_x"]);
  const roll = rnd.int(30);
  try {
    if (roll === 0) headers.set("authorization", value());
    if (roll === 1) headers.set("cookie", `console_session=${value()}; __Host-console_session=${value()}`);
    if (roll === 2) headers.set("x-client-address", value());
  } catch {
    // Headers refuses some characters outright, as an HTTP server would.
  }
}

function toRequest(c: TCase): Request {
  const headers = new Headers();
  if (c.body?.contentType) headers.set("content-type", c.body.contentType);
  hostileCredentials(headers);
  const body = c.body?.bytes ?? c.body?.text;
  return new Request(`${BASE}${c.path}`, {
    method: c.method,
    headers,
    body: c.method === "GET" || c.method === "DELETE" ? undefined : body,
  });
}

async function snapshot(): Promise<string> {
  const { rows } = await sql.query(`SELECT * FROM "Integration" ORDER BY id`);
  const { rows: people } = await sql.query(`SELECT id, email, role, "passwordHash" FROM "User" ORDER BY id`);
  const { rows: keys } = await sql.query(`SELECT id, name, role, "revokedAt" FROM "ApiKey" ORDER BY id`);
  const [events, flows] = await Promise.all([redis.xlen("feed:events"), redis.xlen("feed:flows")]);
  return JSON.stringify({ rows, people, keys, events, flows });
}

const STACK = /\bat .+\.(ts|tsx|js|mjs|cjs):\d+|node_modules|\n\s+at /;

type TStats = {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<number, number>;
  accepted: Record<string, number>;
  rejectedMutations: number;
};

describe("the REST API under hostile input", () => {
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  const stats: TStats = { requests: 0, byRoute: {}, byStatus: {}, accepted: {}, rejectedMutations: 0 };

  beforeAll(async () => {
    await redis.flushdb();
    await sql.query(`DELETE FROM "Integration"`);
    // A worker's heartbeat, so that readiness is a 200 rather than the documented 503.
    await redis.set(workerHeartbeatKey("fuzz-1"), new Date().toISOString(), "EX", 600);
    for (let i = 0; i < 3; i++) {
      const response = await collection.POST(
        new Request(`${BASE}/api/integrations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(integrationBody()),
        }),
        undefined,
      );
      expect(response.status).toBe(201);
      realIds.push(((await response.json()) as { id: string }).id);
    }
  });

  afterAll(async () => {
    console.info(`api fuzz (seed ${SEED}):`, JSON.stringify(stats));
    await closeHecConnections();
    await redis.quit();
    await sql.end();
    await disconnectDb();
  });

  async function send(route: TRoute, c: TCase): Promise<void> {
    const handler = route.module[c.method] as THandler | undefined;
    if (!handler) return;
    const label = `${route.name} ${c.method} ${c.path.slice(0, 200)} body=${JSON.stringify(c.body?.text?.slice(0, 200) ?? c.body?.bytes?.length ?? null)} type=${c.body?.contentType ?? ""}`;
    const isMutation = MUTATING.has(c.method);
    const before = isMutation ? await snapshot() : "";

    let response: Response;
    try {
      response = await handler(toRequest(c), { params: Promise.resolve(c.params ?? {}) });
    } catch (error) {
      throw new Error(`handler threw: ${label}: ${String(error)}`);
    }
    const text = await response.text();
    stats.requests++;
    stats.byRoute[route.name] = (stats.byRoute[route.name] ?? 0) + 1;
    stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;

    expect(response.status, `${label} -> ${text.slice(0, 300)}`).toBeLessThan(500);
    const type = response.headers.get("content-type") ?? "";
    if (response.status === 204) expect(text, label).toBe("");
    else if (response.status >= 400) expect(type, label).toMatch(PROBLEM_TYPE);
    else expect(type, label).toMatch(route.successType);
    if (response.status >= 400) expect(() => JSON.parse(text) as unknown, label).not.toThrow();
    expect(text, label).not.toMatch(STACK);
    expect(text.toLowerCase(), label).not.toContain("<script");

    if (!isMutation) return;
    if (response.status >= 400) {
      stats.rejectedMutations++;
      expect(await snapshot(), `a rejected request changed stored data: ${label}`).toBe(before);
      return;
    }
    const key = `${route.name} ${c.method} ${response.status}`;
    stats.accepted[key] = (stats.accepted[key] ?? 0) + 1;
    // Keep the pool of real ids current for the next cases.
    if (route.name === "integrations" && response.status === 201) realIds.push((JSON.parse(text) as { id: string }).id);
    if (route.name === "integrations/[id]" && c.method === "DELETE") realIds.splice(realIds.indexOf(c.params!.id!), 1);
    if (route.name === "users" && response.status === 201) realUserIds.push((JSON.parse(text) as { id: string }).id);
    if (route.name === "api-keys" && response.status === 201) {
      realKeyIds.push((JSON.parse(text) as { apiKey: { id: string } }).apiKey.id);
    }
  }

  // Its own cap, well above the 30 s default: ten thousand requests took 275 s on a
  // shared 2-core machine under heavy load (a build and browser tests alongside).
  it(`answers ${CASES} hostile requests with designed replies`, { timeout: 600_000 }, async () => {
    for (let i = 0; i < CASES; i++) {
      const route = ROUTES[i % ROUTES.length]!;
      const methods = METHODS.filter((m) => typeof route.module[m] === "function");
      await send(route, route.build(rnd.pick(methods)));
    }
    // Every route and method at least once more, so none is left out by chance.
    for (const route of ROUTES) {
      for (const method of METHODS.filter((m) => typeof route.module[m] === "function")) {
        await send(route, route.build(method));
      }
    }
    expect(stats.requests).toBeGreaterThanOrEqual(CASES);
  });

  it("refuses bodies over the limits without reading them whole", async () => {
    const before = await snapshot();
    // 64 MB offered to the 32 MB ingest limit, with no declared length: the route stops at the limit.
    const chunk = 1024 * 1024;
    // One record whose field never ends, so the body stays well-formed as far as it goes.
    const ingest = meteredBody(64 * 1024 * 1024, chunk, '[{"event_type":"Security","time":"1","pad":"');
    const feed = await feeds.POST(
      meteredRequest(`${BASE}/api/feeds/events`, ingest, { headers: await authHeaders() }),
      {
        params: Promise.resolve({ feed: "events" }),
      },
    );
    expect(feed.status).toBe(413);
    expect(ingest.pulled).toBeLessThanOrEqual(32 * 1024 * 1024 + chunk);
    expect(ingest.cancelled).toBe(true);

    const resource = meteredBody(1024 * 1024, 16 * 1024);
    const create = await collection.POST(
      meteredRequest(`${BASE}/api/integrations`, resource, { headers: await authHeaders() }),
      undefined,
    );
    expect(create.status).toBe(413);
    expect(create.headers.get("content-type")).toMatch(PROBLEM_TYPE);
    expect(resource.pulled).toBeLessThanOrEqual(MAX_JSON_BODY_BYTES + 16 * 1024);
    expect(resource.cancelled).toBe(true);
    expect(await snapshot()).toBe(before);
  });

  it("leaves Object.prototype unpolluted", () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
