import "server-only";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { TEventView } from "@/lib/feeds/event-view";
import {
  feedAppender,
  loadWholeJson,
  readNewest,
  readOne,
  type TAppendResult,
  type TFeedAppender,
  type TFeedEntry,
} from "@/lib/feeds/feed-store";
import { feedParser, isNdjson, type TIngestFeedName } from "@/lib/feeds/ingest";
import { isMarker } from "@/lib/feeds/marker";
import { cutRecord } from "@/lib/feeds/record-cut";
import { isJsonContentType, readBodyTextChunks } from "@/lib/http/json-body";
import { sharedRedis } from "@/lib/redis";

function redisDown(error: unknown): never {
  if (error instanceof AppError) throw error;
  throw new AppError("service_unavailable", "The feed store (Redis) is not reachable; try again shortly.");
}

/**
 * Appends the records of an ingest request, all or nothing. The body is parsed as it
 * arrives and its records are staged in Redis in chunks, so the web process holds a
 * chunk, never the request; the feed gets them only once the whole body was read and
 * every record passed.
 */
export async function ingestRecords(feed: TIngestFeedName, request: Request): Promise<TAppendResult> {
  const env = serverEnv();
  const contentType = request.headers.get("content-type") ?? "";
  if (!isJsonContentType(contentType) && !isNdjson(contentType)) {
    throw new AppError(
      "unsupported_media_type",
      "Send a JSON array (Content-Type: application/json) or NDJSON (Content-Type: application/x-ndjson).",
    );
  }
  let appender: TFeedAppender;
  try {
    appender = feedAppender(await sharedRedis(), feed, env.FEED_MAX_RECORDS, env.FEED_RETENTION_HOURS);
  } catch (error) {
    redisDown(error);
  }
  const parser = feedParser(feed, isNdjson(contentType));
  try {
    for await (const text of readBodyTextChunks(request, env.INGEST_MAX_BYTES)) {
      const records = parser.push(text);
      if (records.length > 0) await appender.add(records);
    }
    await appender.add(parser.end());
    return await appender.commit();
  } catch (error) {
    await appender.abort().catch(() => undefined);
    redisDown(error);
  }
}

export const RAW_DATA_PREVIEW_CHARS = 2000;
/**
 * One record in a page of the list, in UTF-8 JSON: a page of 200 stays under 2 MB
 * whatever the records hold (GET /api/events/{marker} gives a record whole).
 */
export const LIST_RECORD_MAX_BYTES = 9 * 1024;
const SCAN_CHUNK = 200;
const SCAN_LIMIT = 10_000;

/**
 * An event for the page. `isFull`: `json` is the whole record, shown as it is. Else
 * (the list) `json` is the entry's, a big record's head or a record of up to 256 KB,
 * and is cut to LIST_RECORD_MAX_BYTES: every value at most RAW_DATA_PREVIEW_CHARS,
 * fields left out past the budget; `isRecordTruncated` says so for fields other than
 * raw_data (whose cut `isRawDataTruncated` tells).
 */
function toEventView(entry: TFeedEntry, json: string, isFull: boolean): TEventView {
  const parsed = JSON.parse(json) as Record<string, string>;
  const raw = parsed.raw_data ?? "";
  const rawDataLength = isFull ? raw.length : (entry.rawDataChars ?? raw.length);
  const { record, isCutBesidesRawData } = isFull
    ? { record: parsed, isCutBesidesRawData: false }
    : cutRecord(parsed, { maxValueChars: RAW_DATA_PREVIEW_CHARS, maxBytes: LIST_RECORD_MAX_BYTES });
  const isRawDataTruncated = !isFull && rawDataLength > (record.raw_data ?? "").length;
  return {
    marker: entry.marker,
    eventType: entry.eventType,
    eventSubType: entry.eventSubType,
    record,
    rawDataLength,
    isRawDataTruncated,
    isRecordTruncated: !isFull && (isCutBesidesRawData || entry.isHeadCut === true),
  };
}

export type TEventQuery = { type?: string; subType?: string; before?: string; limit: number };
export type TEventPage = { events: TEventView[]; nextBefore: string | null };

/**
 * The account's events, newest first, optionally of one type and sub-type. Scans at
 * most SCAN_LIMIT records a request; `nextBefore` continues from where it stopped.
 */
export async function findEvents(query: TEventQuery): Promise<TEventPage> {
  if (query.before !== undefined && !isMarker(query.before)) {
    throw new AppError("validation_failed", "before must be an event marker.", [
      { name: "before", reason: "must be an event marker such as 1764368000000-42" },
    ]);
  }
  const events: TEventView[] = [];
  const subType = query.subType?.toLowerCase();
  let before = query.before;
  let scanned = 0;
  try {
    while (events.length < query.limit && scanned < SCAN_LIMIT) {
      const chunk = await readNewest(await sharedRedis(), "events", SCAN_CHUNK, before);
      if (chunk.length === 0) return { events, nextBefore: null };
      for (const entry of chunk) {
        scanned++;
        before = entry.marker;
        if (query.type && entry.eventType !== query.type) continue;
        // Sub-types are matched ignoring case: "internet firewall" finds "Internet Firewall".
        if (subType && entry.eventSubType.toLowerCase() !== subType) continue;
        events.push(toEventView(entry, entry.json, false));
        if (events.length === query.limit) break;
      }
      if (chunk.length < SCAN_CHUNK && events.length < query.limit) return { events, nextBefore: null };
    }
  } catch (error) {
    redisDown(error);
  }
  return { events, nextBefore: before ?? null };
}

export async function findEvent(marker: string): Promise<TEventView> {
  let entry: TFeedEntry | null;
  let json = "";
  try {
    const redis = await sharedRedis();
    entry = await readOne(redis, "events", marker);
    if (entry) json = await loadWholeJson(redis, "events", entry);
  } catch (error) {
    redisDown(error);
  }
  if (!entry) throw new AppError("not_found", "No event has this marker (it may have aged out of the feed).");
  return toEventView(entry, json, true);
}
