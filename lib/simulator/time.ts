// A batch spans one or two wall-clock seconds, so the last formatted second is nearly always the next one asked for.
let cachedSecond = Number.NaN;
let cachedText = "";

/** Cato's `time_str`: the instant in UTC to the second, e.g. "2026-11-28T22:14:05Z". */
export function formatTimeStr(timeMs: number): string {
  const second = Math.floor(timeMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return cachedText;
}
