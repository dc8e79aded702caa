import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { countWorkers } from "@/lib/health/heartbeat";
import { logger } from "@/lib/logger";
import { sharedRedis } from "@/lib/redis";
import { TimeLimitError, withTimeLimit } from "@/lib/time-limit";

/**
 * Readiness for a load balancer or an orchestrator: the console can serve and data can
 * flow when PostgreSQL and Redis answer and at least one worker process runs. Each
 * check has its own time limit, so the answer comes within about that long whatever
 * is down.
 */
export const CHECK_TIME_LIMIT_MS = 2000;

export type TReadinessChecks = {
  postgres: () => Promise<unknown>;
  redis: () => Promise<unknown>;
  /** How many worker processes run. */
  workers: () => Promise<number>;
};

export type TReadiness = {
  status: "ready" | "not ready";
  /** What is wrong, in plain words; only when not ready. */
  detail?: string;
  checks: {
    postgres: "ok" | "failed";
    redis: "ok" | "failed";
    /** `null` when the workers could not be counted (Redis did not answer). */
    workers: { count: number | null };
  };
};

export const NO_WORKER = "No worker process is running: start one with npm run worker";

function unreachable(part: "PostgreSQL" | "Redis", variable: string, reason: unknown, limitMs: number): string {
  const how = reason instanceof TimeLimitError ? `did not answer within ${limitMs / 1000} s` : "is not reachable";
  return `${part} ${how}: check that it runs and that ${variable} points to it`;
}

const failureText = (reason: unknown) =>
  reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);

/** Runs the checks side by side, each within `limitMs`, and says what is wrong. */
export async function composeReadiness(checks: TReadinessChecks, limitMs = CHECK_TIME_LIMIT_MS): Promise<TReadiness> {
  const [postgres, redis, workers] = await Promise.allSettled([
    withTimeLimit(limitMs, checks.postgres),
    withTimeLimit(limitMs, checks.redis),
    withTimeLimit(limitMs, checks.workers),
  ]);
  const problems: string[] = [];
  if (postgres.status === "rejected") {
    logger.warn("readiness: PostgreSQL check failed", { error: failureText(postgres.reason) });
    problems.push(unreachable("PostgreSQL", "DATABASE_URL", postgres.reason, limitMs));
  }
  if (redis.status === "rejected") {
    logger.warn("readiness: Redis check failed", { error: failureText(redis.reason) });
    problems.push(unreachable("Redis", "REDIS_URL", redis.reason, limitMs));
  }
  const count = workers.status === "fulfilled" ? workers.value : null;
  if (count === 0) problems.push(NO_WORKER);
  // Workers are counted in Redis: with Redis down, its own problem says enough.
  if (workers.status === "rejected" && redis.status === "fulfilled") {
    logger.warn("readiness: workers not counted", { error: failureText(workers.reason) });
    problems.push("The worker processes could not be counted in Redis");
  }
  return {
    status: problems.length === 0 ? "ready" : "not ready",
    ...(problems.length > 0 ? { detail: problems.join("; ") } : {}),
    checks: {
      postgres: postgres.status === "fulfilled" ? "ok" : "failed",
      redis: redis.status === "fulfilled" ? "ok" : "failed",
      workers: { count },
    },
  };
}

function liveChecks(limitMs: number): TReadinessChecks {
  return {
    postgres: () => db().$queryRaw`SELECT 1`,
    redis: async () => (await sharedRedis(limitMs)).ping(),
    workers: async () => countWorkers(await sharedRedis(limitMs)),
  };
}

export function checkReadiness(): Promise<TReadiness> {
  return composeReadiness(liveChecks(CHECK_TIME_LIMIT_MS), CHECK_TIME_LIMIT_MS);
}

/** How many worker processes run, for the console's banner. 503 while Redis does not answer. */
export async function findWorkers(): Promise<{ count: number }> {
  try {
    const count = await withTimeLimit(CHECK_TIME_LIMIT_MS, async () =>
      countWorkers(await sharedRedis(CHECK_TIME_LIMIT_MS)),
    );
    return { count };
  } catch (error) {
    logger.warn("workers not counted", { error: failureText(error) });
    throw new AppError("service_unavailable", unreachable("Redis", "REDIS_URL", error, CHECK_TIME_LIMIT_MS));
  }
}
