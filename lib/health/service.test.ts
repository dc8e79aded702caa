import { describe, expect, it } from "vitest";
import { composeReadiness, NO_WORKER, type TReadinessChecks } from "@/lib/health/service";

const ok: TReadinessChecks = {
  postgres: async () => [{ "?column?": 1 }],
  redis: async () => "PONG",
  workers: async () => 1,
};
const refused = async () => {
  throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
};
const never = () => new Promise<never>(() => undefined);

describe("composeReadiness", () => {
  it("is ready when every check passes", async () => {
    expect(await composeReadiness(ok, 100)).toEqual({
      status: "ready",
      checks: { postgres: "ok", redis: "ok", workers: { count: 1 } },
    });
  });

  it("names PostgreSQL and its variable when it fails, without the driver's message", async () => {
    const readiness = await composeReadiness({ ...ok, postgres: refused }, 100);
    expect(readiness).toEqual({
      status: "not ready",
      detail: "PostgreSQL is not reachable: check that it runs and that DATABASE_URL points to it",
      checks: { postgres: "failed", redis: "ok", workers: { count: 1 } },
    });
  });

  it("gives up on a check that hangs after its time limit, and does not blame the workers for Redis", async () => {
    const started = Date.now();
    const readiness = await composeReadiness({ ...ok, redis: never, workers: never }, 50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(readiness).toEqual({
      status: "not ready",
      detail: "Redis did not answer within 0.05 s: check that it runs and that REDIS_URL points to it",
      checks: { postgres: "ok", redis: "failed", workers: { count: null } },
    });
  });

  it("says how to start a worker when none runs, and lists every problem", async () => {
    expect(await composeReadiness({ ...ok, workers: async () => 0 }, 100)).toMatchObject({
      status: "not ready",
      detail: NO_WORKER,
    });
    const all = await composeReadiness({ postgres: never, redis: refused, workers: refused }, 50);
    expect(all.detail).toBe(
      "PostgreSQL did not answer within 0.05 s: check that it runs and that DATABASE_URL points to it; " +
        "Redis is not reachable: check that it runs and that REDIS_URL points to it",
    );
  });
});
