/**
 * A small client for the HTTP tests: requests to the running product (started once per
 * run by test/http/global-setup.ts) as an Admin, a Viewer or nobody, signed in with a
 * session cookie or with an API key.
 *
 * Writing an HTTP test: put it in test/http/<name>.test.ts (run with
 * `npx vitest run -c vitest.http.config.ts test/http/<name>.test.ts`, or `npm test`), then
 *
 *   import { client, raw } from "./client";
 *   const admin = client("admin");                  // Authorization: Bearer <admin API key>
 *   const viewer = client("viewer", "session");     // Cookie: the session of a signed-in Viewer
 *   const nobody = client("anonymous");
 *   const created = await admin.post("/api/integrations", { name: "x", ... });
 *   expect(created.status).toBe(201);
 *   await created.json();
 *
 * `client(...).fetch(path, init)` is the global fetch with the caller's credentials
 * added; `raw(...)` sends bytes exactly as given (a declared Content-Length, a body
 * sent slowly or never, from another loopback address) over node:http. `product()` holds the base URL, the accounts,
 * the product's own DATABASE_URL / REDIS_URL and its log files. The product is shared
 * by every HTTP test file of the run: make names unique, and do not change the Admin's
 * password or role. Sign-ins are limited per client address: sign in through
 * `client(role, "session")` (one sign-in per role per file) rather than by hand.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { inject } from "vitest";
import type { HttpProduct } from "./product";

export type Role = "admin" | "viewer";
export type Who = Role | "anonymous";
export type How = "apiKey" | "session";

export function product(): HttpProduct {
  return inject("httpProduct");
}

export function url(path: string): string {
  return new URL(path, product().baseUrl).toString();
}

const sessions = new Map<Role, Promise<string>>();

/** Signs in through POST /api/auth/sign-in; the `name=value` of the session cookie. */
export async function signIn(role: Role): Promise<string> {
  const response = await fetch(url("/api/auth/sign-in"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(product().accounts[role]),
  });
  if (!response.ok) throw new Error(`${role} sign-in failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie()[0];
  if (!cookie) throw new Error("sign-in set no cookie");
  return cookie.split(";")[0]!;
}

/** The role's session cookie, signed in once per test file. */
export function sessionCookie(role: Role): Promise<string> {
  let cookie = sessions.get(role);
  if (!cookie) {
    cookie = signIn(role);
    sessions.set(role, cookie);
  }
  return cookie;
}

/** The headers that say who the caller is. */
export async function credentials(who: Who, how: How = "apiKey"): Promise<Record<string, string>> {
  if (who === "anonymous") return {};
  if (how === "apiKey") return { authorization: `Bearer ${product().apiKeys[who]}` };
  return { cookie: await sessionCookie(who) };
}

export type Client = {
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  get: (path: string) => Promise<Response>;
  delete: (path: string) => Promise<Response>;
  post: (path: string, body?: unknown) => Promise<Response>;
  put: (path: string, body?: unknown) => Promise<Response>;
  patch: (path: string, body?: unknown) => Promise<Response>;
};

export function client(who: Who = "admin", how: How = "apiKey"): Client {
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(await credentials(who, how))) {
      if (!headers.has(name)) headers.set(name, value);
    }
    return fetch(url(path), { ...init, headers, redirect: "manual" });
  };
  const withJson = (method: string) => (path: string, body?: unknown) =>
    send(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
  return {
    fetch: send,
    get: (path) => send(path),
    delete: (path) => send(path, { method: "DELETE" }),
    post: withJson("POST"),
    put: withJson("PUT"),
    patch: withJson("PATCH"),
  };
}

export type RawResponse = { status: number; headers: IncomingHttpHeaders; body: string };

/**
 * One request over node:http with exactly these headers (Content-Length included, as
 * given) and this body: written whole, or not at all when `body` is undefined, or by
 * `write` for slow and truncated bodies (resolve when done writing; the request is
 * ended only when `end` is not false).
 */
export function raw(
  method: string,
  path: string,
  options: {
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    write?: (request: import("node:http").ClientRequest) => Promise<void>;
    end?: boolean;
    /** The loopback address to connect from (127.0.0.2, …): a client address of its own. */
    localAddress?: string;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url(path));
    const request = httpRequest(
      {
        method,
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        headers: options.headers,
        agent: false,
        localAddress: options.localAddress,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          request.destroy(); // a body still unsent (declared but never written) is not waited for
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    if (options.write) {
      void options.write(request).then(() => {
        if (options.end !== false) request.end();
      }, reject);
    } else if (options.body !== undefined) {
      request.end(options.body);
    } else if (options.end !== false) {
      request.end();
    }
  });
}
