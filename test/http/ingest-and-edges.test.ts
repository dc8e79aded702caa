/**
 * Ingest limits and the edges an attacker probes, over HTTP through scripts/serve.ts
 * and Next's routing: bodies far past Next's 10 MB proxy buffer arrive whole, any
 * request is appended whole or refused whole, nothing reads a body before
 * authentication, stalled and cut-off bodies end, sign-in's `next` stays on this site,
 * cross-site changes are refused by scheme, host and port, unknown API paths are 404.
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { client, product, raw, sessionCookie } from "./client";

const admin = client("admin");
const redis = new Redis(product().redisUrl);

afterAll(async () => {
  await redis.quit();
});

let clock = 1764368000000;
/** An event whose JSON is `size` bytes long (ASCII). */
function eventOf(size: number, fields: Record<string, string> = {}): string {
  clock += 1;
  const base = JSON.stringify({
    event_type: "Security",
    event_sub_type: "IPS",
    time: String(clock),
    ...fields,
    pad: "",
  });
  return base.replace('"pad":""', `"pad":"${"p".repeat(size - base.length)}"`);
}

const feedLength = () => redis.xlen("feed:events");
const stagedKeys = () => redis.keys("feed:events:staging:*");

async function ingest(body: string, contentType: string, who = admin) {
  return who.fetch("/api/feeds/events", { method: "POST", headers: { "content-type": contentType }, body });
}

describe("POST /api/feeds/events over HTTP", () => {
  it("appends 20,000 NDJSON lines of 1,024 bytes (20,480,000 bytes) whole", async () => {
    const before = await feedLength();
    const body = Array.from({ length: 20_000 }, () => eventOf(1023)).join("\n") + "\n";
    expect(Buffer.byteLength(body)).toBe(20_480_000);
    const response = await ingest(body, "application/x-ndjson");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(20_000);
    expect((await feedLength()) - before).toBe(20_000);
  });

  it("appends a 31 MB JSON array of 1.5 KB events whole", async () => {
    const records = Array.from({ length: 21_500 }, () => eventOf(1536));
    const body = `[${records.join(",")}]`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(31 * 1024 * 1024);
    const before = await feedLength();
    const response = await ingest(body, "application/json");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(21_500);
    expect((await feedLength()) - before).toBe(21_500);
  });

  it("accepts 16,000+ tiny records in one request", async () => {
    const body = Array.from({ length: 30_000 }, (_, i) => `{"event_type":"S","time":"${i}"}`).join("\n");
    const response = await ingest(body, "application/x-ndjson");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(30_000);
  });

  it("answers 413 naming the limit past 32 MB, declared or streamed, and appends nothing", async () => {
    const before = await feedLength();
    const body = `[${Array.from({ length: 22_000 }, () => eventOf(1536)).join(",")}]`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(32 * 1024 * 1024);
    const declared = await ingest(body, "application/json");
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { detail: string }).detail).toContain("32 MB");

    // Without a Content-Length (chunked), the count stops it.
    const bytes = Buffer.from(body);
    const streamed = await admin.fetch("/api/feeds/events", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 1024 * 1024) controller.enqueue(bytes.subarray(i, i + 1024 * 1024));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await feedLength()).toBe(before);
    expect(await stagedKeys()).toEqual([]);
  });

  it("refuses 12 MB whole (422) when its last record is invalid: nothing appended, nothing staged", async () => {
    const before = await feedLength();
    const lines = Array.from({ length: 8000 }, () => eventOf(1536));
    lines.push('{"event_type":"Security"}');
    const response = await ingest(lines.join("\n"), "application/x-ndjson");
    expect(response.status).toBe(422);
    expect(((await response.json()) as { invalid_params: unknown[] }).invalid_params).toEqual([
      { name: "records[8000]", reason: "Record 8000 field time is required" },
    ]);
    expect(await feedLength()).toBe(before);
    expect(await stagedKeys()).toEqual([]);
  });
});

