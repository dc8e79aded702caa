import { spawn, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { catoKeys } from "@/lib/cato/coordination";
import { startCatoMock, type TCatoMock } from "@/lib/cato/mock-server";
import { saveCatoAccount } from "@/lib/cato/service";
import { disconnectDb } from "@/lib/db";
import { createSimulator } from "@/lib/simulator/generator";
import { workerArgs, workerEnv } from "@/scripts/lib/worker-flags";
import { CATO_ACCOUNT_ID, CATO_KEY, countOf, feedJson, waitFor } from "@/test/helpers/cato";

/**
 * Real worker processes (`npm run worker`, simulator on) pulling from the stand-in for
 * Cato's API over HTTP: two of them at once, the lease holder killed with SIGKILL in the
 * middle of the backfill.
 */
const redis = new Redis(process.env.REDIS_URL!);
const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });
let mock: TCatoMock;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, workerArgs(), {
    env: workerEnv({
      ...process.env,
      LOG_LEVEL: "error",
      CATO_API_URL: mock.url,
      CATO_POLL_INTERVAL_MS: "200",
      CATO_EVENTS_CALLS_PER_MINUTE: "100",
    }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  workers.push(child);
  return child;
}

beforeEach(async () => {
  await redis.flushdb();
  await sql.query(`DELETE FROM "CatoAccount"`);
  mock = await startCatoMock({ apiKey: CATO_KEY, accountId: CATO_ACCOUNT_ID });
});

afterEach(async () => {
  for (const child of workers.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  }
  await mock.close();
  await sql.query(`DELETE FROM "CatoAccount"`);
});

afterAll(async () => {
  redis.disconnect();
  await sql.end();
  await disconnectDb();
});

describe("Cato poller in worker processes", () => {
  it("two workers poll one account one at a time; SIGKILL of the holder mid-backfill loses and duplicates nothing", async () => {
    const simulator = createSimulator({ seed: 11 });
    const total = 30_000;
    for (let done = 0; done < total; done += 1000) {
      mock.addEvents(
        simulator.generate({ nowMs: Date.now() - 3_600_000 + done, eventCount: 1000, flowCount: 0 }).events,
      );
    }
    // Slow replies: the kill lands while a call is in flight.
    mock.setFaults({ slowMs: 300 });
    await saveCatoAccount(
      { accountId: CATO_ACCOUNT_ID, apiKey: CATO_KEY, region: "eu", events: true, audit: false, enabled: true },
      SYSTEM_CALLER,
    );
    startWorker();
    startWorker();
    await waitFor(async () => (await redis.xlen("feed:events")) >= 9000, 60_000, "three pages");
    const holder = (await redis.get(catoKeys.lease("default")))!;
    const victim = workers.find((w) => holder.startsWith(`${hostname()}-${w.pid}:`));
    expect(victim).toBeDefined();
    victim!.kill("SIGKILL");
    await new Promise((r) => victim!.once("exit", r));
    const atKill = await redis.xlen("feed:events");
    expect(atKill).toBeLessThan(total);

    await waitFor(async () => (await redis.xlen("feed:events")) >= total, 90_000, "the rest of the backfill");
    // The survivor keeps polling; nothing more may come.
    await new Promise((r) => setTimeout(r, 1000));
    const stored = await feedJson(redis, "events");
    expect(stored).toHaveLength(total);
    expect(countOf(stored).size).toBe(total);
    expect(stored).toEqual(mock.events().map((r) => JSON.stringify(r.fieldsMap)));
    // One poller at a time, whatever the number of workers.
    expect(mock.stats().maxInFlight).toBe(1);
    // The simulator wrote nothing while the account was connected.
    expect(await redis.xlen("feed:flows")).toBe(0);
    const newHolder = await redis.get(catoKeys.lease("default"));
    expect(newHolder).not.toBe(holder);
  }, 180_000);
});
