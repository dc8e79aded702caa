/**
 * Who may call what, over HTTP, on every route the app has: the routes are found by
 * globbing app/api, so a new route is swept without anyone listing it here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { client } from "./client";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";

type Endpoint = { method: (typeof METHODS)[number]; path: string; file: string };

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(path);
    return entry.name === "route.ts" ? [path] : [];
  });
}

/** Every method every app/api route exports, with its dynamic segments filled in. */
function endpoints(): Endpoint[] {
  // The catch-all answers 404 to everyone (ingest-and-edges.test.ts): it serves no resource.
  return routeFiles("app/api")
    .filter((file) => !file.includes("[..."))
    .flatMap((file) => {
      const source = readFileSync(file, "utf8");
      const path =
        "/" +
        relative("app", file)
          .replace(/\/route\.ts$/, "")
          .replace(/\[feed\]/g, "events")
          .replace(/\[[^\]]+\]/g, SAMPLE_ID);
      return METHODS.filter((method) =>
        new RegExp(`export (const ${method}\\b|(async )?function ${method}\\b)`).test(source),
      ).map((method) => ({ method, path, file }));
    });
}

const key = (e: Endpoint) => `${e.method} ${e.path.replaceAll(SAMPLE_ID, ":id")}`;

/** What anyone may call without credentials. */
const PUBLIC = new Set([
  "GET /api/health/live",
  "GET /api/health/ready",
  "GET /api/auth/setup",
  "POST /api/auth/setup",
  "POST /api/auth/sign-in",
  "POST /api/auth/sign-out",
]);

/** What a Viewer may call beyond reading: changing their own password. */
const VIEWER_CHANGES = new Set(["POST /api/auth/password"]);
/** What a Viewer may not read. */
const ADMIN_READS = new Set(["GET /api/users", "GET /api/api-keys"]);

const all = endpoints();

describe("every API route", () => {
  it("is found by the sweep", () => {
    // The sweep must see the routes; a parsing slip would make the sweeps below vacuous.
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(all.map(key)).toContain("PATCH /api/integrations/:id");
    expect(all.map(key)).toContain("GET /api/health/live");
  });

  it.each(all.filter((e) => !PUBLIC.has(key(e))).map((e) => [key(e), e] as const))(
    "%s answers 401 problem+json without credentials",
    async (_name, endpoint) => {
      const response = await client("anonymous").fetch(endpoint.path, {
        method: endpoint.method,
        ...(endpoint.method === "GET" || endpoint.method === "DELETE"
          ? {}
          : { body: "{}", headers: { "content-type": "application/json" } }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      await response.body?.cancel();
    },
  );

  it.each(all.filter((e) => !PUBLIC.has(key(e))).map((e) => [key(e), e] as const))(
    "%s answers 401 with an unknown API key and with a forged session cookie",
    async (_name, endpoint) => {
      const forged: Record<string, string>[] = [
        { authorization: "Bearer sk_" + "0".repeat(40) },
        { cookie: "console_session=" + "A".repeat(43) },
      ];
      for (const headers of forged) {
        const response = await client("anonymous").fetch(endpoint.path, { method: endpoint.method, headers });
        expect(response.status).toBe(401);
        await response.body?.cancel();
      }
    },
  );

  const viewerRefused = all.filter(
    (e) => !PUBLIC.has(key(e)) && (e.method === "GET" ? ADMIN_READS.has(key(e)) : !VIEWER_CHANGES.has(key(e))),
  );
  it.each(viewerRefused.flatMap((e) => (["apiKey", "session"] as const).map((how) => [key(e), how, e] as const)))(
    "%s answers 403 to a Viewer (%s)",
    async (_name, how, endpoint) => {
      const response = await client("viewer", how).fetch(endpoint.path, {
        method: endpoint.method,
        ...(endpoint.method === "GET" || endpoint.method === "DELETE"
          ? {}
          : { body: "{}", headers: { "content-type": "application/json" } }),
      });
      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      await response.body?.cancel();
    },
  );
});
