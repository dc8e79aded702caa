import type { Redis } from "ioredis";
import { markerSeq, parseMarker } from "@/lib/feeds/marker";

/**
 * The events, flows and audit feeds: append-only logs in Redis Streams. Events and
 * flows come from the ingest API and the simulator; the audit feed only from the
 * worker, which forwards the console's audit trail (lib/audit/publish.ts).
 *
 * Why Streams: ids are ordered and serve as markers, reading "up to N after marker M"
 * is XRANGE (log N + count, whatever the feed's length), and retention is a trim by
 * id (age) or by length. Each record is stored once as its JSON text, with the two
 * fields a filter needs beside it, so readers never parse what they only forward.
 *
 * Ids are assigned by a script, `<ms>-<seq>` with `seq` counting every record ever
 * appended: ordered like Redis' own ids, and the sequence lets a reader whose marker
 * was trimmed away learn exactly how many records it missed.
 */
export const FEED_NAMES = ["events", "flows", "audit"] as const;
export type TFeedName = (typeof FEED_NAMES)[number];

export function isFeedName(name: string): name is TFeedName {
  return (FEED_NAMES as readonly string[]).includes(name);
}

export type TNewRecord = { json: string; eventType?: string; eventSubType?: string };
export type TFeedEntry = { marker: string; seq: number; json: string; eventType: string; eventSubType: string };
export type TAppendResult = { accepted: number; firstMarker: string; lastMarker: string };
/** `isMarkerAhead`: the marker is past everything ever appended (the feed's data was lost or replaced). */
export type TReadResult = { entries: TFeedEntry[]; gap: number; isMarkerAhead: boolean };
export type TFeedHead = { length: number; firstMarker: string | null; lastMarker: string | null; appended: number };

export const feedKey = (feed: TFeedName) => `feed:${feed}`;
const stateKey = (feed: TFeedName) => `feed:${feed}:state`;

// KEYS: stream, state hash. ARGV: maxlen, slots per record, then each record's field/value pairs.
const APPEND_SCRIPT = `
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[2], 'ms', 'seq')
local lastMs = tonumber(state[1] or '0')
local seq = tonumber(state[2] or '0')
if seq == 0 then
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if #last > 0 then
    local sep = string.find(last[1][1], '-', 1, true)
    lastMs = tonumber(string.sub(last[1][1], 1, sep - 1))
    seq = tonumber(string.sub(last[1][1], sep + 1))
  end
end
if ms < lastMs then ms = lastMs end
local slots = tonumber(ARGV[2])
local first = nil
local id = nil
for i = 3, #ARGV, slots do
  seq = seq + 1
  id = ms .. '-' .. seq
  redis.call('XADD', KEYS[1], id, unpack(ARGV, i, i + slots - 1))
  if first == nil then first = id end
end
redis.call('HSET', KEYS[2], 'ms', ms, 'seq', seq)
if tonumber(ARGV[1]) > 0 then
  redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[1])
end
return {first, id}
`;

type TRedisWithAppend = Redis & {
  feedAppend(
    stream: string,
    state: string,
    maxLength: number,
    slots: number,
    ...args: string[]
  ): Promise<[string, string]>;
};

function withAppend(redis: Redis): TRedisWithAppend {
  const r = redis as TRedisWithAppend;
  if (typeof r.feedAppend !== "function") r.defineCommand("feedAppend", { numberOfKeys: 2, lua: APPEND_SCRIPT });
  return r;
}

/**
 * Appends records atomically, in order; all of them or none. Trims the feed to about
 * `maxLength` records (0: no length cap).
 */
export async function appendRecords(
  redis: Redis,
  feed: TFeedName,
  records: readonly TNewRecord[],
  maxLength: number,
): Promise<TAppendResult> {
  if (records.length === 0) throw new Error("Nothing to append");
  const args: string[] = [];
  // Flows and audit entries are never filtered, so they carry the record alone.
  const slots = feed === "events" ? 6 : 2;
  for (const record of records) {
    if (slots === 6) args.push("r", record.json, "t", record.eventType ?? "", "s", record.eventSubType ?? "");
    else args.push("r", record.json);
  }
  const [firstMarker, lastMarker] = await withAppend(redis).feedAppend(
    feedKey(feed),
    stateKey(feed),
    maxLength,
    slots,
    ...args,
  );
  return { accepted: records.length, firstMarker, lastMarker };
}

