import { Redis, type RedisOptions } from "ioredis";
import { serverEnv } from "@/lib/env";

/**
 * The one Redis connection factory. Workers block on Redis and must never give up
 * on a command (BullMQ requires maxRetriesPerRequest: null); producers in the web
 * app fail fast instead of queueing commands while Redis is down.
 */
export type TRedisRole = "worker" | "producer";

export function createRedis(role: TRedisRole, overrides: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === "worker" ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, enableOfflineQueue: false };
  return new Redis(serverEnv().REDIS_URL, { ...options, ...overrides });
}
