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
/** `replyBytes`: the reply's size once decompressed, what holding the page costs. */
export type TEventsFeedPage = { marker: string; fetchedCount: number; replyBytes: number; records: TCatoRecord[] };
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

async function readBody(response: Response): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_REPLY_BYTES) throw new Error(`the reply is larger than ${MAX_REPLY_BYTES} bytes`);
    // A view, not a copy: every reply's bytes are copied once, by the concat below.
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks);
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
): Promise<{ ok: true; feed: Record<string, unknown>; bytes: number } | Exclude<TCatoOutcome<never>, { kind: "ok" }>> {
  const signals = [AbortSignal.timeout(call.timeoutMs), ...(call.signal ? [call.signal] : [])];
  let response: Response;
  let body: Buffer;
  try {
    response = await fetch(call.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "accept-encoding": "gzip",
        "x-api-key": call.apiKey,
      },
      body: JSON.stringify({ operationName, query, variables }),
      signal: AbortSignal.any(signals),
      redirect: "error",
    });
    body = await readBody(response);
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
  return { ok: true, feed: feed as Record<string, unknown>, bytes: body.length };
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
  );
  if (!("ok" in result)) return result;
  const found = accountRecords(result.feed, call);
  if ("refused" in found) return { kind: "refused", reason: found.refused };
  const next = typeof result.feed.marker === "string" ? result.feed.marker : marker;
  const fetchedCount = typeof result.feed.fetchedCount === "number" ? result.feed.fetchedCount : found.records.length;
  return { kind: "ok", page: { marker: next, fetchedCount, replyBytes: result.bytes, records: found.records } };
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
