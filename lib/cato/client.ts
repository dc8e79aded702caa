import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { createGunzip } from "node:zlib";
import { parseCatoReply, RawFieldsMap } from "@/lib/cato/feed-reply";
import type { TAppendRecord } from "@/lib/feeds/feed-store";

/**
 * One call to Cato's GraphQL API (eventsFeed or auditFeed) and what its reply means.
 * Cato answers most failures with HTTP 200 and `errors`: a rate limit ("rate limit for
 * operation"), a wrong key, a feed not enabled; an account the key may not read has
 * `errorString` on that account. The API key travels only in the x-api-key header and is
 * scrubbed from any reason that quotes a reply.
 */
export const EVENTS_PAGE_SIZE = 3000;
/** A reply is read whole before it is parsed; past this many bytes the call fails instead. */
export const MAX_REPLY_BYTES = 256 * 1024 * 1024;

/** An eventsFeed record's fieldsMap arrives as Cato's own text (RawFieldsMap), other feeds' parsed. */
export type TCatoRecord = { time?: string | null; fieldsMap?: Record<string, unknown> | RawFieldsMap | null };
/**
 * `replyBytes`: the reply's size once decompressed, what holding the page costs. Its
 * records' fieldsMaps are views on the reply's buffer: `release` gives that buffer back for
 * a later reply once nothing reads them (a page never released is simply collected).
 */
export type TEventsFeedPage = {
  marker: string;
  fetchedCount: number;
  replyBytes: number;
  records: TCatoRecord[];
  release: () => void;
};
export type TAuditFeedPage = { marker: string; fetchedCount: number; hasMore: boolean; records: TCatoRecord[] };

export type TCatoOutcome<T> =
  | { kind: "ok"; page: T }
  | { kind: "rate-limited"; reason: string }
  /** A wrong key, an account the key may not read, a feed not enabled: fixed only by a person. */
  | { kind: "refused"; reason: string }
  /** Network errors, timeouts, 5xx, a reply that is not Cato's: retried with backoff. */
  | { kind: "unavailable"; reason: string };

export type TCatoCall = {
  url: string;
  apiKey: string;
  accountId: string;
  timeoutMs: number;
  signal?: AbortSignal;
};

const EVENTS_QUERY = `query eventsFeed($accountIDs: [ID!], $marker: String, $filters: [EventFeedFieldFilterInput!]) {
  eventsFeed(accountIDs: $accountIDs, marker: $marker, filters: $filters) {
    marker
    fetchedCount
    accounts { id errorString records { time fieldsMap } }
  }
}`;

const AUDIT_QUERY = `query auditFeed($accountIDs: [ID!], $timeFrame: TimeFrame!, $marker: String) {
  auditFeed(accountIDs: $accountIDs, timeFrame: $timeFrame, marker: $marker) {
    from to marker fetchedCount hasMore
    accounts { id records { time fieldsMap } }
  }
}`;

function scrub(text: string, apiKey: string): string {
  const cut = text.replace(/\s+/g, " ").trim().slice(0, 300);
  return apiKey.length >= 4 ? cut.split(apiKey).join("[API key]") : cut;
}

/** Connections to Cato's API are kept open between calls, as fetch kept them. */
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 8 });
/** Output pieces of the gunzip: a page comes out in a handful, not the hundreds of 16 KB of fetch's. */
const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/**
 * Buffers that held a page's reply, kept for the next ones (the page appended and the one
 * read ahead need two). A reply is several MB of memory outside the JavaScript heap, and
 * its page's records are held across the append, long enough for the collector to move
 * them to the old generation: a new buffer per page piled up some 200 MB of dead replies
 * between full collections. A buffer comes back with releaseReply, once nothing reads the
 * page's records; one never given back is simply collected.
 */
const spareReplies: Buffer[] = [];
const MAX_SPARE_REPLIES = 3;
const MAX_SPARE_REPLY_BYTES = 16 * 1024 * 1024;
/** Never from Node's shared pool (which hands out slices of 8 KB buffers), so a whole buffer is ours to reuse. */
const MIN_REPLY_BUFFER_BYTES = 64 * 1024;

function replyBuffer(atLeast: number): Buffer {
  const index = spareReplies.findIndex((b) => b.length >= atLeast);
  if (index >= 0) return spareReplies.splice(index, 1)[0]!;
  return Buffer.allocUnsafe(Math.max(atLeast, MIN_REPLY_BUFFER_BYTES));
}

