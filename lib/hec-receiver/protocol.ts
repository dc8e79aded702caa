/**
 * Splunk HTTP Event Collector protocol rules, as pure functions: reply codes and texts,
 * splitting a batch of stacked envelopes, and checking one envelope the way Splunk does.
 * Texts and codes are Splunk's own, so a sender tested here reads the replies it will
 * get from Splunk.
 */

export type THecReply = {
  status: number;
  body: { text: string; code: number; "invalid-event-number"?: number; ackId?: number };
};

/** Splunk's reply for each HEC code: HTTP status and text. */
export const HEC_REPLIES = {
  success: { status: 200, code: 0, text: "Success" },
  tokenDisabled: { status: 403, code: 1, text: "Token disabled" },
  tokenRequired: { status: 401, code: 2, text: "Token is required" },
  invalidAuthorization: { status: 401, code: 3, text: "Invalid authorization" },
  invalidToken: { status: 403, code: 4, text: "Invalid token" },
  noData: { status: 400, code: 5, text: "No data" },
  invalidDataFormat: { status: 400, code: 6, text: "Invalid data format" },
  incorrectIndex: { status: 400, code: 7, text: "Incorrect index" },
  internalError: { status: 500, code: 8, text: "Internal server error" },
  serverBusy: { status: 503, code: 9, text: "Server is busy" },
  channelMissing: { status: 400, code: 10, text: "Data channel is missing" },
  invalidChannel: { status: 400, code: 11, text: "Invalid data channel" },
  eventRequired: { status: 400, code: 12, text: "Event field is required" },
  eventBlank: { status: 400, code: 13, text: "Event field cannot be blank" },
  ackDisabled: { status: 400, code: 14, text: "ACK is disabled" },
  indexedFieldsError: { status: 400, code: 15, text: "Error in handling indexed fields" },
  queryStringAuthorization: { status: 400, code: 16, text: "Query string authorization is not enabled" },
  healthy: { status: 200, code: 17, text: "HEC is healthy" },
  queuesFull: { status: 503, code: 18, text: "HEC is unhealthy, queues are full" },
} as const;

export type THecReplyName = keyof typeof HEC_REPLIES;

export function buildReply(
  name: THecReplyName,
  extra: { invalidEventNumber?: number; ackId?: number } = {},
): THecReply {
  const { status, code, text } = HEC_REPLIES[name];
  const body: THecReply["body"] = { text, code };
  if (extra.invalidEventNumber !== undefined) body["invalid-event-number"] = extra.invalidEventNumber;
  if (extra.ackId !== undefined) body.ackId = extra.ackId;
  return { status, body };
}

const CHANNEL_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Splunk only takes a GUID as a data channel (code 11 otherwise). */
export function isValidChannel(channel: string): boolean {
  return CHANNEL_PATTERN.test(channel);
}

export type TAuthorization = { kind: "missing" } | { kind: "malformed" } | { kind: "token"; token: string };

/** `Authorization: Splunk <token>`, the scheme in any case. */
export function parseAuthorization(header: string | undefined): TAuthorization {
  if (header === undefined || header.trim() === "") return { kind: "missing" };
  const match = /^splunk[ \t]+(\S+)[ \t]*$/i.exec(header.trim());
  return match?.[1] ? { kind: "token", token: match[1] } : { kind: "malformed" };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Splits a batch of envelopes stacked back to back (`{...}{...}`, whitespace allowed
 * between) into the text of each object, in one pass: string contents are skipped with
 * indexOf so braces and escaped quotes inside strings never count. The slices are not
 * parsed here; a slice that is not valid JSON is found when it is parsed.
 * `invalidAt` is the number of the first envelope that is not an object at all (or is
 * cut short), after which nothing more can be split; null when the whole text split.
 */
export function splitEnvelopes(text: string): { parts: string[]; invalidAt: number | null } {
  const parts: string[] = [];
  const length = text.length;
  let pos = 0;
  for (;;) {
    while (pos < length && isJsonWhitespace(text.charCodeAt(pos))) pos++;
    if (pos >= length) return { parts, invalidAt: null };
    if (text.charCodeAt(pos) !== OPEN) return { parts, invalidAt: parts.length };
    const start = pos;
    let depth = 0;
    let end = -1;
    while (pos < length) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        pos = findStringEnd(text, pos + 1);
        if (pos === -1) return { parts, invalidAt: parts.length };
      } else if (c === OPEN) {
        depth++;
      } else if (c === CLOSE) {
        depth--;
        if (depth === 0) {
          end = pos + 1;
          break;
        }
      }
      pos++;
    }
    if (end === -1) return { parts, invalidAt: parts.length };
    parts.push(text.slice(start, end));
    pos = end;
  }
}