type TRawEntry = [id: string, fields: string[]];

function toEntry([id, fields]: TRawEntry): TFeedEntry {
  const entry: TFeedEntry = { marker: id, seq: markerSeq(id), json: "", eventType: "", eventSubType: "" };
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1] ?? "";
    if (fields[i] === "r") entry.json = value;
    else if (fields[i] === "t") entry.eventType = value;
    else if (fields[i] === "s") entry.eventSubType = value;
  }
  return entry;
}

/**
 * Up to `count` records after `marker`, oldest first. `gap` is how many records
 * between the marker and the first one returned are no longer in the feed (trimmed
 * by retention): the caller reports them; it is never moved past them silently.
 */
export async function readAfter(redis: Redis, feed: TFeedName, marker: string, count: number): Promise<TReadResult> {
  const after = parseMarker(marker);
  if (!after) throw new Error(`Not a feed marker: ${marker}`);
  const raw = (await redis.xrange(feedKey(feed), `(${marker}`, "+", "COUNT", count)) as TRawEntry[];
  const entries = raw.map(toEntry);
  if (entries.length > 0) {
    return { entries, gap: Math.max(0, entries[0]!.seq - after.seq - 1), isMarkerAhead: false };
  }
  // Nothing after the marker: records may still have been appended and trimmed since.
  const head = await readHead(redis, feed);
  return {
    entries,
    gap: head.length === 0 ? Math.max(0, head.appended - after.seq) : 0,
    isMarkerAhead: after.seq > head.appended,
  };
}

/** Newest first, starting before `before` (or at the newest record). */
export async function readNewest(redis: Redis, feed: TFeedName, count: number, before?: string): Promise<TFeedEntry[]> {
  // Nothing precedes 0-0, and Redis refuses "(0-0" as an error rather than an empty range.
  const start = before ? parseMarker(before) : null;
  if (start && start.ms === 0 && start.seq === 0) return [];
  const raw = (await redis.xrevrange(feedKey(feed), before ? `(${before}` : "+", "-", "COUNT", count)) as TRawEntry[];
  return raw.map(toEntry);
}

export async function readOne(redis: Redis, feed: TFeedName, marker: string): Promise<TFeedEntry | null> {
  if (!parseMarker(marker)) return null;
  const raw = (await redis.xrange(feedKey(feed), marker, marker)) as TRawEntry[];
  return raw[0] ? toEntry(raw[0]) : null;
}

/** Length, first and last markers, and how many records were ever appended. */
export async function readHead(redis: Redis, feed: TFeedName): Promise<TFeedHead> {
  const [[, length], [, first], [, last], [, seq]] = (await redis
    .multi()
    .xlen(feedKey(feed))
    .xrange(feedKey(feed), "-", "+", "COUNT", 1)
    .xrevrange(feedKey(feed), "+", "-", "COUNT", 1)
    .hget(stateKey(feed), "seq")
    .exec()) as [[null, number], [null, TRawEntry[]], [null, TRawEntry[]], [null, string | null]];
  const lastMarker = last[0]?.[0] ?? null;
  return {
    length,
    firstMarker: first[0]?.[0] ?? null,
    lastMarker,
    appended: Math.max(Number(seq ?? 0), lastMarker ? markerSeq(lastMarker) : 0),
  };
}

/** Drops records appended before `cutoffMs` (exactly: it runs once a minute, not per append). */
export async function trimOlderThan(redis: Redis, feed: TFeedName, cutoffMs: number): Promise<number> {
  return redis.xtrim(feedKey(feed), "MINID", `${Math.max(0, Math.floor(cutoffMs))}-0`);
}
