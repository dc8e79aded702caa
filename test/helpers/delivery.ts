import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import type { TDeliveryConfig, TPumpContext } from "@/lib/delivery/pump";
import { serverEnv } from "@/lib/env";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord, type TIngestFeedName } from "@/lib/feeds/ingest";
import { closeHecConnections } from "@/lib/hec/sender";
import type { THecReceiver, THecReceiverOptions } from "@/lib/hec-receiver/receiver";
import { createIntegration } from "@/lib/integrations/service";
import { startTestReceiver } from "@/test/helpers/hec";
import { captureLogs, expectNoSecrets } from "@/test/helpers/logs";
import { SYSTEM_CALLER } from "@/lib/auth/caller";

/**
 * What delivery tests share: the real Redis and PostgreSQL of the global setup, a HEC
 * receiver the process trusts, pump settings, and records with increasing time and a
 * running number `n`. Registers the hooks that reset them around each test.
 */
export function setupDeliveryFixture(receiverOptions: THecReceiverOptions = {}) {
  const redis = new Redis(process.env.REDIS_URL!);
  const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });
  let receiver: THecReceiver | undefined;
  let seq = 0;
  // What the pumps and services log must never hold a token they decrypted to send.
  const logs = captureLogs();
  const tokens = new Set<string>();

  beforeAll(async () => {
    receiver = await startTestReceiver(receiverOptions);
  });

  beforeEach(async () => {
    await redis.flushdb();
    await sql.query(`DELETE FROM "Integration"`);
    receiver!.clear();
    receiver!.setFault({ kind: "none" });
    receiver!.setMaxContentLength(800 * 1024 * 1024);
  });

  afterEach(() => {
    closeHecConnections();
    expectNoSecrets(logs.text(), {
      "HEC token": [receiver!.token, ...tokens],
      "encryption key": [process.env.ENCRYPTION_KEY ?? ""],
    });
    logs.clear();
  });

  afterAll(async () => {
    await receiver?.stop();
    await redis.quit();
    await sql.end();
    await disconnectDb();
  });

  const fixture = {
    redis,
    sql,
    get receiver(): THecReceiver {
      return receiver!;
    },
    config(overrides: Partial<TDeliveryConfig> = {}): TDeliveryConfig {
      return {
        batchMaxBytes: 1_000_000,
        batchMaxRecords: 5000,
        maxEventBytes: 5_000_000,
        timeoutMs: 5000,
        gzipLevel: 1,
        allowPrivateNetworks: true,
        encryptionKey: serverEnv().encryptionKey,
        maxFeedLength: 0,
        ...overrides,
      };
    },
    ctx(overrides: Partial<TDeliveryConfig> = {}): TPumpContext {
      return { prisma: db(), redis, config: fixture.config(overrides) };
    },
    /** A Security/IPS record with the next time and running number `n`, and its own flow_id. */
    event(fields: Record<string, string> = {}): Record<string, string> {
      seq++;
      return {
        event_type: "Security",
        event_sub_type: "IPS",
        time: String(1764368000000 + seq),
        n: String(seq),
        flow_id: `f${seq}`,
        ...fields,
      };
    },
    async append(feed: TIngestFeedName, records: Record<string, string>[]) {
      return appendRecords(
        redis,
        feed,
        records.map((r) => toNewRecord(feed, r)),
        0,
      );
    },
    async appendEvents(records: Record<string, string>[]) {
      return fixture.append("events", records);
    },
    /** The product's log output since the test began. */
    logs: () => logs.text(),
    async integration(overrides: Record<string, unknown> = {}) {
      if (typeof overrides.apiKey === "string") tokens.add(overrides.apiKey);
      return createIntegration(
        {
          name: `Test ${Math.random().toString(36).slice(2, 10)}`,
          ingestionUrl: receiver!.url,
          apiKey: receiver!.token,
          ...overrides,
        },
        SYSTEM_CALLER,
      );
    },
  };
  return fixture;
}
