import { AppError, type TInvalidParam } from "@/lib/errors";
import type { TFeedName, TNewRecord } from "@/lib/feeds/feed-store";
import { parseJsonText } from "@/lib/http/json-body";

/**
 * Records pushed to a feed: a JSON array of records or NDJSON, each a flat object of
 * string values as in Cato's own feeds. Any invalid record rejects the whole request,
 * naming the record's index and the rule, so nothing is half-appended.
 */
export const MAX_RECORD_FIELDS = 1000;
const MAX_ERRORS_REPORTED = 20;
const EPOCH_MS = /^\d{1,16}$/;

/**
 * The feeds records may be pushed to. The audit feed is not among them: it holds only
 * what the console recorded itself, so that nothing outside can forge an entry.
 */
export const INGEST_FEED_NAMES = ["events", "flows"] as const satisfies readonly TFeedName[];
export type TIngestFeedName = (typeof INGEST_FEED_NAMES)[number];

export function isIngestFeed(feed: string): feed is TIngestFeedName {
  return (INGEST_FEED_NAMES as readonly string[]).includes(feed);
}

const REQUIRED: Record<TIngestFeedName, readonly string[]> = {
  events: ["event_type", "time"],
  // Cato's native flow records carry time_str (RFC 3339) rather than time: either will do.
  flows: ["flow_id"],
};
const RFC_3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)$/;

function checkRecord(feed: TIngestFeedName, value: unknown): string | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "must be a JSON object";
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > MAX_RECORD_FIELDS) return `must have at most ${MAX_RECORD_FIELDS} fields`;
  for (const key of keys) {
    if (key === "") return "must not have an empty field name";
    const v = record[key];
    if (typeof v !== "string") {
      const kind =
        v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
      return `field ${JSON.stringify(key.slice(0, 64))} must be a string, not ${kind} (Cato records are flat maps of strings)`;
    }
  }
  for (const field of REQUIRED[feed]) {
    const v = record[field];
    if (typeof v !== "string" || v.trim() === "") return `field ${field} is required`;
  }
  if (feed === "flows" && record.time === undefined) {
    if (record.time_str === undefined) return "field time or time_str is required";
    const timeStr = record.time_str as string;
    if (!RFC_3339.test(timeStr) || !Number.isFinite(Date.parse(timeStr))) {
      return "field time_str must be an RFC 3339 time such as 2026-03-02T10:43:11Z";
    }
    return null;
  }
  if (!EPOCH_MS.test(record.time as string)) return "field time must be epoch milliseconds as a string of digits";
  return null;
}

export function isNdjson(contentType: string): boolean {
  return /^application\/(x-)?ndjson\b|^application\/(x-)?jsonlines\b/i.test(contentType);
}

export type TFeedParser = {
  /** Takes the next piece of the body; returns the records it completed, valid so far. */
  push(text: string): TNewRecord[];
  /** The body ended: returns the last records, or throws when any record was invalid or none came. */
  end(): TNewRecord[];
};

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/**
 * Parses a body as it arrives, holding only the record being read: NDJSON line by line,
 * a JSON array element by element (each element's text is found by scanning for its
 * end, then parsed alone). Text that is not JSON stops it with a 400 naming the record;
 * records that break the rules are counted to the end and refused together (422), and
 * from the first of them on no more records are returned, so nothing is half-appended.
 */