/** Index of the quote closing the string that starts at `from`, or -1. */
function findStringEnd(text: string, from: number): number {
  let quote = text.indexOf('"', from);
  while (quote !== -1) {
    let backslashes = 0;
    for (let i = quote - 1; i >= from && text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return -1;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBlankEvent(event: unknown): boolean {
  if (event === null || event === "") return true;
  return isPlainObject(event) && Object.keys(event).length === 0;
}

/**
 * Splunk indexes `fields` as flat key/value pairs. An array of plain values is a
 * multi-value field and is accepted, as Splunk and its own OpenTelemetry receiver do;
 * an object, or an array holding objects or arrays, is nested and gets code 15.
 */
function hasFlatFields(fields: unknown): boolean {
  if (!isPlainObject(fields)) return false;
  for (const value of Object.values(fields)) {
    if (isPlainObject(value)) return false;
    if (Array.isArray(value) && value.some((item) => typeof item === "object" && item !== null)) return false;
  }
  return true;
}

function isValidTime(time: unknown): boolean {
  if (typeof time === "number") return Number.isFinite(time);
  // Splunk also reads epoch seconds sent as a string.
  return typeof time === "string" && time.trim() !== "" && Number.isFinite(Number(time));
}

/**
 * Checks one parsed envelope; returns the failing reply's name, or null when Splunk
 * would index it. `indexes` are the indexes the token may write to.
 */
export function checkEnvelope(envelope: unknown, indexes: ReadonlySet<string>): THecReplyName | null {
  if (!isPlainObject(envelope)) return "invalidDataFormat";
  if (!("event" in envelope) || envelope.event === undefined) return "eventRequired";
  if (isBlankEvent(envelope.event)) return "eventBlank";
  if (envelope.time !== undefined && !isValidTime(envelope.time)) return "invalidDataFormat";
  if (envelope.fields !== undefined && !hasFlatFields(envelope.fields)) return "indexedFieldsError";
  if (envelope.index !== undefined && (typeof envelope.index !== "string" || !indexes.has(envelope.index))) {
    return "incorrectIndex";
  }
  return null;
}

export type TBatchResult = {
  /** Envelopes Splunk would index: those before the first invalid one. */
  accepted: unknown[];
  reply: THecReply;
};

/**
 * Applies Splunk's batch semantics to a JSON event body: envelopes are taken in order
 * and the first invalid one stops the batch, the ones before it being indexed (so the
 * reply carries its `invalid-event-number`). An index the token may not use rejects
 * the whole request instead: code 7 and nothing indexed.
 */
export function parseEventBatch(text: string, indexes: ReadonlySet<string>): TBatchResult {
  const { parts, invalidAt } = splitEnvelopes(text);
  if (parts.length === 0 && invalidAt === null) return { accepted: [], reply: buildReply("noData") };
  const accepted: unknown[] = [];
  for (let i = 0; i < parts.length; i++) {
    let envelope: unknown;
    try {
      envelope = JSON.parse(parts[i] as string);
    } catch {
      return { accepted, reply: buildReply("invalidDataFormat", { invalidEventNumber: i }) };
    }
    const failure = checkEnvelope(envelope, indexes);
    if (failure === "incorrectIndex") return { accepted: [], reply: buildReply("incorrectIndex") };
    if (failure) return { accepted, reply: buildReply(failure, { invalidEventNumber: i }) };
    accepted.push(envelope);
  }
  if (invalidAt !== null)
    return { accepted, reply: buildReply("invalidDataFormat", { invalidEventNumber: invalidAt }) };
  return { accepted, reply: buildReply("success") };
}

export type TRawMetadata = { host?: string; source?: string; sourcetype?: string; index?: string };

/**
 * The raw endpoint: each non-empty line is one event, with the metadata given in the
 * query string. An index the token may not use rejects the request (code 7).
 */
export function parseRawBatch(text: string, metadata: TRawMetadata, indexes: ReadonlySet<string>): TBatchResult {
  if (metadata.index !== undefined && !indexes.has(metadata.index)) {
    return { accepted: [], reply: buildReply("incorrectIndex") };
  }
  const accepted: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    accepted.push({ ...metadata, event: line });
  }
  if (accepted.length === 0) return { accepted, reply: buildReply("noData") };
  return { accepted, reply: buildReply("success") };
}
