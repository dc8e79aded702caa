/**
 * The resource routes' body rules over HTTP, with real Content-Length headers and real
 * sockets: what the in-process tests cannot send.
 */
import { describe, expect, it } from "vitest";
import { credentials, raw } from "./client";

const LIMIT = 64 * 1024;
/** Routes that take a JSON body, as an Admin would call them. */
const ROUTES = ["/api/integrations", "/api/users", "/api/api-keys", "/api/integrations/test", "/api/auth/sign-in"];

async function adminHeaders(extra: Record<string, string | number> = {}) {
  return { ...(await credentials("admin")), "content-type": "application/json", ...extra };
}

function problem(body: string): { status: number; detail: string } {
  return JSON.parse(body) as { status: number; detail: string };
}

describe("JSON bodies over HTTP", () => {
  it.each(ROUTES)("POST %s: a body over 64 KB with its real Content-Length is refused with 413", async (path) => {
    const body = `{"name":"${"x".repeat(LIMIT)}"}`;
    const response = await raw("POST", path, {
      headers: await adminHeaders({ "content-length": Buffer.byteLength(body) }),
      body,
    });
    expect(response.status).toBe(413);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(problem(response.body).detail).toContain("64 KB");
  });

  it.each(ROUTES)("POST %s: a chunked body that grows past 64 KB is refused with 413", async (path) => {
    const response = await raw("POST", path, {
      headers: await adminHeaders({ "transfer-encoding": "chunked" }),
      write: async (request) => {
        const piece = Buffer.alloc(8 * 1024, " ");
        for (let sent = 0; sent <= LIMIT + piece.length; sent += piece.length) {
          if (!request.write(piece)) await new Promise((r) => request.once("drain", r));
        }
      },
    });
    expect(response.status).toBe(413);
  });

  it("a body up to 64 KB with its real Content-Length is read whole (a 422 about its content, not a 413)", async () => {
    const body = `{"name":"${"x".repeat(LIMIT - 20)}"}`;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(LIMIT);
    const response = await raw("POST", "/api/api-keys", {
      headers: await adminHeaders({ "content-length": Buffer.byteLength(body) }),
      body,
    });
    expect(response.status).toBe(422);
    expect(response.body).toContain("name");
  });

  it.each(ROUTES)("POST %s: a body that is not JSON by its Content-Type is refused with 415", async (path) => {
    const body = "name=x";
    const response = await raw("POST", path, {
      headers: await adminHeaders({
        "content-type": "application/x-www-form-urlencoded",
        "content-length": body.length,
      }),
      body,
    });
    expect(response.status).toBe(415);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("malformed JSON with a real Content-Length is a 400 that says so", async () => {
    const body = '{"name": ';
    const response = await raw("POST", "/api/integrations", {
      headers: await adminHeaders({ "content-length": body.length }),
      body,
    });
    expect(response.status).toBe(400);
    expect(problem(response.body).detail).toMatch(/not valid JSON/);
  });
});
