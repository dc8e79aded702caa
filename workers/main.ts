import { randomInt } from "node:crypto";
import { hostname } from "node:os";
import { Queue, Worker, type Job } from "bullmq";
import { publishAuditEntries } from "@/lib/audit/publish";
import { disconnectDb, db } from "@/lib/db";
import { runPump, type TDeliveryConfig } from "@/lib/delivery/pump";
import { serverEnv } from "@/lib/env";
import { workerHeartbeatKey } from "@/lib/health/heartbeat";
import { closeHecConnections } from "@/lib/hec/sender";
import {
  DEFAULT_JOB_OPTIONS,
  DELIVERY_QUEUE,
  DISPATCH_EVERY_MS,
  JOB_DISPATCH,
  JOB_PUMP,
  PUMP_BUDGET_MS,
  ZPumpPayload,
  JOB_PUBLISH_AUDIT,
  JOB_SIMULATE,
  JOB_TRIM_FEEDS,
  MAINTENANCE_QUEUE,
  PUBLISH_AUDIT_EVERY_MS,
  SIMULATE_EVERY_MS,
  TRIM_FEEDS_EVERY_MS,
  ZPublishAuditPayload,
  ZSimulatePayload,
  ZTrimFeedsPayload,
} from "@/lib/jobs/queues";
import { logger, setLogLevel } from "@/lib/logger";
import { createRedis } from "@/lib/redis";
import { dispatchPumps } from "./dispatch";
import { createSimulation } from "./simulate";
import { trimFeeds } from "./trim-feeds";
import { pruneSessions } from "@/lib/auth/sessions";
import { startCatoPoller } from "@/lib/cato/poller";
import { isCatoAccountActive } from "@/lib/cato/target";

/**
 * The worker process: maintenance jobs (the simulator's ticks, feed retention, the
 * audit trail's publishing to its feed) on a BullMQ queue whose schedulers make each
 * tick run once, whatever the number of worker processes; a heartbeat in Redis;
 * SIGINT/SIGTERM close everything once.
 */
