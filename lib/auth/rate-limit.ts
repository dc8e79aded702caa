import type { Redis } from "ioredis";

/**
 * Failed sign-ins counted per account and per address in fixed windows: the first
 * failure starts the window, and once a count reaches its limit every attempt on that
 * key is refused until the window ends, whether or not the password would be right.
 */
export type TLimit = { key: string; max: number };

const COUNT_FAILURE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/** Seconds until every limit allows an attempt again; 0 when none is reached. */
export async function secondsBlocked(redis: Redis, limits: TLimit[]): Promise<number> {
  const pipeline = redis.pipeline();
  for (const { key } of limits) pipeline.get(key).pttl(key);
  const replies = (await pipeline.exec()) ?? [];
  let blockedMs = 0;
  limits.forEach(({ max }, i) => {
    const count = Number(replies[i * 2]?.[1] ?? 0);
    const ttl = Number(replies[i * 2 + 1]?.[1] ?? -2);
    if (count >= max) blockedMs = Math.max(blockedMs, ttl > 0 ? ttl : 1000);
  });
  return Math.ceil(blockedMs / 1000);
}

export async function countFailure(redis: Redis, limits: TLimit[], windowMs: number): Promise<void> {
  const pipeline = redis.pipeline();
  for (const { key } of limits) pipeline.eval(COUNT_FAILURE, 1, key, String(windowMs));
  await pipeline.exec();
}

export async function clearFailures(redis: Redis, keys: string[]): Promise<void> {
  if (keys.length > 0) await redis.del(...keys);
}
