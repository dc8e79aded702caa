import type { TFeedName } from "@/lib/feeds/feed-store";
import { HEC_HOST, HEC_SOURCE, SOURCETYPES } from "@/lib/hec/metadata";

/**
 * HEC envelopes built as strings from the record's stored JSON text: no parse and
 * re-stringify per record on the hot path. Only a record larger than the event limit
 * (a Detection and Response story) is parsed, to cut its raw_data.
 */
export const TEST_SOURCETYPE = "cato:test";

// Records are compact JSON written by the feed, so a key is always preceded by "{" or ","
// outside any string: a value cannot contain an unescaped quote. Cato's records are flat
// and carry epoch ms; audit records carry an ISO 8601 UTC time before any nested object,
// so the first match is the record's own time.
const TIME_FIELD = /[{,]"time":"(?:(\d{1,16})|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z))"/;
// A native flow record may carry only time_str (RFC 3339); it is used when there is no time.
const TIME_STR_FIELD = /[{,]"time_str":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d))"/;

export type TEnvelopeOptions = {
  source: TFeedName;
  index: string | null;
  /** The integration's Splunk metadata; each one left out takes its default (cato-sase, cato_networks, cato:<source>). */
  host?: string;
  hecSource?: string;
  sourcetype?: string;
  /** raw_data is cut so the record stays under this many bytes (default 5 MB). */
  maxEventBytes: number;
};

const TIME_KEY = Buffer.from('"time":"');
const TIME_STR_KEY = Buffer.from('"time_str":"');
const TIME_FIELD_AT = new RegExp(`^${TIME_FIELD.source}`);
const TIME_STR_FIELD_AT = new RegExp(`^${TIME_STR_FIELD.source}`);

/** Where the next `key` that is a key (after `{` or `,`, not inside a value) starts in `bytes`, from `from`; -1 if none. */
function keyAt(bytes: Buffer, key: Buffer, from: number): number {
  let at = bytes.indexOf(key, Math.max(from, 1));
  while (at > 0 && bytes[at - 1] !== 0x7b && bytes[at - 1] !== 0x2c) at = bytes.indexOf(key, at + 1);
  return at;
}

/** The first match of a `[{,]"key":"...` pattern in a record's UTF-8 bytes, looked for where the key is. */
function execInBytes(bytes: Buffer, key: Buffer, patternAt: RegExp): RegExpExecArray | null {
  for (let at = keyAt(bytes, key, 1); at > 0; at = keyAt(bytes, key, at + 1)) {
    // The value is digits or a date, ASCII either way, and 48 bytes hold the longest.
    const match = patternAt.exec(bytes.toString("latin1", at - 1, at + key.length + 48));
    if (match) return match;
  }
  return null;
}

/** The record's `time` (epoch ms, or ISO 8601 in UTC), as HEC's seconds with a fraction; null when absent. */
export function hecTime(recordJson: string | Buffer): string | null {
  const isText = typeof recordJson === "string";
  const match = isText ? TIME_FIELD.exec(recordJson) : execInBytes(recordJson, TIME_KEY, TIME_FIELD_AT);
  const timeStr = match
    ? null
    : isText
      ? TIME_STR_FIELD.exec(recordJson)
      : execInBytes(recordJson, TIME_STR_KEY, TIME_STR_FIELD_AT);
  if (!match && !timeStr) return null;
  const ms = match ? (match[1] ?? String(Date.parse(match[2]!))) : String(Date.parse(timeStr![1]!));
  if (!/^\d{1,16}$/.test(ms)) return null; // not a date, or before 1970
  if (ms.length <= 3) return `0.${ms.padStart(3, "0")}`;
  return `${ms.slice(0, -3)}.${ms.slice(-3)}`;
}

/**
 * Where the digits of a record's time are in its bytes in the common case, the first
 * `"time":"` key holding epoch milliseconds (4 to 16 digits): the digits' start, their
 * count in `digits`; null for anything else (hecTime reads it then). The envelope of such
 * a record can be written straight from the record's bytes, no text made for it.
 */
export function epochMsAt(bytes: Buffer): { start: number; digits: number } | null {
  const at = keyAt(bytes, TIME_KEY, 1);
  if (at <= 0) return null;
  const start = at + TIME_KEY.length;
  let end = start;
  while (end - start <= 16 && bytes[end]! >= 0x30 && bytes[end]! <= 0x39) end++;
  const digits = end - start;
  return digits >= 4 && digits <= 16 && bytes[end] === 0x22 ? { start, digits } : null;
}

