import { hostname } from "node:os";
import { serverEnv } from "@/lib/env";
import { logger, setLogLevel } from "@/lib/logger";
import { createRedis } from "@/lib/redis";

/**
 * The worker process. It connects to Redis and announces itself with a heartbeat
 * that expires unless renewed; delivery jobs will run here. SIGINT/SIGTERM close
 * everything once and exit.
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
  const timer = setInterval(beat, env.WORKER_HEARTBEAT_SECONDS * 1000);
  logger.info("worker ready", { workerId });

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info("worker stopping", { workerId, signal });
    clearInterval(timer);
    try {
      await redis.del(heartbeatKey);
      await redis.quit();
    } catch {
      redis.disconnect();
    }
    logger.info("worker stopped", { workerId });
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
