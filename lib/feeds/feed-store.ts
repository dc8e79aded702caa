import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { markerSeq, parseMarker } from "@/lib/feeds/marker";
import { cutRecord } from "@/lib/feeds/record-cut";

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
/** What an append takes: `json` as text, or as UTF-8 bytes (the Cato poller's, taken from Cato's reply as they came). */
export type TAppendRecord = Omit<TNewRecord, "json"> & { json: string | Buffer };
export type TFeedEntry = {
  marker: string;
  seq: number;
  /** The record's JSON; for a big record (see BIG_RECORD_CHARS), its head: long values cut. Empty when `bytes` holds it. */
  json: string;
  /**
   * The same as UTF-8 bytes, as the feed holds them, from a reader that forwards records
   * without looking into them (readAfter with a byte budget: the pumps). Kept as bytes, a
   * record is copied into a request's body as it came: no text decoded and encoded again,
   * and nothing of it on the JavaScript heap for the garbage collector to copy and promote.
   */
  bytes?: Buffer;
  eventType: string;
  eventSubType: string;
  /** A big record: the length of its whole JSON, kept outside the stream (loadWholeJson). */
  bigChars?: number;
  /** A big record: the length of its whole raw_data. */
  rawDataChars?: number;
  /** A big record whose head cut or left out a field other than raw_data. */
  isHeadCut?: boolean;
};

/**
 * Records longer than this in all (Detection and Response events carry raw_data of
 * several MB; a record may also have a thousand fields of 2,000 characters each) are
 * kept whole in a key of their own beside the stream, which holds their head: the
 * record with every long value cut to HEAD_VALUE_CHARS and the whole head within
 * HEAD_MAX_BYTES. Every entry in the stream is then at most BIG_RECORD_CHARS, reads
 * are bounded by bytes (readAfter's maxBytes), and only the reader that needs the whole
 * record (a pump building its batch, the Events page showing one event) loads it.
 */
export const BIG_RECORD_CHARS = 256 * 1024;
export const HEAD_VALUE_CHARS = 2000;
export const HEAD_MAX_BYTES = 16 * 1024;
export type TAppendResult = { accepted: number; firstMarker: string; lastMarker: string };
/** `isMarkerAhead`: the marker is past everything ever appended (the feed's data was lost or replaced). */
export type TReadResult = { entries: TFeedEntry[]; gap: number; isMarkerAhead: boolean };
export type TFeedHead = { length: number; firstMarker: string | null; lastMarker: string | null; appended: number };

export const feedKey = (feed: TFeedName) => `feed:${feed}`;
const stateKey = (feed: TFeedName) => `feed:${feed}:state`;
/** Where a big record is kept whole: beside its stream, named by its marker. */
export const bigRecordKey = (feed: TFeedName, marker: string) => `feed:${feed}:big:${marker}`;

