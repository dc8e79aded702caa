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
  flows: ["flow_id", "time"],
};

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
  if (!EPOCH_MS.test(record.time as string)) return "field time must be epoch milliseconds as a string of digits";
  return null;
}

function splitNdjson(text: string): { values: unknown[]; lineOf: number[] } {
  const values: unknown[] = [];
  const lineOf: number[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    values.push(parseJsonText(line, `Line ${i + 1} (record ${values.length})`));
    lineOf.push(i + 1);
  }
  return { values, lineOf };
}

export function isNdjson(contentType: string): boolean {
  return /^application\/(x-)?ndjson\b|^application\/(x-)?jsonlines\b/i.test(contentType);
}

/** Parses and validates a request body into records ready to append. */
export function parseFeedRecords(feed: TIngestFeedName, text: string, contentType: string): TNewRecord[] {
  let values: unknown[];
  if (isNdjson(contentType)) {
    values = splitNdjson(text).values;
  } else {
    const parsed = parseJsonText(text);
    if (!Array.isArray(parsed)) {
      throw new AppError("validation_failed", "The body must be a JSON array of records, or NDJSON.", [
        {
          name: "body",
          reason: "must be a JSON array of records (or send NDJSON with Content-Type: application/x-ndjson)",
        },
      ]);
    }
    values = parsed;
  }
  if (values.length === 0) {
    throw new AppError("validation_failed", "The body holds no records.", [
      { name: "body", reason: "holds no records" },
    ]);
  }

  const errors: TInvalidParam[] = [];
  let invalidCount = 0;
  for (let i = 0; i < values.length; i++) {
    const problem = checkRecord(feed, values[i]);
    if (!problem) continue;
    invalidCount++;
    if (errors.length < MAX_ERRORS_REPORTED) errors.push({ name: `records[${i}]`, reason: `Record ${i} ${problem}` });
  }
  if (invalidCount > 0) {
    throw new AppError(
      "validation_failed",
      `${invalidCount} of ${values.length} records are invalid; nothing was appended. First: ${errors[0]!.reason}.`,
      errors,
    );
  }

  return values.map((value) => toNewRecord(feed, value as Record<string, string>));
}

/** A record as the feed stores it: its JSON text, and for events the fields filters read. */
export function toNewRecord(feed: TIngestFeedName, record: Record<string, string>): TNewRecord {
  return feed === "events"
    ? { json: JSON.stringify(record), eventType: record.event_type, eventSubType: record.event_sub_type ?? "" }
    : { json: JSON.stringify(record) };
}
