import { randomInt } from "node:crypto";
import { hostname } from "node:os";
import { Queue, Worker, type Job } from "bullmq";
import { serverEnv } from "@/lib/env";
import {
  DEFAULT_JOB_OPTIONS,
  JOB_SIMULATE,
  JOB_TRIM_FEEDS,
  MAINTENANCE_QUEUE,
  SIMULATE_EVERY_MS,
  TRIM_FEEDS_EVERY_MS,
  ZSimulatePayload,
  ZTrimFeedsPayload,
} from "@/lib/jobs/queues";
import { logger, setLogLevel } from "@/lib/logger";
import { createRedis } from "@/lib/redis";
import { createSimulation } from "./simulate";
import { trimFeeds } from "./trim-feeds";

/**
 * The worker process: maintenance jobs (the simulator's ticks, feed retention) on a
 * BullMQ queue whose schedulers make each tick run once, whatever the number of
 * worker processes; a heartbeat in Redis; SIGINT/SIGTERM close everything once.
 */
const HEARTBEAT_KEY_PREFIX = "workers:heartbeat:";

async function main(): Promise<void> {
  const env = serverEnv();
  setLogLevel(env.LOG_LEVEL);
  const redis = createRedis("worker");
  const workerId = `${hostname()}-${process.pid}`;
  const heartbeatKey = `${HEARTBEAT_KEY_PREFIX}${workerId}`;

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
  const simulate = createSimulation({ seed, rate: env.SIMULATOR_RATE, maxFeedLength: env.FEED_MAX_RECORDS });

  const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  await queue.upsertJobScheduler(JOB_TRIM_FEEDS, { every: TRIM_FEEDS_EVERY_MS }, { name: JOB_TRIM_FEEDS, data: {} });
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
        return { removed: await trimFeeds(redis, env.FEED_RETENTION_HOURS) };
      }
      throw new Error(`Unknown maintenance job: ${job.name}`);
    },
    { connection: createRedis("worker"), concurrency: 1 },
  );
  worker.on("failed", (job, error) => logger.warn("job failed", { job: job?.name, error: error.message }));
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
    try {
      await worker.close();
      await queue.close();
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