// The append, as Lua run around one of two ways of getting the records, packed in
// chunks (recordPacker): a record's stream fields and values, and its whole JSON when it
// is big, stored under <stream>:big:<id>. A chunk holds many records and travels as one
// argument: a command of one large argument costs the client and Redis far less than one
// of thousands of small ones. A small append carries its chunk in ARGV; a large one was
// staged first in a list (KEYS[3]), a chunk per element, and is read from there one chunk
// at a time, so that no call carries the whole request and the stream still gets all of
// it or none.
//
// With a source's marker (Cato's, for the page being appended): its key is the last of
// KEYS, and ARGV[3], ARGV[4] are the marker expected there ("" for none) and the one to
// store. The page is appended and the marker stored by the same script, and only while
// the marker is still the expected one; otherwise nothing is appended (another poller got
// there first) and the reply is {false, false}.
const appendScript = (chunkReader: string, cleanup = "", isMarked = false) => `
${
  isMarked
    ? `if (redis.call('GET', KEYS[#KEYS]) or '') ~= ARGV[3] then
  ${cleanup}
  return {false, false}
end`
    : ""
}
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
local ttl = tonumber(ARGV[2])
${chunkReader}
local find, sub, byte, call = string.find, string.sub, string.byte, redis.call
local chunk, pos = '', 1
local function tok()
  local colon = find(chunk, ':', pos, true)
  local finish = colon + tonumber(sub(chunk, pos, colon - 1))
  pos = finish + 1
  return sub(chunk, colon + 1, finish)
end
local first = nil
local id = nil
local auto = ms .. '-*'
for c = 1, chunks do
  chunk = readChunk(c)
  pos = 1
  local size = #chunk
  while pos <= size do
    seq = seq + 1
    -- The first record's id is written out; each next one is '<ms>-*', which Redis numbers
    -- as the last id's seq + 1 within the same ms: the same ids, without building a
    -- string for each record (that cost about a tenth of the whole script).
    id = first == nil and (ms .. '-' .. seq) or auto
    local kind, r1, r2, r3, t1, t2, t3, s1, s2, s3 = byte(chunk, pos, pos + 9)
    if kind == 101 then
      local from = pos + 10
      local rEnd = from + r1 * 65536 + r2 * 256 + r3 - 1
      local tEnd = rEnd + t1 * 65536 + t2 * 256 + t3
      pos = tEnd + s1 * 65536 + s2 * 256 + s3 + 1
      id = call('XADD', KEYS[1], id, 'r', sub(chunk, from, rEnd), 't', sub(chunk, rEnd + 1, tEnd), 's', sub(chunk, tEnd + 1, pos - 1))
    elseif kind == 102 then
      local from = pos + 4
      pos = from + r1 * 65536 + r2 * 256 + r3
      id = call('XADD', KEYS[1], id, 'r', sub(chunk, from, pos - 1))
    else
      pos = pos + 1
      local tokens = tonumber(tok())
      local fields = {}
      for k = 1, tokens do fields[k] = tok() end
      id = call('XADD', KEYS[1], id, unpack(fields))
      local whole = tok()
      if whole ~= '' then call('SET', KEYS[1] .. ':big:' .. id, whole, 'EX', ttl) end
    end
    if first == nil then first = id end
  end
end
chunk = nil
redis.call('HSET', KEYS[2], 'ms', ms, 'seq', seq)
if tonumber(ARGV[1]) > 0 then
  redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[1])
end
${isMarked ? "redis.call('SET', KEYS[#KEYS], ARGV[4])" : ""}
${cleanup}
return {first, id}
`;

// The chunks in ARGV, from `firstChunk` on.
const argvReader = (firstChunk: number) => `local chunks = #ARGV - ${firstChunk - 1}
local function readChunk(c) return ARGV[c + ${firstChunk - 1}] end`;

// KEYS: stream, state hash. ARGV: maxlen, seconds a big record is kept, then the chunks.
const APPEND_SCRIPT = appendScript(argvReader(3));

// KEYS: stream, state hash, staging list (deleted once appended). ARGV: maxlen, seconds a
// big record is kept, and last the number of chunks staged: a list that lost any (Redis
// restarted, or failed over, since they were staged) appends nothing.
const STAGED_READER = `local chunks = redis.call('LLEN', KEYS[3])
if chunks ~= tonumber(ARGV[#ARGV]) then
  redis.call('DEL', KEYS[3])
  return redis.error_reply('STAGING_LOST ' .. chunks .. ' of ' .. ARGV[#ARGV] .. ' staged chunks are left')
end
local function readChunk(c) return redis.call('LINDEX', KEYS[3], c - 1) end`;
const APPEND_STAGED_SCRIPT = appendScript(STAGED_READER, "redis.call('DEL', KEYS[3])");

// The same two with a source's marker: KEYS end with the marker's key, ARGV[3] and ARGV[4]
// are the expected and the next marker (the chunks start after them).
const APPEND_MARKED_SCRIPT = appendScript(argvReader(5), "", true);
const APPEND_STAGED_MARKED_SCRIPT = appendScript(STAGED_READER, "redis.call('DEL', KEYS[3])", true);

// KEYS: staging list. ARGV: seconds it is kept, a chunk. Staged chunks are kept out of
// the append-only file and replicas (REPL_NONE): they are read once, by the append
// script, whose own writes are kept; writing them there too doubled what Redis wrote per
// append. A list lost with a restart or failover is caught by the append (STAGED_READER).
const STAGE_SCRIPT = `redis.set_repl(redis.REPL_NONE)
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`;

/**
 * Chunk buffers kept for the next append, a few MB at most. A buffer is memory outside
 * the JavaScript heap, and allocating one per chunk made the web process' collector run
 * full collections of its whole heap to account for it, often enough to cost more than
 * the packing saved.
 */
const spareChunks: Buffer[] = [];
const MAX_SPARE_CHUNKS = 8;

function chunkBuffer(size: number): Buffer {
  return (size === STAGE_CHUNK_BYTES && spareChunks.pop()) || Buffer.allocUnsafe(size);
}

/** Gives a chunk's buffer back once Redis has answered the command that carried it (ioredis has written it). */
function releaseChunk(chunk: Buffer): void {
  // Only whole chunk-sized buffers: not a big record's, nor a slice of Node's shared pool.
  if (chunk.byteOffset !== 0 || chunk.buffer.byteLength !== STAGE_CHUNK_BYTES) return;
  if (spareChunks.length < MAX_SPARE_CHUNKS) spareChunks.push(Buffer.from(chunk.buffer as ArrayBuffer));
}

type TRecordPacker = {
  /** Packs a record; false when it would not fit what is left of the chunk (take it first). */
  add(record: TAppendRecord): boolean;
  /** The packed chunk, and a fresh start. */
  take(): Buffer;
  /** Records packed since the last take. */
  readonly count: number;
  /** Bytes packed since the last take. */
  readonly bytes: number;
};

/** Characters of UTF-16 take at most 3 bytes each in UTF-8. */
const MAX_UTF8_BYTES_PER_CHAR = 3;
const SMALL_EVENT = 101; // "e"
const SMALL_RECORD = 102; // "f"
const BIG_RECORD = 103; // "g"

/**
 * Packs records for the append script into a chunk of about `chunkBytes`, written
 * straight into one buffer (no string is built and encoded again). Lengths are UTF-8
 * bytes, as Lua counts, so that any value travels unchanged. A record up to
 * BIG_RECORD_CHARS is "e" and the lengths of its JSON, event type and sub-type in 3
 * bytes each (big-endian) then those three (events), or "f", its JSON's length and its
 * JSON (other feeds); a big one is "g" then tokens written "<length>:<token>": the count
 * of its stream fields and values, those, and its whole JSON.
 */
function recordPacker(isFiltered: boolean, chunkBytes: number): TRecordPacker {
  let buffer: Buffer = Buffer.alloc(0);
  let bytes = 0;
  let count = 0;
  const write = (text: string | Buffer) => {
    bytes += typeof text === "string" ? buffer.write(text, bytes) : text.copy(buffer, bytes);
  };
  // Lengths are filled in once their text was written and its length is known.
  const writeLength = (at: number, length: number) => {
    buffer.writeUIntBE(length, at, 3);
  };
  return {
    get count() {
      return count;
    },
    get bytes() {
      return bytes;
    },
    add(record) {
      const type = record.eventType ?? "";
      const subType = record.eventSubType ?? "";
      // Bytes are at least as many as characters: only a long buffer can be a big record.
      const json =
        typeof record.json !== "string" && record.json.length > BIG_RECORD_CHARS
          ? record.json.toString("utf8")
          : record.json;
      let tokens: string[] | null = null;
      let most: number;
      if (typeof json !== "string") {
        most = json.length + MAX_UTF8_BYTES_PER_CHAR * (type.length + subType.length) + 10;
      } else if (json.length <= BIG_RECORD_CHARS) {
        most = MAX_UTF8_BYTES_PER_CHAR * (json.length + type.length + subType.length) + 10;
      } else {
        // A big record starts a chunk of its own (its head is made once).
        if (count > 0) return false;
        const { head, rawDataChars, isHeadCut } = headOf(json);
        const fields = ["r", head, "n", String(json.length), "l", String(rawDataChars)];
        if (isHeadCut) fields.push("x", "1");
        if (isFiltered) fields.push("t", type, "s", subType);
        tokens = [String(fields.length), ...fields, json];
        most = 1;
        for (const value of tokens) most += MAX_UTF8_BYTES_PER_CHAR * value.length + 12;
      }
      if (bytes + most > buffer.length) {
        if (count > 0) return false;
        buffer = most <= chunkBytes ? chunkBuffer(chunkBytes) : Buffer.allocUnsafe(most);
      }
      count++;
      const at = bytes;
      if (tokens) {
        buffer[bytes++] = BIG_RECORD;
        for (const value of tokens) {
          write(`${Buffer.byteLength(value)}:`);
          write(value);
        }
      } else if (isFiltered) {
        buffer[at] = SMALL_EVENT;
        bytes += 10;
        write(json);
        writeLength(at + 1, bytes - at - 10);
        const typeAt = bytes;
        write(type);
        writeLength(at + 4, bytes - typeAt);
        const subTypeAt = bytes;
        write(subType);
        writeLength(at + 7, bytes - subTypeAt);
      } else {
        buffer[at] = SMALL_RECORD;
        bytes += 4;
        write(json);
        writeLength(at + 1, bytes - at - 4);
      }
      return true;
    },
    take() {
      const chunk = buffer.subarray(0, bytes);
      buffer = Buffer.alloc(0);
      bytes = 0;
      count = 0;
      return chunk;
    },
  };
}

type TRedisWithAppend = Redis & {
  feedAppend(
    stream: string,
    state: string,
    maxLength: number,
    bigTtlSeconds: number,
    ...chunks: Buffer[]
  ): Promise<[string, string]>;
  feedAppendStaged(
    stream: string,
    state: string,
    staging: string,
    maxLength: number,
    bigTtlSeconds: number,
    chunks: number,
  ): Promise<[string, string]>;
  feedAppendMarked(
    stream: string,
    state: string,
    marker: string,
    maxLength: number,
    bigTtlSeconds: number,
    expected: string,
    next: string,
    ...chunks: Buffer[]
  ): Promise<[string | null, string | null]>;
  feedAppendStagedMarked(
    stream: string,
    state: string,
    staging: string,
    marker: string,
    maxLength: number,
    bigTtlSeconds: number,
    expected: string,
    next: string,
    chunks: number,
  ): Promise<[string | null, string | null]>;
  feedStage(staging: string, ttlSeconds: number, chunk: Buffer): Promise<number>;
};

function withAppend(redis: Redis): TRedisWithAppend {
  const r = redis as TRedisWithAppend;
  if (typeof r.feedAppend !== "function") r.defineCommand("feedAppend", { numberOfKeys: 2, lua: APPEND_SCRIPT });
  if (typeof r.feedAppendStaged !== "function") {
    r.defineCommand("feedAppendStaged", { numberOfKeys: 3, lua: APPEND_STAGED_SCRIPT });
    r.defineCommand("feedAppendMarked", { numberOfKeys: 3, lua: APPEND_MARKED_SCRIPT });
    r.defineCommand("feedAppendStagedMarked", { numberOfKeys: 4, lua: APPEND_STAGED_MARKED_SCRIPT });
    r.defineCommand("feedStage", { numberOfKeys: 1, lua: STAGE_SCRIPT });
  }
  return r;
}

/**
 * A source's position stored with the records it ends (a Cato marker): set to `next` by
 * the script that appends the page, only if it still holds `expected` ("" for none).
 */
export type TSourceMarker = { key: string; expected: string; next: string };

/** The source marker was no longer the one expected: nothing was appended. */
export class MarkerMovedError extends Error {
  override name = "MarkerMovedError";
}

/**
 * A big record's head: the same fields, every value over HEAD_VALUE_CHARS cut to that
 * length, and fields left out once the head reaches HEAD_MAX_BYTES (see cutRecord).
 */
export function headOf(json: string): { head: string; rawDataChars: number; isHeadCut: boolean } {
  const record = JSON.parse(json) as Record<string, unknown>;
  const rawData = record.raw_data;
  const cut = cutRecord(record, { maxValueChars: HEAD_VALUE_CHARS, maxBytes: HEAD_MAX_BYTES });
  return {
    head: JSON.stringify(cut.record),
    rawDataChars: typeof rawData === "string" ? rawData.length : 0,
    isHeadCut: cut.isCutBesidesRawData,
  };
}

/** A big record outlives its feed's retention by an hour, so it is there as long as its entry. */
const DEFAULT_RETENTION_HOURS = 72;

/**
 * Records are staged in chunks of about this many bytes, one list element each: a
 * large append never travels as one command, and the web process holds a few chunks,
 * never the request.
 */
const STAGE_CHUNK_BYTES = 1024 * 1024;
/**
 * Chunks on their way to Redis while the next is packed: staging runs beside parsing
 * rather than after it, and memory stays bounded by bytes (this many chunks plus one).
 */
const STAGE_IN_FLIGHT = 4;
/** A staged append abandoned half-way (the process died) is dropped after this. */
const STAGING_TTL_SECONDS = 15 * 60;

export type TFeedAppender = {
  /** Adds records to the append; nothing is in the feed before `commit`. */
  add(records: readonly TAppendRecord[]): Promise<void>;
  /** Appends everything added, atomically and in order. */
  commit(): Promise<TAppendResult>;
  /** Drops everything added (staged chunks included); the feed is untouched. */
  abort(): Promise<void>;
};

/**
 * An append of any size, all of it or none: records are added in pieces as they arrive,
 * packed (recordPacker) and staged in Redis a chunk of STAGE_CHUNK_BYTES at a time, and
 * appended to the stream by one script on `commit`. Staging is pipelined: up to
 * STAGE_IN_FLIGHT chunks are sent without waiting for their replies, and `commit` sends
 * the script only once every chunk was staged. Trims the feed to about `maxLength`
 * records (0: no length cap). Big records are kept whole beside the stream for
 * `retentionHours` (plus an hour); the trim by age removes their entries by then.
 *
 * `holdBytes`: an append whose chunks come to at most this many bytes keeps them and sends
 * them with the script, in one command, instead of staging them. For a caller that holds
 * the records anyway (the Cato poller's page), staging only added work: each chunk went
 * into a list and out again, and the script waited for the last one's reply.
 */
export function feedAppender(
  redis: Redis,
  feed: TFeedName,
  maxLength: number,
  retentionHours = DEFAULT_RETENTION_HOURS,
  sourceMarker?: TSourceMarker,
  holdBytes = 0,
): TFeedAppender {
  const bigTtl = Math.ceil(retentionHours * 3600) + 3600;
  const staging = `${feedKey(feed)}:staging:${randomUUID()}`;
  // Flows and audit entries are never filtered, so they carry the record alone.
  const packer = recordPacker(feed === "events", STAGE_CHUNK_BYTES);
  let count = 0;
  let isStaged = false;
  let stagedChunks = 0;
  const inFlight: Promise<void>[] = [];
  let stageError: unknown = null;

  // Chunks kept here rather than staged while the whole append stays within holdBytes:
  // they travel with the append script itself.
  const held: Buffer[] = [];
  let heldBytes = 0;
  const send = (chunk: Buffer) => {
    isStaged = true;
    // Each reply is settled here, so none goes unhandled; the first failure is kept
    // and thrown by the next add, or by commit before it appends anything.
    stagedChunks++;
    const staged = withAppend(redis)
      .feedStage(staging, STAGING_TTL_SECONDS, chunk)
      .then(() => undefined)
      .catch((error: unknown) => {
        stageError ??= error;
      })
      .finally(() => releaseChunk(chunk));
    inFlight.push(staged);
  };
  const stage = () => {
    if (packer.count === 0) return;
    const chunk = packer.take();
    if (!isStaged && heldBytes + chunk.length <= holdBytes) {
      held.push(chunk);
      heldBytes += chunk.length;
      return;
    }
    for (const earlier of held.splice(0)) send(earlier);
    heldBytes = 0;
    send(chunk);
  };
  const releaseHeld = () => {
    for (const chunk of held.splice(0)) releaseChunk(chunk);
    heldBytes = 0;
  };
  const settle = async (atMost: number) => {
    while (inFlight.length > atMost) await inFlight.shift();
    if (stageError) throw stageError;
  };

  return {
    async add(records) {
      for (const record of records) {
        if (!packer.add(record)) {
          stage();
          await settle(STAGE_IN_FLIGHT);
          packer.add(record);
        }
        count++;
        if (packer.bytes >= STAGE_CHUNK_BYTES) {
          stage();
          await settle(STAGE_IN_FLIGHT);
        }
      }
    },
    async commit() {
      if (count === 0) throw new Error("Nothing to append");
      const r = withAppend(redis);
      let markers: [string | null, string | null];
      if (isStaged) {
        stage();
        await settle(0);
      }
      if (!isStaged && packer.count > 0) held.push(packer.take());
      try {
        if (sourceMarker) {
          const { key, expected, next } = sourceMarker;
          markers = isStaged
            ? await r.feedAppendStagedMarked(
                feedKey(feed),
                stateKey(feed),
                staging,
                key,
                maxLength,
                bigTtl,
                expected,
                next,
                stagedChunks,
              )
            : await r.feedAppendMarked(feedKey(feed), stateKey(feed), key, maxLength, bigTtl, expected, next, ...held);
        } else if (isStaged) {
          markers = await r.feedAppendStaged(feedKey(feed), stateKey(feed), staging, maxLength, bigTtl, stagedChunks);
        } else {
          markers = await r.feedAppend(feedKey(feed), stateKey(feed), maxLength, bigTtl, ...held);
        }
      } finally {
        releaseHeld();
      }
      if (markers[0] === null || markers[1] === null) {
        throw new MarkerMovedError(`The marker at ${sourceMarker?.key} moved: another writer appended this page`);
      }
      return { accepted: count, firstMarker: markers[0], lastMarker: markers[1] };
    },
    async abort() {
      packer.take();
      releaseHeld();
      count = 0;
      // The chunks still on their way are written before the list is deleted (one connection, in order).
      await Promise.all(inFlight.splice(0));
      if (isStaged) await redis.del(staging);
    },
  };
}

/**
 * Appends records atomically, in order; all of them or none (see feedAppender). With a
 * source marker, the marker is stored by the same script, or nothing is appended
 * (MarkerMovedError) when it no longer holds the expected value.
 */
export async function appendRecords(
  redis: Redis,
  feed: TFeedName,
  records: readonly TAppendRecord[],
  maxLength: number,
  retentionHours = DEFAULT_RETENTION_HOURS,
  sourceMarker?: TSourceMarker,
  holdBytes = 0,
): Promise<TAppendResult> {
  if (records.length === 0) throw new Error("Nothing to append");
  const appender = feedAppender(redis, feed, maxLength, retentionHours, sourceMarker, holdBytes);
  try {
    await appender.add(records);
    return await appender.commit();
  } catch (error) {
    await appender.abort().catch(() => undefined);
    throw error;
  }
}

/**
 * The whole JSON of an entry: itself, or for a big record the copy kept beside the
 * stream. Should that copy be gone (it outlived a retention that was since raised),
 * the head stands in; the pump then sends the record with its long values cut.
 */
export async function loadWholeJson(redis: Redis, feed: TFeedName, entry: TFeedEntry): Promise<string> {
  if (!entry.bigChars) return recordText(entry);
  return (await redis.get(bigRecordKey(feed, entry.marker))) ?? recordText(entry);
}

/** An entry's JSON as text, whichever way it was read. */
export function recordText(entry: TFeedEntry): string {
  return entry.bytes ? entry.bytes.toString("utf8") : entry.json;
}

/** An entry's size in the stream: its JSON's bytes, or characters when read as text. */
export function recordSize(entry: TFeedEntry): number {
  return entry.bytes ? entry.bytes.length : entry.json.length;
}

type TRawEntry = [id: string, fields: string[]];

function toEntry([id, fields]: TRawEntry): TFeedEntry {
  const entry: TFeedEntry = { marker: id, seq: markerSeq(id), json: "", eventType: "", eventSubType: "" };
  for (let i = 0; i < fields.length; i += 2) setField(entry, fields[i]!, fields[i + 1] ?? "");
  return entry;
}

/** One of a stream entry's fields: the record, its type fields, a big record's lengths. */
function setField(entry: TFeedEntry, name: string, value: string): void {
  if (name === "r") entry.json = value;
  else if (name === "t") entry.eventType = value;
  else if (name === "s") entry.eventSubType = value;
  else if (name === "n") entry.bigChars = Number(value);
  else if (name === "l") entry.rawDataChars = Number(value);
  else if (name === "x") entry.isHeadCut = true;
}

// KEYS: stream. ARGV: exclusive start ("(<id>"), most entries, most bytes. Walks the
// stream in small XRANGE chunks (growing while entries are small) and stops before the
// entry that would pass the byte budget; the first entry is always returned, so a reader
// moves on whatever one entry holds. Sizes are the bytes of each entry's field values.
//
// The reply holds two strings per entry: a header of tokens `<byte length>:<bytes>` (its
// id, the number of its other fields' names and values, then those), and its record (the
// `r` field) as it is. Nine nested replies a record cost the client's decoder about a
// fifth of a delivering worker's CPU; the record joined into one string with its header
// cost Redis a copy of it, and the lengths written by Lua's number formatting (sprintf,
// seven a record) about as much again: 5.3–7.3 ms of Redis' CPU per read of 1 MB (640
// records of 1.5 KB) against 3.6–4.2 ms this way. Each length is formatted once a read.
const READ_BYTES_SCRIPT = `
local start = ARGV[1]
local left = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local out = {}
local o = 0
local bytes = 0
local chunk = 4
local texts = {}
local function text(n)
  local s = texts[n]
  if s == nil then
    s = tostring(n)
    texts[n] = s
  end
  return s
end
while left > 0 do
  local n = math.min(chunk, left)
  local got = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', n)
  for i = 1, #got do
    local fields = got[i][2]
    local size = 0
    for j = 2, #fields, 2 do size = size + #fields[j] end
    if o > 0 and bytes + size > budget then return out end
    local id = got[i][1]
    local nf = #fields
    local record = ''
    if nf == 6 and fields[1] == 'r' and fields[3] == 't' and fields[5] == 's' then
      -- An event: its type and sub-type.
      local t, s = fields[4], fields[6]
      record = fields[2]
      out[o + 1] = text(#id) .. ':' .. id .. '1:41:t' .. text(#t) .. ':' .. t .. '1:s' .. text(#s) .. ':' .. s
    elseif nf == 2 and fields[1] == 'r' then
      record = fields[2]
      out[o + 1] = text(#id) .. ':' .. id .. '1:0'
    else
      local parts = {text(#id), ':', id, '', ':', ''}
      local others = 0
      for j = 1, nf, 2 do
        local name, value = fields[j], fields[j + 1]
        if name == 'r' then
          record = value
        else
          others = others + 2
          parts[#parts + 1] = text(#name) .. ':' .. name .. text(#value) .. ':'
          parts[#parts + 1] = value
        end
      end
      parts[4] = text(#text(others))
      parts[6] = text(others)
      out[o + 1] = table.concat(parts)
    end
    out[o + 2] = record
    o = o + 2
    bytes = bytes + size
    left = left - 1
    start = '(' .. id
  end
  if #got < n then break end
  if chunk < 64 then chunk = chunk * 2 end
end
return out
`;

type TRedisWithRead = Redis & {
  feedReadBytesBuffer(stream: string, start: string, maxCount: number, maxBytes: number): Promise<Buffer[]>;
};

function withReadBytes(redis: Redis): TRedisWithRead {
  const r = redis as TRedisWithRead;
  if (typeof r.feedReadBytesBuffer !== "function")
    r.defineCommand("feedReadBytes", { numberOfKeys: 1, lua: READ_BYTES_SCRIPT });
  return r;
}

/** The entries of READ_BYTES_SCRIPT's reply (header and record, per entry); each record's JSON as the reply's bytes. */
export function unpackEntries(reply: Buffer[]): TFeedEntry[] {
  if (reply.length % 2 !== 0) throw new Error("The feed's read reply is malformed");
  const entries = new Array<TFeedEntry>(reply.length / 2);
  for (let i = 0; i < entries.length; i++) entries[i] = unpackEntry(reply[2 * i]!, reply[2 * i + 1]!);
  return entries;
}

// Where unpackEntry stands in the entry it reads, and the length of the token it just
// passed: module state rather than closures, made afresh for every record otherwise.
let unpackAt = 0;
let tokenSize = 0;

/** Steps over the next token of `packed` and returns where its bytes start (their length in tokenSize). */
function nextToken(packed: Buffer): number {
  let n = 0;
  for (let c = packed[unpackAt++]; c !== 0x3a; c = packed[unpackAt++]) {
    if (c === undefined || c < 0x30 || c > 0x39) throw new Error("The feed's read reply is malformed");
    n = n * 10 + c - 0x30;
  }
  const at = unpackAt;
  tokenSize = n;
  unpackAt += n;
  if (unpackAt > packed.length) throw new Error("The feed's read reply is malformed");
  return at;
}

/** The digits of the token at `at` (tokenSize bytes) as a number. */
function tokenNumber(packed: Buffer, at: number): number {
  let n = 0;
  for (let i = at; i < at + tokenSize; i++) {
    const c = packed[i]!;
    if (c < 0x30 || c > 0x39) throw new Error("The feed's read reply is malformed");
    n = n * 10 + c - 0x30;
  }
  return n;
}

const FIELD_TYPE = 0x74; // t
const FIELD_SUB_TYPE = 0x73; // s

function unpackEntry(packed: Buffer, record: Buffer): TFeedEntry {
  unpackAt = 0;
  let at = nextToken(packed);
  const id = packed.toString("latin1", at, at + tokenSize);
  const entry: TFeedEntry = {
    marker: id,
    seq: markerSeq(id),
    json: "",
    bytes: record,
    eventType: "",
    eventSubType: "",
  };
  const fields = tokenNumber(packed, nextToken(packed));
  for (let i = 0; i < fields; i += 2) {
    const nameAt = nextToken(packed);
    const name = tokenSize === 1 ? packed[nameAt]! : -1;
    const nameSize = tokenSize;
    at = nextToken(packed);
    if (name === FIELD_TYPE) entry.eventType = packed.toString("utf8", at, at + tokenSize);
    else if (name === FIELD_SUB_TYPE) entry.eventSubType = packed.toString("utf8", at, at + tokenSize);
    else
      setField(
        entry,
        packed.toString("latin1", nameAt, nameAt + nameSize),
        packed.toString("utf8", at, at + tokenSize),
      );
  }
  if (unpackAt !== packed.length) throw new Error("The feed's read reply is malformed");
  return entry;
}

/**
 * Up to `count` records after `marker`, oldest first; with `maxBytes`, also no more
 * than that many bytes of entries (at least one entry whatever its size, and no entry
 * in the stream is over BIG_RECORD_CHARS), so a reader's memory is bounded by bytes
 * however large the records are. `gap` is how many records between the marker and the
 * first one returned are no longer in the feed (trimmed by retention): the caller
 * reports them; it is never moved past them silently.
 */
export async function readAfter(
  redis: Redis,
  feed: TFeedName,
  marker: string,
  count: number,
  maxBytes?: number,
): Promise<TReadResult> {
  const after = parseMarker(marker);
  if (!after) throw new Error(`Not a feed marker: ${marker}`);
  const entries =
    maxBytes === undefined
      ? ((await redis.xrange(feedKey(feed), `(${marker}`, "+", "COUNT", count)) as TRawEntry[]).map(toEntry)
      : unpackEntries(await withReadBytes(redis).feedReadBytesBuffer(feedKey(feed), `(${marker}`, count, maxBytes));
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
