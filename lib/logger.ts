import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { readLogSettings, type TLogSettings } from "@/lib/env";

/**
 * Structured logs with pino: one JSON line per entry (human-readable in development).
 * Callers log ids and reasons, never request bodies or tokens; the redaction below is a
 * second line of defence for fields that should never hold a secret in the first place.
 */
type TFields = Record<string, unknown>;

const REDACT = [
  "token",
  "apiKey",
  "authorization",
  "*.token",
  "*.apiKey",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
];

/** A logger writing to `destination` (standard output by default). */
export function createLogger(settings: TLogSettings = readLogSettings(), destination?: DestinationStream): Logger {
  const options = {
    level: settings.level,
    redact: { paths: REDACT, censor: "[redacted]" },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (settings.format === "pretty") return pino(options, pretty({ colorize: !destination, sync: true, destination }));
  return destination ? pino(options, destination) : pino(options);
}

const globalForLogger = globalThis as unknown as { logger?: Logger };

function base(): Logger {
  globalForLogger.logger ??= createLogger();
  return globalForLogger.logger;
}

export function setLogLevel(level: "debug" | "info" | "warn" | "error"): void {
  base().level = level;
}

export const logger = {
  debug: (msg: string, fields: TFields = {}) => base().debug(fields, msg),
  info: (msg: string, fields: TFields = {}) => base().info(fields, msg),
  warn: (msg: string, fields: TFields = {}) => base().warn(fields, msg),
  error: (msg: string, fields: TFields = {}) => base().error(fields, msg),
};
