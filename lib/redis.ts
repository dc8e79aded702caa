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

const globalForRedis = globalThis as unknown as { sharedRedis?: Redis };

function producer(): Redis {
  if (!globalForRedis.sharedRedis) {
    const redis = createRedis("producer");
    // Errors surface on the commands that fail; keep the connection's own events quiet.
    redis.on("error", () => undefined);
    globalForRedis.sharedRedis = redis;
  }
  return globalForRedis.sharedRedis;
}

/**
 * The web app's one producer connection, once it is connected. Without an offline
 * queue, commands sent while connecting fail, so wait briefly for the connection;
 * while Redis is down this fails after `timeoutMs` instead of hanging the request.
 */
export async function sharedRedis(timeoutMs = 3000): Promise<Redis> {
  const redis = producer();
  if (redis.status === "ready") return redis;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error("Redis is not reachable"));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
  return redis;
}
