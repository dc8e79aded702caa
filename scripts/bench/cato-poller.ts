/**
 * The Cato benchmark's poller, in a process of its own started with the worker's Node
 * flags and environment (lib's poller loop as workers/main.ts runs it), against the
 * stand-in named by CATO_API_URL. Cato's per-account ceiling is lifted (the worker's
 * setting stops at 100 calls a minute) so that the figure is what the poller can do.
 */
import { Redis } from "ioredis";
import { startCatoPoller } from "@/lib/cato/poller";
import { db, disconnectDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";

const env = serverEnv();
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
const stop = new AbortController();
// The benchmark times the poller from here, once its modules are loaded.
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
const poller = startCatoPoller({
  redis,
  prisma: db(),
  encryptionKey: env.encryptionKey,
  apiUrlOverride: env.CATO_API_URL,
  pollIntervalMs: 5000,
  eventsCallsPerMinute: 1_000_000,
  auditCallsPerMinute: 5,
  timeoutMs: 60_000,
  maxFeedLength: 0,
  retentionHours: 72,
  owner: "bench",
  signal: stop.signal,
});
const shutdown = () => {
  stop.abort();
  void poller.stopped
    .then(() => disconnectDb())
    .finally(() => {
      redis.disconnect();
      process.exit(0);
    });
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
