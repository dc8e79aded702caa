import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * The one place that reads process.env. Each process (web, worker, start-up script)
 * parses what it needs once and fails with a message that names the variable.
 */

export class ConfigError extends Error {
  override name = "ConfigError";
}

const ZPort = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be between 1 and 65535")
  .max(65535, "must be between 1 and 65535");

const ZPostgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgresql:// URL");

const ZRedisUrl = z
  .string()
  .trim()
  .refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// or rediss:// URL");

const ZLogLevel = z.enum(["debug", "info", "warn", "error"], {
  error: "must be one of debug, info, warn, error",
});

const ZFlag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1");

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const ZLogEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  LOG_LEVEL: ZLogLevel.default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"], { error: "must be json or pretty" }).optional(),
});

const ZStartEnv = z.object({
  DATA_DIR: z.string().trim().min(1).default("data"),
  PORT: ZPort.default(3000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  TRUST_PROXY_HOPS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be between 0 and 10")
    .max(10, "must be between 0 and 10")
    .default(0),
  DATABASE_URL: z.preprocess(emptyToUndefined, ZPostgresUrl.optional()),
  REDIS_URL: z.preprocess(emptyToUndefined, ZRedisUrl.optional()),
  REDIS_SERVER_BIN: z.preprocess(emptyToUndefined, z.string().optional()),
  ENCRYPTION_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  ENCRYPTION_KEY_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
});

const ZServerEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: ZPostgresUrl,
  REDIS_URL: ZRedisUrl,
  ENCRYPTION_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  ENCRYPTION_KEY_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
  LOG_LEVEL: ZLogLevel.default("info"),
  WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  FEED_RETENTION_HOURS: z.coerce.number({ error: "must be a number" }).positive("must be above 0").default(72),
  FEED_MAX_RECORDS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1000, "must be at least 1000")
    .default(1_000_000),
  INGEST_MAX_BYTES: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1024, "must be at least 1024")
    .default(32 * 1024 * 1024),
  SIMULATOR: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
  SIMULATOR_RATE: z.coerce
    .number({ error: "must be a number" })
    .min(0, "must be 0 or more")
    .max(100_000, "must be at most 100000")
    .default(2),
  HEC_ALLOW_PRIVATE_NETWORKS: ZFlag.default(false),
  HEC_ALLOW_INSECURE_HTTP: ZFlag.default(false),
  HEC_BATCH_MAX_BYTES: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(10_000, "must be at least 10000")
    .default(1_000_000),
  HEC_BATCH_MAX_RECORDS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100_000, "must be at most 100000")
    .default(5000),
  HEC_MAX_EVENT_BYTES: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(10_000, "must be at least 10000")
    .default(5_000_000),
  HEC_TIMEOUT_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .positive("must be above 0")
    .max(600, "must be at most 600")
    .default(30),
  HEC_GZIP_LEVEL: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be between 0 and 9")
    .max(9, "must be between 0 and 9")
    .default(1),
  HEC_MAX_IN_FLIGHT: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(64, "must be at most 64")
    .default(4),
  HEC_ACK_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1000, "must be at least 1000")
    .max(86_400_000, "must be at most 86400000")
    .default(300_000),
  HEC_ERROR_AFTER_MS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1000, "must be at least 1000")
    .max(86_400_000, "must be at most 86400000")
    .default(300_000),
  DELIVERY_CONCURRENCY: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1000, "must be at most 1000")
    .default(8),
  SESSION_IDLE_MINUTES: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(10_080, "must be at most 10080")
    .default(60),
  SESSION_MAX_HOURS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(720, "must be at most 720")
    .default(12),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1000, "must be at most 1000")
    .default(5),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100_000, "must be at most 100000")
    .default(20),
  SIGNIN_WINDOW_MINUTES: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1440, "must be at most 1440")
    .default(15),
  /** Overrides the region's endpoint for Cato's API (a private API gateway, a stand-in for tests). */
  CATO_API_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), "must be an http:// or https:// URL")
      .optional(),
  ),
  CATO_POLL_INTERVAL_MS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(10, "must be at least 10")
    .max(3_600_000, "must be at most 3600000")
    .default(5000),
  /** Cato allows 100 eventsFeed calls a minute per account, shared by every tool of the customer. */
  CATO_EVENTS_CALLS_PER_MINUTE: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 100")
    .max(100, "must be between 1 and 100")
    .default(60),
  /** Cato allows 5 auditFeed calls a minute per account. */
  CATO_AUDIT_CALLS_PER_MINUTE: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 5")
    .max(5, "must be between 1 and 5")
    .default(5),
  CATO_TIMEOUT_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .positive("must be above 0")
    .max(600, "must be at most 600")
    .default(60),
  ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.string().trim().optional()),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().optional()),
  SETUP_CODE_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
  SIMULATOR_SEED: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ error: "must be a number" }).int("must be a whole number").optional(),
  ),
});