describe("bodies and authentication", () => {
  it("answers 401 to an unauthenticated 10 MB upload without reading it", async () => {
    let written = 0;
    const response = await raw("POST", "/api/feeds/events", {
      headers: { "content-type": "application/json", "content-length": 10 * 1024 * 1024 },
      // A first piece only: the reply must come while the rest was never sent.
      write: async (request) => {
        request.write(Buffer.alloc(64 * 1024, "["));
        written += 64 * 1024;
      },
      end: false,
    });
    expect(response.status).toBe(401);
    expect(response.headers["content-type"]).toMatch(/problem\+json/);
    expect(written).toBeLessThan(10 * 1024 * 1024);
  });

  it("answers 408 to a body that stops arriving, and the server keeps answering", async () => {
    const cookie = await sessionCookie("admin");
    const response = await raw("POST", "/api/feeds/events", {
      headers: { "content-type": "application/json", "content-length": 100, cookie },
      write: async (request) => {
        request.write('[{"event_type":"S"');
      },
      end: false,
    });
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({ status: 408 });
    expect((await fetch(new URL("/api/health/live", product().baseUrl))).status).toBe(200);
  });

  it("appends nothing from a body cut off half-way", async () => {
    const before = await feedLength();
    const line = `${eventOf(1024)}\n`;
    await raw("POST", "/api/feeds/events", {
      headers: {
        "content-type": "application/x-ndjson",
        "content-length": 100 * line.length,
        authorization: `Bearer ${product().apiKeys.admin}`,
      },
      write: async (request) => {
        request.write(line.repeat(50));
        await new Promise((resolve) => setTimeout(resolve, 200));
        request.destroy();
      },
      end: false,
    }).catch(() => undefined);
    expect((await fetch(new URL("/api/health/live", product().baseUrl))).status).toBe(200);
    expect(await feedLength()).toBe(before);
  });

  it("refuses a body sent to a page, unread", async () => {
    const response = await raw("POST", "/sign-in", {
      headers: { "content-type": "application/x-www-form-urlencoded", "content-length": 10 * 1024 * 1024 },
      write: async (request) => {
        request.write("email=a");
      },
      end: false,
    });
    expect(response.status).toBe(400);
  });
});

describe("edges", () => {
  it("answers problem+json 404 on unknown API paths, whatever the method and the caller", async () => {
    for (const [who, method] of [
      ["anonymous", "GET"],
      ["admin", "GET"],
      ["anonymous", "POST"],
      ["admin", "DELETE"],
    ] as const) {
      const response = await client(who).fetch("/api/no/such/thing", {
        method,
        ...(method === "POST" ? { body: "{}", headers: { "content-type": "application/json" } } : {}),
      });
      expect(response.status, `${who} ${method}`).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
      await response.body?.cancel();
    }
  });

  it("refuses cross-site changes by scheme, host and port, and ignores a forged X-Forwarded-Host", async () => {
    const own = new URL(product().baseUrl);
    const send = (headers: Record<string, string>) =>
      admin.fetch("/api/auth/sign-out", { method: "POST", headers: { ...headers } });
    for (const origin of [
      `https://${own.host}`,
      `http://${own.hostname}:${Number(own.port) + 1}`,
      "http://evil.example",
      "null",
    ]) {
      expect((await send({ origin })).status, origin).toBe(403);
    }
    expect((await send({ origin: "http://evil.example", "x-forwarded-host": "evil.example" })).status).toBe(403);
    expect((await send({ origin: `http://${own.host}` })).status).not.toBe(403);
  });

  it("keeps next on this site after sign-in, and sends a signed-in visit to /sign-in on", async () => {
    const cookie = await sessionCookie("viewer");
    for (const next of [
      "/%09/evil.example",
      "/%0A/evil.example",
      "/%5Cevil.example",
      "//evil.example",
      "/\\evil.example",
      "https://evil.example/",
    ]) {
      const response = await fetch(new URL(`/sign-in?next=${next}`, product().baseUrl), {
        headers: { cookie },
        redirect: "manual",
      });
      expect(response.status, next).toBeGreaterThanOrEqual(300);
      expect(response.status, next).toBeLessThan(400);
      const location = new URL(response.headers.get("location")!, product().baseUrl);
      expect(location.origin, next).toBe(new URL(product().baseUrl).origin);
      expect(location.pathname, next).toBe("/integrations");
    }
    const onward = await fetch(new URL("/sign-in?next=/audit", product().baseUrl), {
      headers: { cookie },
      redirect: "manual",
    });
    expect(new URL(onward.headers.get("location")!, product().baseUrl).pathname).toBe("/audit");
  });

  it("needs the API key again to point an integration at another host", async () => {
    const created = await admin.post("/api/integrations", {
      name: `Bound ${Date.now()}`,
      ingestionUrl: "https://splunk.example.com",
      apiKey: "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b",
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const moved = await admin.patch(`/api/integrations/${id}`, { ingestionUrl: "https://collector.evil.example" });
    expect(moved.status).toBe(422);
    expect(((await moved.json()) as { invalid_params: { name: string }[] }).invalid_params[0]!.name).toBe("apiKey");
    const tested = await admin.post(`/api/integrations/${id}/test`, {
      ingestionUrl: "https://collector.evil.example",
      sendTestEvent: true,
    });
    expect(tested.status).toBe(422);
    expect(
      (await admin.patch(`/api/integrations/${id}`, { ingestionUrl: "https://splunk.example.com:8088" })).status,
    ).toBe(422);
  });
});
