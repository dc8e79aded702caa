import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsFeedRecordOf, fetchEventsPage, type TCatoCall, type TCatoRecord } from "@/lib/cato/client";

/** A page of `count` records whose fieldsMaps are numbered from `from`. */
function pageText(from: number, count: number, marker: string): string {
  const records = Array.from({ length: count }, (_, k) => ({
    time: "2026-11-28T22:13:20Z",
    fieldsMap: {
      event_type: "Security",
      time: String(1764368000000 + from + k),
      n: String(from + k),
      pad: "x".repeat(900),
    },
  }));
  return JSON.stringify({
    data: { eventsFeed: { marker, fetchedCount: count, accounts: [{ id: "1", errorString: null, records }] } },
  });
}

type THandler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

describe("fetchEventsPage over HTTP", () => {
  let server: Server;
  let handler: THandler = () => undefined;
  let call: TCatoCall;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => handler(request, response, Buffer.concat(chunks).toString()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    call = { url: `http://127.0.0.1:${port}/api/v1/graphql2`, apiKey: "key-1234", accountId: "1", timeoutMs: 5000 };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Serves page `from` (gzipped when asked, when `isGzip`), its marker naming where the next starts. */
  const servePages = (isGzip: boolean, count: number) => {
    handler = (request, response, requestBody) => {
      const { variables } = JSON.parse(requestBody) as { variables: { marker: string } };
      const from = Number(variables.marker || 0);
      const body = pageText(from, count, String(from + count));
      const asked = String(request.headers["accept-encoding"] ?? "").includes("gzip");
      if (isGzip && asked) {
        response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        response.end(gzipSync(body));
      } else {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(body);
      }
    };
  };

  const numbersOf = (records: TCatoRecord[]) =>
    records.map((r) => JSON.parse(String(eventsFeedRecordOf(r)!.json)) as { n: string }).map((f) => Number(f.n));

  it("reads gzipped and plain replies, and a page's records stay intact while later replies reuse released buffers", async () => {
    for (const isGzip of [true, false]) {
      servePages(isGzip, 3000);
      const pages = [];
      for (const from of [0, 3000, 6000, 9000]) {
        const page = await fetchEventsPage(call, String(from));
        if (page.kind !== "ok") throw new Error(page.kind);
        pages.push({ from, page: page.page });
        // Each page but the last two is given back once read: the next replies reuse its buffer.
        if (pages.length >= 3) pages[pages.length - 3]!.page.release();
      }
      for (const { from, page } of pages.slice(-2)) {
        expect(numbersOf(page.records)).toEqual(Array.from({ length: 3000 }, (_, k) => from + k));
        expect(page.marker).toBe(String(from + 3000));
      }
    }
  });

  it("does not follow a redirect, and refuses an encoding it did not ask for", async () => {
    handler = (_request, response) => {
      response.writeHead(302, { location: "https://elsewhere.example/" });
      response.end();
    };
    expect(await fetchEventsPage(call, "")).toMatchObject({
      kind: "unavailable",
      reason: expect.stringMatching(/302.*redirect/),
    });
    handler = (_request, response) => {
      response.writeHead(200, { "content-encoding": "br" });
      response.end("abc");
    };
    expect(await fetchEventsPage(call, "")).toMatchObject({
      kind: "unavailable",
      reason: expect.stringMatching(/content-encoding br/),
    });
    handler = (_request, response) => {
      response.writeHead(200, { "content-encoding": "gzip" });
      response.end(Buffer.from("not gzip at all"));
    };
    expect(await fetchEventsPage(call, "")).toMatchObject({
      kind: "unavailable",
      reason: expect.stringMatching(/gzip/),
    });
  });

  it("gives up on a reply that stops arriving, within its timeout", async () => {
    handler = (_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"data":');
    };
    const started = Date.now();
    const outcome = await fetchEventsPage({ ...call, timeoutMs: 300 }, "");
    expect(outcome).toMatchObject({ kind: "unavailable", reason: expect.stringMatching(/did not answer within/) });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