function keepSpare(whole: Buffer): void {
  if (whole.length > MAX_SPARE_REPLY_BYTES || spareReplies.some((b) => b.buffer === whole.buffer)) return;
  if (spareReplies.length >= MAX_SPARE_REPLIES) spareReplies.shift();
  spareReplies.push(whole);
}

/** Where a reply is written as it arrives: a spare buffer, swapped for a larger one when it runs out. */
class ReplyWriter {
  private buffer: Buffer;
  private size = 0;
  constructor() {
    this.buffer = replyBuffer(MIN_REPLY_BUFFER_BYTES);
  }
  write(piece: Buffer): void {
    if (this.size + piece.length > this.buffer.length) {
      const larger = replyBuffer(Math.max(2 * this.buffer.length, this.size + piece.length));
      this.buffer.copy(larger, 0, 0, this.size);
      keepSpare(this.buffer);
      this.buffer = larger;
    }
    this.size += piece.copy(this.buffer, this.size);
  }
  get bytes(): number {
    return this.size;
  }
  /** The reply, and the whole buffer it is a view on. */
  take(): { body: Buffer; whole: Buffer } {
    return { body: this.buffer.subarray(0, this.size), whole: this.buffer };
  }
}

const replyBuffers = new WeakMap<Buffer, Buffer>();

type THttpReply = { status: number; body: Buffer };

/**
 * One POST and its whole reply, decompressed as it arrives. Not fetch: its gzip stream and
 * web-stream reading cost about three times the CPU of the rest of a page's work (a 4.7 MB
 * page in some 300 pieces, each through a promise). Redirects are not followed; replies,
 * compressed or not, stop at MAX_REPLY_BYTES. The body is a view on a reused buffer: give
 * it back with releaseReply once nothing reads it.
 */
function postJson(
  url: URL,
  headers: Record<string, string>,
  payload: string,
  signal: AbortSignal,
): Promise<THttpReply> {
  const isHttps = url.protocol === "https:";
  return new Promise<THttpReply>((resolveCall, rejectCall) => {
    // An abort (the timeout, a lost lease) ends the call wherever it is, the reply's body
    // included. The listener goes once the call ends: the timeout's signal lives on until
    // it fires, and would keep the request with it.
    if (signal.aborted) return rejectCall(signal.reason as Error);
    const onAbort = () => rejectCall(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    const resolve = (reply: THttpReply) => {
      signal.removeEventListener("abort", onAbort);
      resolveCall(reply);
    };
    const reject = (error: Error) => {
      signal.removeEventListener("abort", onAbort);
      rejectCall(error);
    };
    const request = (isHttps ? httpsRequest : httpRequest)(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(payload)) },
      agent: isHttps ? httpsAgent : httpAgent,
      signal,
    });
    request.on("error", reject);
    request.on("response", (response) => {
      const encoding = String(response.headers["content-encoding"] ?? "identity")
        .trim()
        .toLowerCase();
      const isGzip = encoding === "gzip" || encoding === "x-gzip";
      if (!isGzip && encoding !== "identity" && encoding !== "") {
        response.destroy();
        reject(new Error(`the reply came with content-encoding ${encoding.slice(0, 40)}, which was not asked for`));
        return;
      }
      const writer = new ReplyWriter();
      let received = 0;
      const tooLarge = () => new Error(`the reply is larger than ${MAX_REPLY_BYTES} bytes`);
      const fail = (error: Error) => {
        response.destroy();
        reject(error);
      };
      response.on("error", fail);
      const inflate = isGzip ? createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }) : null;
      const source = inflate ?? response;
      response.on("data", (piece: Buffer) => {
        received += piece.length;
        if (received > MAX_REPLY_BYTES) fail(tooLarge());
        else if (inflate) inflate.write(piece);
      });
      if (inflate) {
        response.on("end", () => inflate.end());
        inflate.on("error", (error) => fail(new Error(`the reply's gzip could not be read: ${error.message}`)));
      }
      source.on("data", (piece: Buffer) => {
        if (writer.bytes + piece.length > MAX_REPLY_BYTES) {
          inflate?.destroy();
          fail(tooLarge());
          return;
        }
        writer.write(piece);
      });
      source.on("end", () => {
        const { body, whole } = writer.take();
        replyBuffers.set(body, whole);
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.end(payload);
  });
}