export type TStartEnv = z.infer<typeof ZStartEnv>;
export type TServerEnv = z.infer<typeof ZServerEnv> & { encryptionKey: Buffer };

function parseEnv<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv): z.output<T> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    const reason = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    return `  ${name} ${reason}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

/**
 * ENCRYPTION_KEY: 32 bytes as base64 or hex. ENCRYPTION_KEY_FILE: a file holding the same.
 */
export function parseEncryptionKey(raw: string, variable: string): Buffer {
  const text = raw.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) key = Buffer.from(text, "base64");
  if (!key || key.length !== 32) {
    throw new ConfigError(
      `Invalid configuration:\n  ${variable} must hold a 32-byte key as base64 or 64 hex characters (for example: openssl rand -base64 32)`,
    );
  }
  return key;
}

function loadEncryptionKey(env: { ENCRYPTION_KEY?: string; ENCRYPTION_KEY_FILE?: string }): Buffer {
  if (env.ENCRYPTION_KEY) return parseEncryptionKey(env.ENCRYPTION_KEY, "ENCRYPTION_KEY");
  if (env.ENCRYPTION_KEY_FILE) {
    let text: string;
    try {
      text = readFileSync(env.ENCRYPTION_KEY_FILE, "utf8");
    } catch {
      throw new ConfigError(
        `Invalid configuration:\n  ENCRYPTION_KEY_FILE names a file that cannot be read: ${env.ENCRYPTION_KEY_FILE}`,
      );
    }
    return parseEncryptionKey(text, "ENCRYPTION_KEY_FILE");
  }
  throw new ConfigError(
    "Invalid configuration:\n  ENCRYPTION_KEY is required (or ENCRYPTION_KEY_FILE): 32 bytes as base64, for example from `openssl rand -base64 32`",
  );
}

export type TLogSettings = { level: z.infer<typeof ZLogLevel>; format: "json" | "pretty" };

/**
 * How to log, readable before (and without) the rest of the configuration: JSON lines,
 * or human-readable in development (LOG_FORMAT overrides).
 */
export function readLogSettings(source: NodeJS.ProcessEnv = process.env): TLogSettings {
  const parsed = ZLogEnv.safeParse(source);
  if (!parsed.success) return { level: "info", format: "json" };
  const { NODE_ENV, LOG_LEVEL, LOG_FORMAT } = parsed.data;
  return { level: LOG_LEVEL, format: LOG_FORMAT ?? (NODE_ENV === "development" ? "pretty" : "json") };
}

/** Configuration of the start-up script (`npm start`), where most things are optional. */
export function readStartEnv(source: NodeJS.ProcessEnv = process.env): TStartEnv {
  return parseEnv(ZStartEnv, source);
}

let cached: TServerEnv | undefined;

/** Configuration of the web app and the workers; parsed on first use, then cached. */
export function serverEnv(): TServerEnv {
  if (cached) return cached;
  const parsed = parseEnv(ZServerEnv, process.env);
  cached = { ...parsed, encryptionKey: loadEncryptionKey(parsed) };
  return cached;
}

/** Raw environment for child processes the start-up script spawns. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  return { ...process.env };
}
