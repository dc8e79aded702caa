import type { TFeedEntry } from "@/lib/feeds/feed-store";
import { envelopeParts, type TEnvelopeOptions } from "@/lib/hec/envelope";

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
  // size: no joined copy of the batch as a string, and no second encoding of it.
  const heads: string[] = [];
  const events: (string | Buffer)[] = [];
  const markers: string[] = [];
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
    const { head, event } = envelopeParts(entry.bytes ?? entry.json, options);
    const size = Buffer.byteLength(head) + (typeof event === "string" ? Buffer.byteLength(event) : event.length) + 2; // its closing brace and newline
    if (heads.length > 0 && bytes + size > limits.maxBytes) break;
    heads.push(head);
    events.push(event);
    markers.push(entry.marker);
    bytes += size;
    consumed++;
    lastMarker = entry.marker;
    if (bytes >= limits.maxBytes) break;
  }
  const body = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (let i = 0; i < heads.length; i++) {
    at += body.write(heads[i]!, at, "utf8");
    const event = events[i]!;
    at += typeof event === "string" ? body.write(event, at, "utf8") : event.copy(body, at);
    body[at++] = 0x7d; // }
    body[at++] = 0x0a; // newline
  }
  return { body, bytes, markers, consumed, lastMarker };
}
