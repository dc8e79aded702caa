import { Redis } from "ioredis";
import { startCatoPoller, type TPollerOptions } from "@/lib/cato/poller";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { feedKey, type TFeedName } from "@/lib/feeds/feed-store";

export const CATO_ACCOUNT_ID = "48213";
export const CATO_KEY = "R2D2-c3po-4f7a9c1e2b3d4e5f6a7b8c9d";

/** A poller in this process, against the stand-in over HTTP and the test Redis and PostgreSQL. */
export function startTestPoller(apiUrl: string, overrides: Partial<TPollerOptions> = {}) {
  const controller = new AbortController();
  const redis = new Redis(serverEnv().REDIS_URL, { maxRetriesPerRequest: null });
  const poller = startCatoPoller({
    redis,
    prisma: db(),
    encryptionKey: serverEnv().encryptionKey,
    apiUrlOverride: apiUrl,
    pollIntervalMs: 100,
    eventsCallsPerMinute: 100,
    auditCallsPerMinute: 5,
    timeoutMs: 10_000,
    maxFeedLength: 0,
    retentionHours: 72,
    owner: `test-poller-${Math.random().toString(36).slice(2, 8)}`,
    signal: controller.signal,
    rateLimitedWaitMs: 100,
    ...overrides,
  });
  return {
    async stop() {
      controller.abort();
      await poller.stopped;
      redis.disconnect();
    },
  };
}

/** Every record in a feed, oldest first, as its stored JSON. */
export async function feedJson(redis: Redis, feed: TFeedName): Promise<string[]> {
  const out: string[] = [];
  let start = "-";
  for (;;) {
    const page = (await redis.xrange(feedKey(feed), start, "+", "COUNT", 5000)) as [string, string[]][];
    for (const [, fields] of page) out.push(fields[fields.indexOf("r") + 1]!);
    if (page.length < 5000) return out;
    start = `(${page[page.length - 1]![0]}`;
  }
}

/** How many times each JSON text occurs. */
export function countOf(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