async function main(): Promise<void> {
  const env = serverEnv();
  setLogLevel(env.LOG_LEVEL);
  const redis = createRedis("worker");
  const workerId = `${hostname()}-${process.pid}`;
  const heartbeatKey = workerHeartbeatKey(workerId);

  const beat = async () => {
    try {
      await redis.set(heartbeatKey, new Date().toISOString(), "EX", env.WORKER_HEARTBEAT_SECONDS * 3);
    } catch (error) {
      logger.warn("heartbeat failed", { workerId, error: error instanceof Error ? error.message : String(error) });
    }
  };
  await redis.ping();
  await beat();
  const heartbeat = setInterval(beat, env.WORKER_HEARTBEAT_SECONDS * 1000);

  const seed = env.SIMULATOR_SEED ?? randomInt(2 ** 31);
  const simulate = createSimulation({
    seed,
    rate: env.SIMULATOR_RATE,
    maxFeedLength: env.FEED_MAX_RECORDS,
    retentionHours: env.FEED_RETENTION_HOURS,
    // Real and simulated data never mix: nothing is simulated while a Cato account is connected.
    isSilenced: () => isCatoAccountActive(db()),
  });

  const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  await queue.upsertJobScheduler(JOB_TRIM_FEEDS, { every: TRIM_FEEDS_EVERY_MS }, { name: JOB_TRIM_FEEDS, data: {} });
  await queue.upsertJobScheduler(
    JOB_PUBLISH_AUDIT,
    { every: PUBLISH_AUDIT_EVERY_MS },
    { name: JOB_PUBLISH_AUDIT, data: {} },
  );
  if (env.SIMULATOR === "on" && env.SIMULATOR_RATE > 0) {
    await queue.upsertJobScheduler(JOB_SIMULATE, { every: SIMULATE_EVERY_MS }, { name: JOB_SIMULATE, data: {} });
  } else {
    await queue.removeJobScheduler(JOB_SIMULATE);
  }

  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job: Job) => {
      if (job.name === JOB_SIMULATE) {
        ZSimulatePayload.parse(job.data);
        return simulate(redis);
      }
      if (job.name === JOB_TRIM_FEEDS) {
        ZTrimFeedsPayload.parse(job.data);
        // Ended sessions go with the same once-a-minute sweep, so the table holds only live ones.
        return { removed: await trimFeeds(redis, env.FEED_RETENTION_HOURS), sessionsEnded: await pruneSessions() };
      }
      if (job.name === JOB_PUBLISH_AUDIT) {
        ZPublishAuditPayload.parse(job.data);
        return { published: await publishAuditEntries(db(), redis, { maxFeedLength: env.FEED_MAX_RECORDS }) };
      }
      throw new Error(`Unknown maintenance job: ${job.name}`);
    },
    { connection: createRedis("worker"), concurrency: 1 },
  );
  worker.on("failed", (job, error) => logger.warn("job failed", { job: job?.name, error: error.message }));

  const config: TDeliveryConfig = {
    batchMaxBytes: env.HEC_BATCH_MAX_BYTES,
    batchMaxRecords: env.HEC_BATCH_MAX_RECORDS,
    maxEventBytes: env.HEC_MAX_EVENT_BYTES,
    timeoutMs: env.HEC_TIMEOUT_SECONDS * 1000,
    gzipLevel: env.HEC_GZIP_LEVEL,
    allowPrivateNetworks: env.HEC_ALLOW_PRIVATE_NETWORKS,
    encryptionKey: env.encryptionKey,
    maxFeedLength: env.FEED_MAX_RECORDS,
    maxInFlight: env.HEC_MAX_IN_FLIGHT,
    ackTimeoutMs: env.HEC_ACK_TIMEOUT_MS,
    errorAfterMs: env.HEC_ERROR_AFTER_MS,
  };
  // Aborted on shutdown: a batch in flight is abandoned (its marker not moved) and resent later.
  const shutdown = new AbortController();
  const deliveryQueue = new Queue(DELIVERY_QUEUE, {
    connection: redis,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
  });
  await deliveryQueue.upsertJobScheduler(JOB_DISPATCH, { every: DISPATCH_EVERY_MS }, { name: JOB_DISPATCH, data: {} });
  const deliveryWorker = new Worker(
    DELIVERY_QUEUE,
    async (job: Job) => {
      if (job.name === JOB_DISPATCH) return { queued: await dispatchPumps(db(), redis, deliveryQueue) };
      if (job.name === JOB_PUMP) {
        const { integrationId, source } = ZPumpPayload.parse(job.data);
        const ctx = { prisma: db(), redis, config, signal: shutdown.signal };
        return { outcome: await runPump(ctx, integrationId, source, PUMP_BUDGET_MS) };
      }
      throw new Error(`Unknown delivery job: ${job.name}`);
    },
    {
      connection: createRedis("worker"),
      concurrency: env.DELIVERY_CONCURRENCY,
      // A worker that dies loses its lock within seconds; its pumps then move to another worker.
      lockDuration: 6_000,
      stalledInterval: 2_000,
      maxStalledCount: 1000,
    },
  );
  deliveryWorker.on("failed", (job, error) =>
    logger.warn("delivery job failed", { job: job?.name, pump: job?.id, error: error.message }),
  );
  // Every worker runs the Cato poller's loop; the account's lease lets one of them call Cato.
  const catoRedis = createRedis("worker");
  const catoPoller = startCatoPoller({
    redis: catoRedis,
    prisma: db(),
    encryptionKey: env.encryptionKey,
    apiUrlOverride: env.CATO_API_URL,
    pollIntervalMs: env.CATO_POLL_INTERVAL_MS,
    eventsCallsPerMinute: env.CATO_EVENTS_CALLS_PER_MINUTE,
    auditCallsPerMinute: env.CATO_AUDIT_CALLS_PER_MINUTE,
    timeoutMs: env.CATO_TIMEOUT_SECONDS * 1000,
    maxFeedLength: env.FEED_MAX_RECORDS,
    retentionHours: env.FEED_RETENTION_HOURS,
    owner: workerId,
    signal: shutdown.signal,
  });
  logger.info("worker ready", {
    workerId,
    simulator: env.SIMULATOR === "on" ? `${env.SIMULATOR_RATE} records/s per feed, seed ${seed}` : "off",
  });

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info("worker stopping", { workerId, signal });
    clearInterval(heartbeat);
    shutdown.abort();
    closeHecConnections();
    try {
      await Promise.all([worker.close(), deliveryWorker.close(), catoPoller.stopped]);
      await catoRedis.quit();
      await Promise.all([queue.close(), deliveryQueue.close()]);
      await disconnectDb();
      await redis.del(heartbeatKey);
      await redis.quit();
    } catch {
      redis.disconnect();
    }
    logger.info("worker stopped", { workerId });
    process.exitCode = 0;
    setImmediate(() => process.exit(0));
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