/** Gives a reply's buffer back for the next reply; nothing may read `body`, or anything taken from it, afterwards. */
function releaseReply(body: Buffer): void {
  const whole = replyBuffers.get(body);
  replyBuffers.delete(body);
  if (whole) keepSpare(whole);
}

const parseJson = (body: Buffer): unknown => JSON.parse(body.toString("utf8"));

/** An eventsFeed reply, its records' fieldsMaps kept as Cato's text; JSON.parse for what that reader does not take. */
const parseEventsReply = (body: Buffer): unknown => {
  try {
    return parseCatoReply(body);
  } catch {
    return parseJson(body);
  }
};

type TGraphqlReply = {
  data?: Record<string, unknown> | null;
  errors?: { message?: unknown }[];
};

async function post(
  call: TCatoCall,
  operationName: string,
  query: string,
  variables: Record<string, unknown>,
  parseReply: (body: Buffer) => unknown = parseJson,
  isBodyKept = false,
): Promise<TPostResult> {
  const signals = [AbortSignal.timeout(call.timeoutMs), ...(call.signal ? [call.signal] : [])];
  let response: THttpReply;
  try {
    response = await postJson(
      new URL(call.url),
      {
        "content-type": "application/json",
        accept: "application/json",
        "accept-encoding": "gzip",
        "x-api-key": call.apiKey,
      },
      JSON.stringify({ operationName, query, variables }),
      AbortSignal.any(signals),
    );
  } catch (error) {
    const cause =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    const isTimeout = error instanceof Error && (error.name === "TimeoutError" || /timeout/i.test(cause));
    return {
      kind: "unavailable",
      reason: isTimeout
        ? `Cato's API did not answer within ${Math.round(call.timeoutMs / 1000)} s`
        : `Cato's API could not be reached: ${scrub(cause, call.apiKey)}`,
    };
  }
  const result = interpret(call, operationName, response, parseReply);
  // The body's buffer goes back at once unless the caller's page still reads it (see releaseReply).
  if (!isBodyKept || !("ok" in result)) releaseReply(response.body);
  return result;
}

type TPostResult =
  | { ok: true; feed: Record<string, unknown>; bytes: number; body: Buffer }
  | Exclude<TCatoOutcome<never>, { kind: "ok" }>;

function interpret(
  call: TCatoCall,
  operationName: string,
  response: THttpReply,
  parseReply: (body: Buffer) => unknown,
): TPostResult {
  const body = response.body;
  if (response.status >= 300 && response.status < 400) {
    return {
      kind: "unavailable",
      reason: `Cato's API answered HTTP ${response.status} (a redirect, which is not followed)`,
    };
  }
  if (response.status === 401 || response.status === 403) {
    return { kind: "refused", reason: `Cato refused the API key (HTTP ${response.status})` };
  }
  if (response.status === 429) return { kind: "rate-limited", reason: "Cato answered HTTP 429 (too many requests)" };
  if (response.status >= 500) {
    return { kind: "unavailable", reason: `Cato's API answered HTTP ${response.status}` };
  }
  let reply: TGraphqlReply;
  try {
    reply = parseReply(body) as TGraphqlReply;
  } catch {
    return {
      kind: "unavailable",
      reason: `Cato's API answered HTTP ${response.status} with something that is not JSON: ${scrub(body.toString("utf8", 0, 480).slice(0, 120), call.apiKey)}`,
    };
  }
  const messages = (Array.isArray(reply.errors) ? reply.errors : [])
    .map((e) => (typeof e?.message === "string" ? e.message : ""))
    .filter(Boolean);
  const feed = reply.data?.[operationName];
  if (messages.some((m) => /rate limit/i.test(m))) {
    return { kind: "rate-limited", reason: `Cato's rate limit for ${operationName} was reached` };
  }
  if (messages.length > 0 && (feed === null || feed === undefined)) {
    return { kind: "refused", reason: `Cato refused the call: ${scrub(messages.join("; "), call.apiKey)}` };
  }
  if (response.status !== 200 || !feed || typeof feed !== "object") {
    return { kind: "unavailable", reason: `Cato's API answered HTTP ${response.status} without ${operationName} data` };
  }
  return { ok: true, feed: feed as Record<string, unknown>, bytes: body.length, body };
}

type TAccountRecords = { id?: unknown; errorString?: unknown; records?: unknown };

