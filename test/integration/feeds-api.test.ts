import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import * as eventItemRoutes from "@/app/api/events/[marker]/route";
import * as eventListRoutes from "@/app/api/events/route";
import * as feedsRoutes from "@/app/api/feeds/[feed]/route";
import { readHead } from "@/lib/feeds/feed-store";
import { authHeaders, signedIn } from "@/test/helpers/auth";
import { meteredBody, meteredRequest } from "@/test/helpers/body";

const eventItem = signedIn(eventItemRoutes);
const eventList = signedIn(eventListRoutes);
const feeds = signedIn(feedsRoutes);

const redis = new Redis(process.env.REDIS_URL!);
const ctx = (feed: string) => ({ params: Promise.resolve({ feed }) });
const URL_BASE = "http://console.test";

function post(feed: string, body: string, contentType = "application/json") {
  return feeds.POST(
    new Request(`${URL_BASE}/api/feeds/${feed}`, { method: "POST", headers: { "content-type": contentType }, body }),
    ctx(feed),
  );
}

let clock = 1764368000000;
function event(fields: Record<string, string> = {}) {
  clock += 1000;
  return { event_type: "Security", event_sub_type: "IPS", time: String(clock), action: "Block", ...fields };
}

async function problem(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return (await response.json()) as { detail: string; invalid_params?: { name: string; reason: string }[] };
}

beforeEach(async () => {
  await redis.flushdb();
});

afterAll(async () => {
  await redis.quit();
});