export function feedParser(feed: TIngestFeedName, isNdjsonBody: boolean): TFeedParser {
  let index = 0;
  let invalidCount = 0;
  const errors: TInvalidParam[] = [];

  const take = (value: unknown, text: string, out: TNewRecord[]) => {
    const problem = checkRecord(feed, value);
    if (problem) {
      invalidCount++;
      if (errors.length < MAX_ERRORS_REPORTED) {
        errors.push({ name: `records[${index}]`, reason: `Record ${index} ${problem}` });
      }
    } else if (invalidCount === 0) {
      out.push(toNewRecord(feed, value as Record<string, string>, text));
    }
    index++;
  };

  const finish = () => {
    if (invalidCount > 0) {
      throw new AppError(
        "validation_failed",
        `${invalidCount} of ${index} records are invalid; nothing was appended. First: ${errors[0]!.reason}.`,
        errors,
      );
    }
    if (index === 0) {
      throw new AppError("validation_failed", "The body holds no records.", [
        { name: "body", reason: "holds no records" },
      ]);
    }
  };

  if (isNdjsonBody) {
    let pending = "";
    let line = 0;
    const takeLine = (text: string, out: TNewRecord[]) => {
      line++;
      const trimmed = text.trim();
      if (trimmed !== "") take(parseJsonText(trimmed, `Line ${line} (record ${index})`), trimmed, out);
    };
    return {
      push(text) {
        const out: TNewRecord[] = [];
        const buffer = pending === "" ? text : pending + text;
        let from = 0;
        for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n", from)) {
          takeLine(buffer.slice(from, newline), out);
          from = newline + 1;
        }
        pending = buffer.slice(from);
        return out;
      },
      end() {
        const out: TNewRecord[] = [];
        if (pending !== "") takeLine(pending, out);
        pending = "";
        finish();
        return out;
      },
    };
  }

  // A JSON array: 0 before "[", 1 expecting an element or "]", 2 expecting an element
  // (after a comma), 3 inside an element, 4 expecting "," or "]", 5 after "]".
  let phase = 0;
  let buffer = "";
  let pos = 0;
  let start = 0;
  let depth = 0;
  let inString = false;
  const syntax = (what: string) =>
    new AppError("bad_request", `The request body is not valid JSON: ${what} (after record ${index}).`);
  const notArray = () =>
    new AppError("validation_failed", "The body must be a JSON array of records, or NDJSON.", [
      {
        name: "body",
        reason: "must be a JSON array of records (or send NDJSON with Content-Type: application/x-ndjson)",
      },
    ]);
  const element = (end: number, out: TNewRecord[]) => {
    const text = buffer.slice(start, end);
    take(parseJsonText(text, `Record ${index}`), text, out);
    phase = 4;
  };

  const scan = (out: TNewRecord[]) => {
    while (pos < buffer.length) {
      if (phase === 3) {
        if (inString) {
          const quote = buffer.indexOf('"', pos);
          if (quote < 0) {
            pos = buffer.length;
            return;
          }
          let slashes = 0;
          while (buffer.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes++;
          pos = quote + 1;
          if (slashes % 2 === 0) {
            inString = false;
            if (depth === 0) element(pos, out);
          }
          continue;
        }
        const code = buffer.charCodeAt(pos);
        if (code === QUOTE) inString = true;
        else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
        else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
          if (depth === 0) {
            element(pos, out);
            continue;
          }
          depth--;
          if (depth === 0) {
            element(pos + 1, out);
            pos++;
            continue;
          }
        } else if (code === COMMA && depth === 0) {
          element(pos, out);
          continue;
        }
        pos++;
        continue;
      }
      const code = buffer.charCodeAt(pos);
      if (isSpace(code)) {
        pos++;
        continue;
      }
      if (phase === 0) {
        if (code !== OPEN_BRACKET) throw code === OPEN_BRACE ? notArray() : syntax("it must start with [");
        phase = 1;
        pos++;
      } else if (phase === 1 || phase === 2) {
        if (code === CLOSE_BRACKET && phase === 1) {
          phase = 5;
          pos++;
          continue;
        }
        if (code === CLOSE_BRACKET || code === COMMA) throw syntax(`unexpected "${buffer[pos]}"`);
        phase = 3;
        start = pos;
        depth = 0;
        inString = false;
      } else if (phase === 4) {
        if (code === COMMA) phase = 2;
        else if (code === CLOSE_BRACKET) phase = 5;
        else throw syntax(`expected "," or "]", not "${buffer[pos]}"`);
        pos++;
      } else {
        throw syntax("nothing may follow the array's closing ]");
      }
    }
  };

  return {
    push(text) {
      // Only the element being read is kept from earlier pieces.
      const keep = phase === 3 ? start : pos;
      buffer = buffer.slice(keep) + text;
      pos -= keep;
      start -= keep;
      const out: TNewRecord[] = [];
      scan(out);
      return out;
    },
    end() {
      const out: TNewRecord[] = [];
      if (phase === 3 && depth === 0 && !inString) element(buffer.length, out);
      if (phase === 0) throw syntax("the body is empty");
      if (phase !== 5) throw syntax("the array is not closed with ]");
      buffer = "";
      finish();
      return out;
    },
  };
}

