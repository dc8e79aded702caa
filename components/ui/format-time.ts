const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "always" });

/** A local date and time, for when the exact moment matters (tooltips, logs, long ago). */
export function formatLocalTime(date: Date | string): string {
  // The zone is spelled out: administrators in several time zones read the same console.
  return new Date(date).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "long" });
}

/** A time of day with its zone, for "Not updated since 17:42 UTC". */
export function formatClockTime(date: Date | string | number): string {
  return new Date(date).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
}

/**
 * "just now", "45 seconds ago", "3 minutes ago", "in 20 seconds"; past a day the
 * local date and time, which reads better than "12 days ago".
 */
export function formatRelativeTime(date: Date | string, nowMs: number): string {
  const then = new Date(date).getTime();
  const delta = then - nowMs;
  const distance = Math.abs(delta);
  // Clocks of browser and server differ by a little: "just now" either way.
  if (distance < 5 * SECOND) return "just now";
  const sign = delta < 0 ? -1 : 1;
  if (distance < MINUTE) return relativeFormat.format(sign * Math.round(distance / SECOND), "second");
  if (distance < HOUR) return relativeFormat.format(sign * Math.floor(distance / MINUTE), "minute");
  if (distance < DAY) return relativeFormat.format(sign * Math.floor(distance / HOUR), "hour");
  return formatLocalTime(date);
}

/** An age in a short unit: "8 s", "3 min", "2 h 5 min", "3 d 4 h". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
