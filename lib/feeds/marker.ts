/**
 * A marker is the id of a record in its feed: `<append time in ms>-<sequence>`, the
 * Redis Stream id the record was stored under. The sequence counts every record ever
 * appended to the feed, so the distance between two markers is the number of records
 * between them, even after some were trimmed away.
 */
export const START_MARKER = "0-0";

const MARKER = /^(\d{1,15})-(\d{1,15})$/;

export type TMarker = { ms: number; seq: number };

export function parseMarker(marker: string): TMarker | null {
  const match = MARKER.exec(marker);
  if (!match) return null;
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

export function isMarker(value: string): boolean {
  return parseMarker(value) !== null;
}

export function markerSeq(marker: string): number {
  const parsed = parseMarker(marker);
  if (!parsed) throw new Error(`Not a feed marker: ${marker}`);
  return parsed.seq;
}

/** Orders markers as the feed does (by time, then sequence); string order is wrong once lengths differ. */
export function compareMarkers(a: string, b: string): number {
  const x = parseMarker(a);
  const y = parseMarker(b);
  if (!x || !y) throw new Error(`Not a feed marker: ${x ? b : a}`);
  return x.ms - y.ms || x.seq - y.seq;
}