/** The envelope after its time, as bytes: `,<metadata>"event":`. */
export function envelopeAfterTime(options: TEnvelopeOptions): Buffer {
  let part = afterTimeParts.get(options);
  if (part === undefined) {
    part = Buffer.from(`,${metadataPart(options)}"event":`);
    afterTimeParts.set(options, part);
  }
  return part;
}
const afterTimeParts = new WeakMap<TEnvelopeOptions, Buffer>();

// The metadata part of the envelope is the same for every record of a batch: built once per options object.
const metadataParts = new WeakMap<TEnvelopeOptions, string>();

function metadataPart(options: TEnvelopeOptions): string {
  let part = metadataParts.get(options);
  if (part === undefined) {
    part =
      `"host":${JSON.stringify(options.host ?? HEC_HOST)},` +
      `"source":${JSON.stringify(options.hecSource ?? HEC_SOURCE)},` +
      `"sourcetype":${JSON.stringify(options.sourcetype ?? SOURCETYPES[options.source])},` +
      (options.index ? `"index":${JSON.stringify(options.index)},` : "");
    metadataParts.set(options, part);
  }
  return part;
}

function envelopePrefix(options: TEnvelopeOptions, time: string | null): string {
  return time ? `{"time":${time},${metadataPart(options)}` : `{${metadataPart(options)}`;
}

/** Characters JSON.stringify escapes in ASCII text. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/**
 * Cuts raw_data so the whole record fits `maxEventBytes`, and says so in indexed fields.
 * Returns null when the record has no raw_data to cut (it is sent as it is).
 *
 * raw_data of several MB is cut for every delivery of its record, so each copy of it made
 * here is garbage of that size for the collector, which takes large objects only in a full
 * collection. Plain ASCII that JSON does not escape (base64, most text) is measured and
 * cut without a copy: its bytes are its characters and its JSON is itself in quotes.
 */
export function truncateRawData(recordJson: string, maxEventBytes: number): { json: string; fields: string } | null {
  const record = JSON.parse(recordJson) as Record<string, string>;
  const raw = record.raw_data;
  if (typeof raw !== "string") return null;
  const rawBytes = Buffer.byteLength(raw);
  const isPlain = rawBytes === raw.length && !NEEDS_ESCAPE.test(raw);
  const rawJsonBytes = isPlain ? rawBytes + 2 : Buffer.byteLength(JSON.stringify(raw));
  const overhead = Buffer.byteLength(recordJson) - rawJsonBytes;
  let keep = Math.max(0, maxEventBytes - overhead - 2);
  let cut = isPlain
    ? raw.slice(0, keep)
    : Buffer.from(raw)
        .subarray(0, keep)
        .toString("utf8")
        .replace(/\uFFFD$/, "");
  let json = JSON.stringify({ ...record, raw_data: cut });
  // JSON escaping can grow the text; shrink until the record fits.
  while (Buffer.byteLength(json) > maxEventBytes && cut.length > 0) {
    keep = Math.floor(keep * 0.9);
    cut = cut.slice(0, keep);
    json = JSON.stringify({ ...record, raw_data: cut });
  }
  return {
    json,
    fields: `{"raw_data_truncated":"true","raw_data_original_bytes":"${rawBytes}"}`,
  };
}

/**
 * One envelope in two pieces, `head + event + "}"`, so a batch can write them into its
 * body without first joining them into one string: `time`, `host`, `source`,
 * `sourcetype`, `index` when set, then `event`, the record unchanged (as text, or as the
 * UTF-8 bytes it came as).
 */
export function envelopeParts(
  record: string | Buffer,
  options: TEnvelopeOptions,
): { head: string; event: string | Buffer } {
  if (typeof record !== "string") {
    if (record.length > options.maxEventBytes) return envelopeParts(record.toString("utf8"), options);
    return { head: `${envelopePrefix(options, hecTime(record))}"event":`, event: record };
  }
  const recordJson = record;
  const time = hecTime(recordJson);
  if (recordJson.length > options.maxEventBytes / 4 && Buffer.byteLength(recordJson) > options.maxEventBytes) {
    const cut = truncateRawData(recordJson, options.maxEventBytes);
    if (cut) return { head: `${envelopePrefix(options, time)}"fields":${cut.fields},"event":`, event: cut.json };
  }
  return { head: `${envelopePrefix(options, time)}"event":`, event: recordJson };
}

/** One envelope: `time`, `host`, `source`, `sourcetype`, `index` when set, `event` the record unchanged. */
export function buildEnvelope(record: string | Buffer, options: TEnvelopeOptions): string {
  const { head, event } = envelopeParts(record, options);
  return `${head}${event.toString()}}`;
}
