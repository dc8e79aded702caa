import type * as Dns from "node:dns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { closeHecConnections, DestinationError, postToHec } from "@/lib/hec/sender";

/**
 * The sender's own destination check at connect time: a name that passes the save-time
 * check but resolves to this machine must be refused before any connection is made.
 * Names resolve through a test resolver (node:dns replaced for the modules under test),
 * so "splunk.example.com" can point at a listener on loopback.
 */
const answers = vi.hoisted(() => new Map<string, { address: string; family: 4 | 6 }[]>());

vi.mock("node:dns", async (importOriginal) => {
  const actual = await importOriginal<typeof Dns>();
  function lookup(
    hostname: string,
    options: Dns.LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | Dns.LookupAddress[], family?: number) => void,
  ) {
    const answer = answers.get(hostname);
    if (!answer) {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      error.code = "ENOTFOUND";
      return process.nextTick(callback, error, options.all ? [] : "");
    }
    if (options.all) return process.nextTick(callback, null, answer);
    process.nextTick(callback, null, answer[0]!.address, answer[0]!.family);
  }
  return { ...actual, lookup, default: { ...actual, lookup } };
});

let server: Server;
let port = 0;
let connections = 0;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"text":"Success","code":0}');
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(() => {
  closeHecConnections();
  answers.clear();
  connections = 0;
  requests = 0;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const body = Buffer.from('{"event":"x"}');
const send = (host: string, allowPrivateNetworks: boolean) =>
  postToHec(
    `http://${host}:${port}/services/collector/event`,
    "11111111-2222-3333-4444-555555555555",
    body,
    {
      timeoutMs: 5000,
      allowPrivateNetworks,
    },
    {},
  );

describe("postToHec's destination check at connect time", () => {
  it("reaches a name through the resolver when private networks are allowed (the path the check guards)", async () => {
    answers.set("splunk.example.com", [{ address: "127.0.0.1", family: 4 }]);
    const response = await send("splunk.example.com", true);
    expect(response.status).toBe(200);
    expect(requests).toBe(1);
  });

  it("refuses a public-looking name that resolves to loopback, before connecting", async () => {
    answers.set("splunk.example.com", [{ address: "127.0.0.1", family: 4 }]);
    const error = await send("splunk.example.com", false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).needsAdmin).toBe(true);
    expect((error as Error).message).toMatch(/splunk\.example\.com.*resolves to 127\.0\.0\.1, a loopback address/);
    expect(connections).toBe(0);
  });

  it("refuses a name whose answers mix a public address with loopback", async () => {
    answers.set("mixed.example.com", [
      { address: "8.8.8.8", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ]);
    const error = await send("mixed.example.com", false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as Error).message).toMatch(/resolves to 127\.0\.0\.1/);
    expect(connections).toBe(0);
  });

  it("refuses a name that resolves to the IPv6 loopback or a metadata address", async () => {
    answers.set("six.example.com", [{ address: "::1", family: 6 }]);
    answers.set("meta.example.com", [{ address: "169.254.169.254", family: 4 }]);
    await expect(send("six.example.com", false)).rejects.toThrow(/resolves to ::1, the loopback address/);
    // Metadata stays refused even where private networks are allowed.
    await expect(send("meta.example.com", true)).rejects.toThrow(/resolves to 169\.254\.169\.254, a cloud metadata/);
    expect(connections).toBe(0);
  });
});