function accountRecords(
  feed: Record<string, unknown>,
  call: TCatoCall,
): { records: TCatoRecord[] } | { refused: string } {
  const accounts = (Array.isArray(feed.accounts) ? feed.accounts : []) as TAccountRecords[];
  const records: TCatoRecord[] = [];
  for (const account of accounts) {
    if (typeof account?.errorString === "string" && account.errorString !== "") {
      return {
        refused: `Cato refused account ${call.accountId} for this key: ${scrub(account.errorString, call.apiKey)}`,
      };
    }
    if (Array.isArray(account?.records)) records.push(...(account.records as TCatoRecord[]));
  }
  return { records };
}

export async function fetchEventsPage(call: TCatoCall, marker: string): Promise<TCatoOutcome<TEventsFeedPage>> {
  const result = await post(
    call,
    "eventsFeed",
    EVENTS_QUERY,
    { accountIDs: [call.accountId], marker },
    parseEventsReply,
    true,
  );
  if (!("ok" in result)) return result;
  const body = result.body;
  const found = accountRecords(result.feed, call);
  if ("refused" in found) {
    releaseReply(body);
    return { kind: "refused", reason: found.refused };
  }
  const next = typeof result.feed.marker === "string" ? result.feed.marker : marker;
  const fetchedCount = typeof result.feed.fetchedCount === "number" ? result.feed.fetchedCount : found.records.length;
  return {
    kind: "ok",
    page: {
      marker: next,
      fetchedCount,
      replyBytes: result.bytes,
      records: found.records,
      release: () => releaseReply(body),
    },
  };
}

export async function fetchAuditPage(
  call: TCatoCall,
  timeFrame: string,
  marker: string,
): Promise<TCatoOutcome<TAuditFeedPage>> {
  const result = await post(call, "auditFeed", AUDIT_QUERY, { accountIDs: [call.accountId], timeFrame, marker });
  if (!("ok" in result)) return result;
  const found = accountRecords(result.feed, call);
  if ("refused" in found) return { kind: "refused", reason: found.refused };
  return {
    kind: "ok",
    page: {
      marker: typeof result.feed.marker === "string" ? result.feed.marker : marker,
      fetchedCount: typeof result.feed.fetchedCount === "number" ? result.feed.fetchedCount : found.records.length,
      hasMore: result.feed.hasMore === true,
      records: found.records,
    },
  };
}

/**
 * A record as it goes into the feed: Cato's `fieldsMap` unchanged, with `time` (epoch
 * milliseconds, as in Cato's feeds) derived from the record's RFC 3339 `time` only when
 * the map lacks it. Null when the record has no fieldsMap at all.
 */
export function feedRecordOf(record: TCatoRecord): Record<string, unknown> | null {
  let fields = record.fieldsMap;
  if (fields instanceof RawFieldsMap) fields = JSON.parse(fields.json.toString("utf8")) as Record<string, unknown>;
  if (!fields || typeof fields !== "object" || Array.isArray(fields)) return null;
  if (fields.time !== undefined || typeof record.time !== "string") return fields;
  const ms = Date.parse(record.time);
  return Number.isFinite(ms) ? { ...fields, time: String(ms) } : fields;
}

/**
 * An eventsFeed record as the feed stores it (see feedRecordOf), with its time in epoch ms.
 * A fieldsMap kept as Cato's text goes in as those bytes, unparsed, unless it needs `time`
 * added or has whitespace to drop (then it is parsed and stringified like any other).
 */
export function eventsFeedRecordOf(record: TCatoRecord): (TAppendRecord & { timeMs: number | null }) | null {
  const raw = record.fieldsMap;
  if (raw instanceof RawFieldsMap && raw.isCompact && (raw.hasTime || typeof record.time !== "string")) {
    return {
      json: raw.json,
      eventType: raw.eventType ?? "",
      eventSubType: raw.eventSubType ?? "",
      timeMs: timeMsOf(raw.time),
    };
  }
  const fields = feedRecordOf(record);
  if (!fields) return null;
  return {
    json: JSON.stringify(fields),
    eventType: typeof fields.event_type === "string" ? fields.event_type : "",
    eventSubType: typeof fields.event_sub_type === "string" ? fields.event_sub_type : "",
    timeMs: recordTimeMs(fields),
  };
}

/** Epoch ms of a feed record's time, for the status ("newest record fetched"). */
export function recordTimeMs(record: Record<string, unknown>): number | null {
  return timeMsOf(record.time);
}

function timeMsOf(time: unknown): number | null {
  if (typeof time === "string" && /^\d{1,16}$/.test(time)) return Number(time);
  if (typeof time === "string") {
    const ms = Date.parse(time);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}
