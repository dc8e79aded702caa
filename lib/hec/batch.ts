import type { TFeedEntry } from "@/lib/feeds/feed-store";
import { buildEnvelope, type TEnvelopeOptions } from "@/lib/hec/envelope";

export type TBatchLimits = { maxBytes: number; maxRecords: number };

export type TBatch = {
  /** Envelopes stacked one a line, ready to compress. Empty when every entry was filtered out. */
  body: string;
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
  const parts: string[] = [];
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
    if (parts.length >= limits.maxRecords) break;
    const envelope = buildEnvelope(entry.json, options);
    const size = Buffer.byteLength(envelope) + 1; // and its newline
    if (parts.length > 0 && bytes + size > limits.maxBytes) break;
    parts.push(envelope);
    markers.push(entry.marker);
    bytes += size;
    consumed++;
    lastMarker = entry.marker;
    if (bytes >= limits.maxBytes) break;
  }
  return { body: parts.length ? `${parts.join("\n")}\n` : "", bytes, markers, consumed, lastMarker };
}
