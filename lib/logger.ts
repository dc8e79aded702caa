/**
 * Minimal structured logger: one JSON line per entry. Never pass request bodies or
 * tokens to it; callers log ids and reasons only.
 */
type TLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<TLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function write(level: TLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const min = (globalThis as { __logLevel?: TLevel }).__logLevel ?? "info";
  if (ORDER[level] < ORDER[min]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

export function setLogLevel(level: TLevel): void {
  (globalThis as { __logLevel?: TLevel }).__logLevel = level;
}

export const logger = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
