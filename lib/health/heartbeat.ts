import type { Redis } from "ioredis";

/**
 * Each worker process announces itself with a key that expires unless renewed
 * (`workers:heartbeat:<host>-<pid>`, TTL three heartbeats): the keys that exist are
 * the workers that run.
 */
export const WORKER_HEARTBEAT_PREFIX = "workers:heartbeat:";

export function workerHeartbeatKey(workerId: string): string {
  return `${WORKER_HEARTBEAT_PREFIX}${workerId}`;
}

/** How many worker processes have announced themselves within their TTL. SCAN, not KEYS: it never blocks Redis. */
export async function countWorkers(redis: Redis): Promise<number> {
  const seen = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${WORKER_HEARTBEAT_PREFIX}*`, "COUNT", 1000);
    for (const key of keys) seen.add(key);
    cursor = next;
  } while (cursor !== "0");
  return seen.size;
}
