import type { ChainableCommander, Redis } from "ioredis";

/** The last delivery attempts of an integration, kept in Redis (one list push a batch, not a database row). */
export type TDeliveryAttempt = {
  at: string;
  source: string;
  outcome:
    "accepted" | "partly-accepted" | "retry" | "rejected" | "too-large" | "network" | "acknowledged" | "ack-timeout";
  httpStatus: number | null;
  hecCode: number | null;
  records: number;
  bytes: number;
  durationMs: number;
  detail: string;
  /** Splunk's ack id for the batch, with indexer acknowledgment; absent or null otherwise. */
  ackId?: number | null;
};

export const ATTEMPTS_KEPT = 20;
const key = (integrationId: string) => `delivery:attempts:${integrationId}`;

export async function recordAttempt(redis: Redis, integrationId: string, attempt: TDeliveryAttempt): Promise<void> {
  await addAttempt(redis.multi(), integrationId, attempt).exec();
}

/** Adds an attempt to a transaction (a batch's outcome is recorded in one, with its metrics). */
export function addAttempt(
  tx: ChainableCommander,
  integrationId: string,
  attempt: TDeliveryAttempt,
): ChainableCommander {
  return tx.lpush(key(integrationId), JSON.stringify(attempt)).ltrim(key(integrationId), 0, ATTEMPTS_KEPT - 1);
}

export async function readAttempts(redis: Redis, integrationId: string): Promise<TDeliveryAttempt[]> {
  const items = await redis.lrange(key(integrationId), 0, ATTEMPTS_KEPT - 1);
  return items.map((item) => JSON.parse(item) as TDeliveryAttempt);
}

export async function forgetAttempts(redis: Redis, integrationId: string): Promise<void> {
  await redis.del(key(integrationId));
}
