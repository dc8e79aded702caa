/**
 * Which client address the product believes, over real sockets: the sign-in limit
 * counts per address, and headers a client writes cannot pick that address unless the
 * operator says how many proxies to trust (TRUST_PROXY_HOPS). Each test connects from
 * a loopback address of its own (127.0.0.x), so its failures count against no one else.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, stopChild, waitFor } from "../../scripts/lib/processes";
import { product, raw } from "./client";

/** A failed sign-in for an account of its own each time, so that only the per-address limit can answer 429. */
async function failSignIn(from: string, headers: Record<string, string> = {}, base?: string) {
  const body = JSON.stringify({
    email: `nobody-${randomBytes(6).toString("hex")}@http.test`,
    password: "wrong password 12345",
  });
  return raw("POST", base ? `${base}/api/auth/sign-in` : "/api/auth/sign-in", {
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
    body,
    localAddress: from,
  });
}

/** Fails sign-ins until the limit answers 429; how many attempts that took (at most 100). */
async function attemptsUntilLimited(next: (i: number) => Promise<{ status: number }>): Promise<number> {
  for (let i = 1; i <= 100; i++) {
    const { status } = await next(i);
    if (status === 429) return i;
    expect(status).toBe(401);
  }
  return Infinity;
}

describe("the client address (TRUST_PROXY_HOPS=0)", () => {
  it("spoofed X-Forwarded-For and X-Client-Address cannot escape the per-address sign-in limit", async () => {
    const honest = await attemptsUntilLimited(() => failSignIn("127.0.0.21"));
    expect(honest).toBeLessThan(100);
    const spoofing = await attemptsUntilLimited((i) =>
      failSignIn("127.0.0.22", {
        "x-forwarded-for": `203.0.113.${i}`,
        "x-client-address": `198.51.100.${i}`,
        "x-real-ip": `192.0.2.${i}`,
      }),
    );
    expect(spoofing).toBe(honest);
  }, 240_000);

  it("the limit is per address: another address still signs in", async () => {
    await attemptsUntilLimited(() => failSignIn("127.0.0.23"));
    const { email, password } = product().accounts.viewer;
    const body = JSON.stringify({ email, password });
    const response = await raw("POST", "/api/auth/sign-in", {
      headers: { "content-type": "application/json", "content-length": body.length },
      body,
      localAddress: "127.0.0.24",
    });
    expect(response.status).toBe(200);
  }, 180_000);

  it("ignores X-Forwarded-Proto: the session cookie is neither Secure nor __Host- over plain HTTP", async () => {
    const { email, password } = product().accounts.viewer;
    const body = JSON.stringify({ email, password });
    const response = await raw("POST", "/api/auth/sign-in", {
      headers: { "content-type": "application/json", "content-length": body.length, "x-forwarded-proto": "https" },
      body,
      localAddress: "127.0.0.25",
    });
    expect(response.status).toBe(200);
    const cookie = String(response.headers["set-cookie"]);
    expect(cookie).toMatch(/^console_session=/);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).toMatch(/HttpOnly/);
  });
});

describe("behind one TLS-terminating proxy (TRUST_PROXY_HOPS=1)", () => {
  let web: ChildProcess | undefined;
  let base = "";

  beforeAll(async () => {
    // A second web server on the same database and Redis, as an operator behind a proxy runs it.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    web = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        TRUST_PROXY_HOPS: "1",
        DATABASE_URL: product().databaseUrl,
        REDIS_URL: product().redisUrl,
        ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        SIMULATOR: "off",
      },
      stdio: "ignore",
    });
    await waitFor(async () => (await fetch(`${base}/api/health/live`)).ok, 90_000, "the second web server");
  }, 120_000);
  afterAll(() => stopChild(web));

  it("counts the address the proxy wrote, the right-most X-Forwarded-For entry, not what the client put before it", async () => {
    // Every attempt comes from one proxy connection (127.0.0.31) on behalf of one client
    // (192.0.2.7), which prepends a different address of its own choosing each time.
    const limited = await attemptsUntilLimited((i) =>
      failSignIn("127.0.0.31", { "x-forwarded-for": `203.0.113.${i}, 192.0.2.7` }, base),
    );
    expect(limited).toBeLessThan(100);
    // Another client behind the same proxy is not limited.
    const other = await failSignIn("127.0.0.31", { "x-forwarded-for": "192.0.2.8" }, base);
    expect(other.status).toBe(401);
  }, 180_000);

  it("sets a Secure __Host- session cookie when the proxy says the browser used HTTPS", async () => {
    const { email, password } = product().accounts.viewer;
    const body = JSON.stringify({ email, password });
    const response = await raw("POST", `${base}/api/auth/sign-in`, {
      headers: {
        "content-type": "application/json",
        "content-length": body.length,
        "x-forwarded-for": "192.0.2.9",
        "x-forwarded-proto": "https",
      },
      body,
      localAddress: "127.0.0.32",
    });
    expect(response.status).toBe(200);
    const cookie = String(response.headers["set-cookie"]);
    expect(cookie).toMatch(/^__Host-console_session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });
});
