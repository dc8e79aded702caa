import type { Redis } from "ioredis";

/**
 * What every worker process shares about one Cato account, in Redis: the poller's lease
 * (one poller per account), the calls made in the last minute per operation (Cato's
 * limits are per account, whatever the number of workers), and the markers.
 */
export const catoKeys = {
  lease: (account: string) => `cato:${account}:lease`,
  calls: (account: string, operation: string) => `cato:${account}:calls:${operation}`,
  /** Keyed by Cato's account ID: connecting another account starts from its own oldest record. */
  marker: (catoAccountId: string, feed: "events" | "audit") => `cato:marker:${catoAccountId}:${feed}`,
  status: (account: string) => `cato:${account}:status`,
};

// KEYS: lease. ARGV: token, ttl ms. Takes a free lease, or extends one already held.
const LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// KEYS: calls (sorted set of call times). ARGV: limit, window ms, a unique member.
// Uses Redis' clock so every worker counts the same minute. Returns 0 when the call may
// go now (and counts it), otherwise the milliseconds until a slot frees up.
const RATE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

// KEYS: marker. ARGV: expected ("" for none), next. Compare-and-set.
const MARKER_SCRIPT = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

type TRedisCato = Redis & {
  catoLease(key: string, token: string, ttlMs: number): Promise<number>;
  catoRelease(key: string, token: string): Promise<number>;
  catoRate(key: string, limit: number, windowMs: number, member: string): Promise<number>;
  catoMarker(key: string, expected: string, next: string): Promise<number>;
};

function withScripts(redis: Redis): TRedisCato {
  const r = redis as TRedisCato;
  if (typeof r.catoLease !== "function") {
    r.defineCommand("catoLease", { numberOfKeys: 1, lua: LEASE_SCRIPT });
    r.defineCommand("catoRelease", { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    r.defineCommand("catoRate", { numberOfKeys: 1, lua: RATE_SCRIPT });
    r.defineCommand("catoMarker", { numberOfKeys: 1, lua: MARKER_SCRIPT });
  }
  return r;
}

/** Takes the lease when it is free, or extends it when `token` holds it. */
export async function holdLease(redis: Redis, key: string, token: string, ttlMs: number): Promise<boolean> {
  return (await withScripts(redis).catoLease(key, token, ttlMs)) === 1;
}

export async function releaseLease(redis: Redis, key: string, token: string): Promise<void> {
  await withScripts(redis).catoRelease(key, token);
}

let callSeq = 0;

/** 0 when a call may go now (it is counted), otherwise how long to wait for a slot. */
export async function takeCallSlot(
  redis: Redis,
  key: string,
  perMinute: number,
  owner: string,
  windowMs = 60_000,
): Promise<number> {
  callSeq += 1;
  return withScripts(redis).catoRate(key, perMinute, windowMs, `${owner}:${Date.now()}:${callSeq}`);
}

/** Moves a marker that ends no new records (a page of duplicates, an empty page). */
export async function moveMarker(redis: Redis, key: string, expected: string, next: string): Promise<boolean> {
  return (await withScripts(redis).catoMarker(key, expected, next)) === 1;
}
