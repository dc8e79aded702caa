/**
 * A marker is the id of a record in its feed: `<append time in ms>-<sequence>`, the
 * Redis Stream id the record was stored under. The sequence counts every record ever
 * appended to the feed, so the distance between two markers is the number of records
 * between them, even after some were trimmed away.
 */
export const START_MARKER = "0-0";

export type TMarker = { ms: number; seq: number };

/** At most this many digits each side of the dash, so both stay exact numbers. */
const MAX_DIGITS = 15;

/**
 * The sequence of `marker` (`<1 to 15 digits>-<1 to 15 digits>`), or -1 when it is not
 * one; its time is left in `scannedMs`. Read character by character, with no regular
 * expression and no object: the pumps read every record's marker.
 */
let scannedMs = 0;
function scanMarker(marker: string): number {
  let ms = 0;
  let seq = 0;
  let digits = 0;
  let isSeq = false;
  for (let i = 0; i < marker.length; i++) {
    const c = marker.charCodeAt(i);
    if (c === 0x2d && !isSeq && digits > 0) {
      isSeq = true;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < MAX_DIGITS) {
      digits++;
      if (isSeq) seq = seq * 10 + c - 0x30;
      else ms = ms * 10 + c - 0x30;
    } else {
      return -1;
    }
  }
  if (!isSeq || digits === 0) return -1;
  scannedMs = ms;
  return seq;
}

export function parseMarker(marker: string): TMarker | null {
  const seq = scanMarker(marker);
  return seq < 0 ? null : { ms: scannedMs, seq };
}

export function isMarker(value: string): boolean {
  return parseMarker(value) !== null;
}

export function markerSeq(marker: string): number {
  const seq = scanMarker(marker);
  if (seq < 0) throw new Error(`Not a feed marker: ${marker}`);
  return seq;
}

/** Orders markers as the feed does (by time, then sequence); string order is wrong once lengths differ. */
export function compareMarkers(a: string, b: string): number {
  const x = parseMarker(a);
  const y = parseMarker(b);
  if (!x || !y) throw new Error(`Not a feed marker: ${x ? b : a}`);
  return x.ms - y.ms || x.seq - y.seq;
}
