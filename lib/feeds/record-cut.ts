/**
 * A record cut to a size: the same flat map of strings, each value cut to at most
 * `maxValueChars`, and the whole at most `maxBytes` of UTF-8 JSON, whatever the record
 * holds (a thousand fields of 2,000 characters, field names of any length, characters
 * that JSON escapes to six). Fields a reader looks at first (the ones the Events table
 * summarizes, and raw_data's start) get the budget first; fields that no longer fit are
 * left out. Used for a big record's head in the feed and for a page of the events list.
 */
export type TCutRecord = {
  record: Record<string, string>;
  isCut: boolean;
  /** A field other than raw_data was cut or left out (raw_data's cut is told by its length). */
  isCutBesidesRawData: boolean;
};

/** Fields that get the budget first, in this order. */
const FIRST_FIELDS = [
  "time",
  "event_type",
  "event_sub_type",
  "action",
  "rule_name",
  "src_ip",
  "dest_ip",
  "dest_port",
  "user_name",
  "src_site_name",
  "pop_name",
  "threat_name",
  "event_message",
  "raw_data",
];
/** A field name longer than this is left out of a cut record (names are never cut). */
const MAX_NAME_BYTES = 256;
/** A value cut to fit the rest of the budget keeps at least this many bytes, or is left out. */
const MIN_VALUE_BYTES = 64;

/** Bytes of a string as a JSON string literal in UTF-8, quotes included. */
export function jsonBytes(value: string): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** The longest start of `value` whose JSON literal fits `maxBytes` (never splits a surrogate pair). */
export function cutToBytes(value: string, maxBytes: number): string {
  if (jsonBytes(value) <= maxBytes) return value;
  // Every character is at least one byte in JSON: no more than maxBytes characters fit.
  let low = 0;
  let high = Math.min(value.length, maxBytes);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (jsonBytes(value.slice(0, mid)) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  let end = low;
  const last = value.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return value.slice(0, end);
}

export function cutRecord(
  record: Record<string, unknown>,
  limits: { maxValueChars: number; maxBytes: number },
): TCutRecord {
  const keys = Object.keys(record);
  const present = new Set(keys);
  const order = [...FIRST_FIELDS.filter((key) => present.has(key)), ...keys.filter((k) => !FIRST_FIELDS.includes(k))];
  const kept = new Map<string, string>();
  let isCut = false;
  let isCutBesidesRawData = false;
  let left = limits.maxBytes - 2; // the braces
  for (const key of order) {
    const raw = record[key];
    const value = typeof raw === "string" ? raw : String(raw);
    const nameBytes = jsonBytes(key);
    // `"name":` and the comma before the next field.
    const overhead = nameBytes + 2;
    const start = value.length > limits.maxValueChars ? value.slice(0, limits.maxValueChars) : value;
    if (nameBytes > MAX_NAME_BYTES || left - overhead < Math.min(MIN_VALUE_BYTES, jsonBytes(start))) {
      isCut = true;
      if (key !== "raw_data") isCutBesidesRawData = true;
      continue;
    }
    const cut = cutToBytes(start, left - overhead);
    if (cut.length < value.length) {
      isCut = true;
      if (key !== "raw_data") isCutBesidesRawData = true;
    }
    kept.set(key, cut);
    left -= overhead + jsonBytes(cut);
  }
  // The record's own field order, for what was kept (fromEntries: a "__proto__" field stays a field).
  const out: Record<string, string> = Object.fromEntries(keys.filter((k) => kept.has(k)).map((k) => [k, kept.get(k)!]));
  return { record: out, isCut, isCutBesidesRawData };
}