/** Parses and validates a whole body into records ready to append. */
export function parseFeedRecords(feed: TIngestFeedName, text: string, contentType: string): TNewRecord[] {
  const parser = feedParser(feed, isNdjson(contentType));
  const records = parser.push(text);
  for (const record of parser.end()) records.push(record);
  return records;
}

const COLON = 58;
const NINE = 57;
/** The escapes JSON.stringify writes for the characters it escapes with two: \" \\ \b \f \n \r \t. */
const SHORT_ESCAPES = new Set([QUOTE, BACKSLASH, 98, 102, 110, 114, 116]);

/** Where the string starting after `from` (just past its opening quote) ends: its closing quote. */
function stringEnd(text: string, from: number, hasEscapes: boolean): number {
  let quote = text.indexOf('"', from);
  while (hasEscapes && quote > 0) {
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) break;
    quote = text.indexOf('"', quote + 1);
  }
  return quote;
}

/**
 * Whether `text`, which parsed to a record of string values with these `keys`, is
 * exactly what JSON.stringify writes for that record: then the feed keeps the text as
 * it came instead of writing it again. It is when it holds nothing between its strings
 * but the punctuation (no whitespace), each key once, no key starting with a digit
 * (JSON.stringify puts integer keys first), and only the escapes JSON.stringify itself
 * writes (\" \\ \b \f \n \r \t: no \u or \/); readers of the feed rely on that form,
 * such as the HEC envelope finding "time" by its text.
 */
export function isStringifiedForm(text: string, keys: readonly string[]): boolean {
  for (const key of keys) if (key.charCodeAt(0) <= NINE && key.charCodeAt(0) >= 48) return false;
  // A lone surrogate is written as a \u escape (never one in text decoded from UTF-8).
  if (!text.isWellFormed()) return false;
  const hasEscapes = text.indexOf("\\") >= 0;
  if (hasEscapes) {
    for (let at = text.indexOf("\\"); at >= 0; at = text.indexOf("\\", at + 2)) {
      if (!SHORT_ESCAPES.has(text.charCodeAt(at + 1))) return false;
    }
  }
  if (text.charCodeAt(0) !== OPEN_BRACE) return false;
  if (keys.length === 0) return text === "{}";
  let pos = 1;
  let strings = 0;
  for (;;) {
    if (text.charCodeAt(pos) !== QUOTE) return false;
    const end = stringEnd(text, pos + 1, hasEscapes);
    if (end < 0) return false;
    strings++;
    const next = text.charCodeAt(end + 1);
    if (next === CLOSE_BRACE) return strings % 2 === 0 && strings === keys.length * 2 && end + 2 === text.length;
    if (next !== (strings % 2 === 1 ? COLON : COMMA)) return false;
    pos = end + 2;
  }
}

/**
 * A record as the feed stores it: its JSON text, and for events the fields filters read.
 * `text`, the record as it came, is kept when it is already in JSON.stringify's form.
 */
export function toNewRecord(feed: TIngestFeedName, record: Record<string, string>, text?: string): TNewRecord {
  const json = text !== undefined && isStringifiedForm(text, Object.keys(record)) ? text : JSON.stringify(record);
  return feed === "events"
    ? { json, eventType: record.event_type, eventSubType: record.event_sub_type ?? "" }
    : { json };
}