describe("POST /api/feeds/{feed}", () => {
  it("appends a JSON array and answers with the markers", async () => {
    const response = await post("events", JSON.stringify([event(), event(), event()]));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { accepted: number; firstMarker: string; lastMarker: string };
    expect(body.accepted).toBe(3);
    expect(body.firstMarker).toMatch(/^\d+-1$/);
    expect(body.lastMarker).toMatch(/^\d+-3$/);
  });

  it("appends NDJSON, blank lines allowed", async () => {
    const flows = [
      { flow_id: "f-1", time: "1764368000000", upstream: "10" },
      { flow_id: "f-2", time: "1764368000001", upstream: "20" },
    ];
    const body = `${JSON.stringify(flows[0])}\n\n${JSON.stringify(flows[1])}\n`;
    const response = await post("flows", body, "application/x-ndjson");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(2);
    expect((await readHead(redis, "flows")).length).toBe(2);
  });

  it.each([
    ["events", [{ event_type: "Security" }], "records[0]", /time is required/],
    ["events", [{ time: "1" }], "records[0]", /event_type is required/],
    ["events", [{ event_type: "Security", time: "yesterday" }], "records[0]", /epoch milliseconds/],
    ["events", [{ event_type: "Security", time: 1764368000000 }], "records[0]", /must be a string, not a number/],
    ["events", [{ event_type: "Security", time: "1", nested: { a: "b" } }], "records[0]", /not an object/],
    ["events", ["just a string"], "records[0]", /must be a JSON object/],
    ["flows", [{ time: "1" }], "records[0]", /flow_id is required/],
    ["flows", [{ flow_id: "f", time: "1", bytes: null }], "records[0]", /not null/],
  ])("rejects an invalid %s record whole, naming it", async (feed, records, name, reason) => {
    const body = JSON.stringify([feed === "events" ? event() : { flow_id: "ok", time: "1" }, ...records]);
    const response = await post(feed, body);
    expect(response.status).toBe(422);
    const p = await problem(response);
    const index = Number(name.match(/\d+/)![0]) + 1;
    expect(p.invalid_params?.[0]?.name).toBe(`records[${index}]`);
    expect(p.invalid_params?.[0]?.reason).toMatch(reason);
    expect(p.detail).toMatch(/nothing was appended/);
    expect((await readHead(redis, feed as "events" | "flows")).appended).toBe(0);
  });

  it("names the line of broken NDJSON and appends nothing", async () => {
    const response = await post("events", `${JSON.stringify(event())}\n{broken\n`, "application/x-ndjson");
    expect(response.status).toBe(400);
    expect((await problem(response)).detail).toMatch(/Line 2/);
    expect((await readHead(redis, "events")).appended).toBe(0);
  });

  it.each([
    ["an object instead of an array", JSON.stringify(event()), 422],
    ["an empty array", "[]", 422],
    ["malformed JSON", "[{", 400],
  ])("refuses %s", async (_label, body, status) => {
    expect((await post("events", body)).status).toBe(status);
  });

  it("refuses other content types and unknown feeds", async () => {
    expect((await post("events", "x", "text/csv")).status).toBe(415);
    expect((await post("audit", "[]")).status).toBe(404);
  });

  it("accepts 10 MB and answers 413 past the limit, naming it", async () => {
    const big = event({ raw_data: "x".repeat(10 * 1024 * 1024) });
    const ok = await post("events", JSON.stringify([big]));
    expect(ok.status).toBe(200);
    const tooBig = event({ raw_data: "x".repeat(33 * 1024 * 1024) });
    const response = await post("events", JSON.stringify([tooBig]));
    expect(response.status).toBe(413);
    expect((await problem(response)).detail).toMatch(/32 MB/);
    expect((await readHead(redis, "events")).appended).toBe(1);
  });

  it("answers 413 for a body declared over 32 MB without reading any of it", async () => {
    const declared = 33 * 1024 * 1024;
    const body = meteredBody(declared);
    const response = await feeds.POST(
      meteredRequest(`${URL_BASE}/api/feeds/events`, body, { declaredLength: declared, headers: await authHeaders() }),
      ctx("events"),
    );
    expect(response.status).toBe(413);
    expect((await problem(response)).detail).toMatch(/32 MB/);
    expect(body.pulled).toBe(0);
    expect((await readHead(redis, "events")).appended).toBe(0);
  });

  it("accepts any number of records that fits the byte limit (20,000 tiny ones)", async () => {
    const tiny = Array.from({ length: 20_000 }, (_, i) => `{"event_type":"S","time":"${i}"}`).join("\n");
    const response = await post("events", tiny, "application/x-ndjson");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(20_000);
    expect((await readHead(redis, "events")).length).toBe(20_000);
  });

  it("appends a body of many chunks whole, in order", async () => {
    const records = Array.from({ length: 8000 }, (_, i) => event({ n: String(i), pad: "p".repeat(1500) }));
    const response = await post("events", JSON.stringify(records));
    expect(response.status).toBe(200);
    const head = await readHead(redis, "events");
    expect(head.length).toBe(8000);
    const [first] = (await redis.xrange("feed:events", "-", "+", "COUNT", 1)) as [string, string[]][];
    const [last] = (await redis.xrevrange("feed:events", "+", "-", "COUNT", 1)) as [string, string[]][];
    expect(JSON.parse(first![1][1]!)).toMatchObject({ n: "0" });
    expect(JSON.parse(last![1][1]!)).toMatchObject({ n: "7999" });
    expect(await redis.keys("feed:events:staging:*")).toEqual([]);
  });

  it("appends nothing when the last record of a large body is invalid, and leaves nothing staged", async () => {
    const records: Record<string, string>[] = Array.from({ length: 8000 }, () => event({ pad: "p".repeat(1500) }));
    records.push({ event_type: "Security" });
    const response = await post("events", JSON.stringify(records));
    expect(response.status).toBe(422);
    expect((await problem(response)).invalid_params).toEqual([
      { name: "records[8000]", reason: "Record 8000 field time is required" },
    ]);
    expect((await readHead(redis, "events")).length).toBe(0);
    expect(await redis.keys("feed:events:staging:*")).toEqual([]);
  });

  it("appends nothing when the body is cut off half-way, and answers 400", async () => {
    const piece = new TextEncoder().encode(`[${JSON.stringify(event({ pad: "p".repeat(2 * 1024 * 1024) }))},`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 3) controller.enqueue(piece);
        else controller.error(new Error("connection reset"));
      },
    });
    const response = await feeds.POST(
      new Request(`${URL_BASE}/api/feeds/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit),
      ctx("events"),
    );
    expect(response.status).toBe(400);
    expect((await problem(response)).detail).toMatch(/cut off/);
    expect((await readHead(redis, "events")).length).toBe(0);
    expect(await redis.keys("feed:events:staging:*")).toEqual([]);
  });
});

describe("GET /api/events", () => {
  async function list(query = "") {
    const response = await eventList.GET(new Request(`${URL_BASE}/api/events${query}`), undefined);
    return {
      status: response.status,
      body: (await response.json()) as {
        events: {
          marker: string;
          record: Record<string, string>;
          isRawDataTruncated: boolean;
          isRecordTruncated: boolean;
          rawDataLength: number;
        }[];
        nextBefore: string | null;
      },
    };
  }

  it("lists newest first, filters by type and sub-type, and pages", async () => {
    await post(
      "events",
      JSON.stringify([
        event({ n: "1" }),
        event({ event_type: "System", event_sub_type: "ApiKey", n: "2" }),
        event({ n: "3", event_sub_type: "Internet Firewall" }),
        event({ n: "4" }),
      ]),
    );
    const all = await list();
    expect(all.body.events.map((e) => e.record.n)).toEqual(["4", "3", "2", "1"]);
    expect(all.body.nextBefore).toBeNull();

    expect((await list("?type=System")).body.events.map((e) => e.record.n)).toEqual(["2"]);
    expect((await list("?type=Security&subType=IPS")).body.events.map((e) => e.record.n)).toEqual(["4", "1"]);

    const page1 = await list("?limit=2");
    expect(page1.body.events.map((e) => e.record.n)).toEqual(["4", "3"]);
    const page2 = await list(`?limit=2&before=${page1.body.nextBefore}`);
    expect(page2.body.events.map((e) => e.record.n)).toEqual(["2", "1"]);
  });

  // 50 KB stays in the stream; 5.3 MB is kept beside it (a big record), with its head in the stream.
  it.each([50_000, 5_300_000])(
    "truncates raw_data of %i characters in the list and gives it whole on demand",
    async (size) => {
      const raw = "r".repeat(size);
      await post("events", JSON.stringify([event({ event_type: "Detection and Response", raw_data: raw })]));
      const { body } = await list();
      const view = body.events[0]!;
      expect(view.isRawDataTruncated).toBe(true);
      // Only raw_data was cut: every other field is there whole.
      expect(view.isRecordTruncated).toBe(false);
      expect(view.record.action).toBe("Block");
      expect(view.rawDataLength).toBe(size);
      expect(view.record.raw_data!.length).toBe(2000);

      const response = await eventItem.GET(new Request(`${URL_BASE}/api/events/${view.marker}`), {
        params: Promise.resolve({ marker: view.marker }),
      });
      const full = (await response.json()) as { record: Record<string, string>; isRawDataTruncated: boolean };
      expect(full.record.raw_data).toBe(raw);
      expect(full.isRawDataTruncated).toBe(false);
    },
  );

  it("answers 404 for an unknown marker and 422 for bad queries", async () => {
    const missing = await eventItem.GET(new Request(`${URL_BASE}/api/events/1-1`), {
      params: Promise.resolve({ marker: "1-1" }),
    });
    expect(missing.status).toBe(404);
    const junk = await eventItem.GET(new Request(`${URL_BASE}/api/events/x`), {
      params: Promise.resolve({ marker: "x" }),
    });
    expect(junk.status).toBe(404);
    expect((await list("?limit=0")).status).toBe(422);
    expect((await list("?before=yesterday")).status).toBe(422);
    expect((await list("?sort=asc")).status).toBe(422);
  });
});
