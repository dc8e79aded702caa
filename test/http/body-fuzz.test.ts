/**
 * Hostile bodies against every route that takes one, over HTTP: large bodies sent by
 * nobody and by an Admin, bodies that stop arriving, bodies cut off half-way. Every
 * request gets a designed reply (problem+json, under 500) or, cut off, none; the web
 * server keeps answering throughout. Routes are found by globbing app/api.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { product, raw, type RawResponse } from "./client";

const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";
const BODY_METHODS = ["POST", "PUT", "PATCH"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(path);
    return entry.name === "route.ts" ? [path] : [];
  });
}

/** Every method taking a body that a route exports, plus a path no route serves. */
const targets = [
  ...routeFiles("app/api").flatMap((file) => {
    const source = readFileSync(file, "utf8");
    const path =
      "/" +
      relative("app", file)
        .replace(/\/route\.ts$/, "")
        .replace(/\[feed\]/g, "events")
        .replace(/\[\.\.\.[^\]]+\]/g, "no/such/path")
        .replace(/\[[^\]]+\]/g, SAMPLE_ID);
    return BODY_METHODS.filter((method) =>
      new RegExp(`export (const ${method}\\b|(async )?function ${method}\\b)`).test(source),
    ).map((method) => ({ method, path }));
  }),
];

const who = {
  nobody: {},
  admin: () => ({ authorization: `Bearer ${product().apiKeys.admin}` }),
};

/** A reply the product designed: under 500, and a refusal is problem+json without a stack or markup. */
function designed(response: RawResponse, label: string) {
  expect(response.status, label).toBeGreaterThanOrEqual(200);
  expect(response.status, label).toBeLessThan(500);
  if (response.status >= 400) {
    expect(String(response.headers["content-type"]), label).toMatch(/^application\/problem\+json/);
  }
  expect(response.body, label).not.toMatch(/at \w+ \(|<html/i);
}

async function alive() {
  expect((await fetch(new URL("/api/health/live", product().baseUrl))).status).toBe(200);
}

describe("hostile bodies on every route", () => {
  it("finds the routes", () => {
    expect(targets.length).toBeGreaterThanOrEqual(10);
    expect(targets).toContainEqual({ method: "POST", path: "/api/feeds/events" });
  });

  it("answers a 40 MB body, from nobody and from an Admin, with a designed reply without taking it all", async () => {
    for (const { method, path } of targets) {
      for (const [name, headers] of [
        ["nobody", who.nobody],
        ["admin", who.admin()],
      ] as const) {
        let written = 0;
        const response = await raw(method, path, {
          headers: { ...headers, "content-type": "application/json", "content-length": 40 * 1024 * 1024 },
          write: async (request) => {
            // Write until the server answers or stops taking it; never all 40 MB.
            const piece = Buffer.alloc(256 * 1024, " ");
            for (let i = 0; i < 8 && !request.destroyed; i++) {
              if (!request.write(piece)) await new Promise((resolve) => request.once("drain", resolve));
              written += piece.length;
            }
          },
          end: false,
        });
        designed(response, `${name} ${method} ${path}`);
        expect(written).toBeLessThan(40 * 1024 * 1024);
      }
    }
    await alive();
  });

  it("answers bodies that stop arriving with 408 or a designed refusal, in parallel", async () => {
    const replies = await Promise.all(
      targets.map(({ method, path }) =>
        raw(method, path, {
          headers: { ...who.admin(), "content-type": "application/json", "content-length": 1000 },
          write: async (request) => {
            request.write('{"name":');
          },
          end: false,
        }).then((response) => ({ response, label: `${method} ${path}` })),
      ),
    );
    for (const { response, label } of replies) designed(response, label);
    expect(replies.some(({ response }) => response.status === 408)).toBe(true);
    await alive();
  }, 60_000);

  it("survives bodies cut off half-way, from nobody and from an Admin", async () => {
    await Promise.all(
      targets.flatMap(({ method, path }) =>
        [who.nobody, who.admin()].map((headers) =>
          raw(method, path, {
            headers: { ...headers, "content-type": "application/json", "content-length": 100_000 },
            write: async (request) => {
              request.write('[{"event_type":"Security","time":"1",');
              await new Promise((resolve) => setTimeout(resolve, 50));
              request.destroy();
            },
            end: false,
          }).catch(() => undefined),
        ),
      ),
    );
    await alive();
  });
});
