import type { TFeedEntry } from "@/lib/feeds/feed-store";
import { envelopeAfterTime, envelopeParts, epochMsAt, type TEnvelopeOptions } from "@/lib/hec/envelope";

export type TBatchLimits = { maxBytes: number; maxRecords: number };

export type TBatch = {
  /** Envelopes stacked one a line (UTF-8), ready to compress. Empty when every entry was filtered out. */
  body: Buffer;
  bytes: number;
  /** The feed entries each envelope came from, in order (for invalid-event-number). */
  markers: string[];
  /** How many of the given entries the batch accounts for, sent or filtered out. */
  consumed: number;
  /** Marker of the last entry consumed: where the feed marker moves once Splunk accepts. */
  lastMarker: string | null;
};

/**
 * Takes entries in order into one request: at most `maxRecords` envelopes and
 * `maxBytes` bytes, except that an envelope larger than `maxBytes` on its own travels
 * alone. Events are never split. Entries the filter rejects are consumed without
 * an envelope, so the marker moves past them with the batch.
 */
export function buildBatch(
  entries: readonly TFeedEntry[],
  options: TEnvelopeOptions,
  limits: TBatchLimits,
  accept: (entry: TFeedEntry) => boolean = () => true,
): TBatch {
  // Each envelope's pieces are sized first and written once into a body of the exact
  // size: no joined copy of the batch as a string, and no second encoding of it. A
  // record read as bytes with its time in epoch ms (nearly all of them) is written from
  // its bytes alone: `{"time":` its digits with the point, the metadata, the record.
  const heads: (string | null)[] = [];
  const events: (string | Buffer)[] = [];
  // A record written from its bytes: where its time's digits start, and how many (head null).
  const timeStarts: number[] = [];
  const timeDigits: number[] = [];
  const markers: string[] = [];
  const afterTime = envelopeAfterTime(options);
  let bytes = 0;
  let consumed = 0;
  let lastMarker: string | null = null;
  for (const entry of entries) {
    if (!accept(entry)) {
      consumed++;
      lastMarker = entry.marker;
      continue;
    }
    if (heads.length >= limits.maxRecords) break;
    const time = entry.bytes && entry.bytes.length <= options.maxEventBytes ? epochMsAt(entry.bytes) : null;
    let head: string | null = null;
    let event: string | Buffer;
    let size: number;
    if (time) {
      event = entry.bytes!;
      size = TIME_OPEN.length + time.digits + 1 + afterTime.length + event.length + 2;
    } else {
      ({ head, event } = envelopeParts(entry.bytes ?? entry.json, options));
      size = Buffer.byteLength(head) + (typeof event === "string" ? Buffer.byteLength(event) : event.length) + 2;
    }
    // (+ 2: its closing brace and newline)
    if (heads.length > 0 && bytes + size > limits.maxBytes) break;
    heads.push(head);
    events.push(event);
    timeStarts.push(time ? time.start : 0);
    timeDigits.push(time ? time.digits : 0);
    markers.push(entry.marker);
    bytes += size;
    consumed++;
    lastMarker = entry.marker;
    if (bytes >= limits.maxBytes) break;
  }
  const body = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (let i = 0; i < heads.length; i++) {
    const head = heads[i] ?? null;
    const event = events[i]!;
    if (head === null) {
      const record = event as Buffer;
      const start = timeStarts[i]!;
      const point = start + timeDigits[i]! - 3;
      body.set(TIME_OPEN, at);
      at += TIME_OPEN.length;
      for (let k = start; k < point; k++) body[at++] = record[k]!;
      body[at++] = 0x2e; // .
      for (let k = point; k < point + 3; k++) body[at++] = record[k]!;
      body.set(afterTime, at);
      at += afterTime.length;
      body.set(record, at);
      at += record.length;
    } else {
      at += body.write(head, at, "utf8");
      at += typeof event === "string" ? body.write(event, at, "utf8") : event.copy(body, at);
    }
    body[at++] = 0x7d; // }
    body[at++] = 0x0a; // newline
  }
  return { body, bytes, markers, consumed, lastMarker };
}

const TIME_OPEN = Buffer.from('{"time":');
