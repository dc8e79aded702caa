import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import type { THecReceiver } from "@/lib/hec-receiver/receiver";
import { createIntegration, findIntegration } from "@/lib/integrations/service";
import { workerArgs, workerEnv } from "@/scripts/lib/worker-flags";
import { startTestReceiver } from "@/test/helpers/hec";
import { SYSTEM_CALLER } from "@/lib/auth/caller";

/**
 * Real worker processes (`npm run worker`) against the test PostgreSQL and Redis,
 * delivering to the receiver over HTTPS: killed with SIGKILL mid-delivery, two at once.
 */
const redis = new Redis(process.env.REDIS_URL!);
const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });
let receiver: THecReceiver;
const workers: ChildProcess[] = [];

function startWorker(extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, workerArgs(), {
    env: workerEnv({ ...process.env, SIMULATOR: "off", LOG_LEVEL: "error", HEC_BATCH_MAX_RECORDS: "500", ...extraEnv }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  workers.push(child);
  return child;
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function appendNumbered(from: number, count: number, batch = 1000) {
  for (let start = from; start < from + count; start += batch) {
    const records = Array.from({ length: Math.min(batch, from + count - start) }, (_, i) => ({
      event_type: "Security",
      event_sub_type: "IPS",
      time: String(1764368000000 + start + i),
      id: String(start + i),
      pad: "x".repeat(400),
    }));
    await appendRecords(
      redis,
      "events",
      records.map((r) => toNewRecord("events", r)),
      0,
    );
  }
}

function receivedIds(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const envelope of receiver.received()) {
    const id = (envelope.event as Record<string, string>).id!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

beforeAll(async () => {
  receiver = await startTestReceiver();
});

beforeEach(async () => {
  await redis.flushdb();
  await sql.query(`DELETE FROM "Integration"`);
  receiver.clear();
  receiver.setFault({ kind: "none" });
});

afterEach(async () => {
  for (const child of workers.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  }
});

afterAll(async () => {
  await receiver.stop();
  await redis.quit();
  await sql.end();
  await disconnectDb();
});

describe("worker processes", () => {
  it("lose nothing when a worker is killed with SIGKILL mid-delivery and restarted", async () => {
    const created = await createIntegration(
      { name: "Kill drill", ingestionUrl: receiver.url, apiKey: receiver.token },
      SYSTEM_CALLER,
    );
    const total = 6000;
    await appendNumbered(0, total);
    receiver.setFault({ kind: "slow", delayMs: 30 });

    const first = startWorker();
    await waitFor(() => receiver.count() >= 1000, 60_000, "the first worker to deliver some records");
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const beforeRestart = receiver.count();
    expect(beforeRestart).toBeLessThan(total);

    receiver.setFault({ kind: "none" });
    startWorker();
    await waitFor(() => receivedIds().size === total, 90_000, "every record to arrive after the restart");
    const counts = receivedIds();
    for (let i = 0; i < total; i++) expect(counts.has(String(i))).toBe(true);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    // At most the batches in flight when the worker died are sent twice.
    expect(duplicates).toBeLessThanOrEqual(500);
    await waitFor(
      async () => (await findIntegration(created.id)).delivery.events?.lag?.records === 0,
      10_000,
      "the marker to reach the head",
    );
  });

  it("two workers never run the same pump at once: each record arrives exactly once", async () => {
    const created = await createIntegration(
      {
        name: "Two workers",
        ingestionUrl: receiver.url,
        apiKey: receiver.token,
      },
      SYSTEM_CALLER,
    );
    receiver.setFault({ kind: "slow", delayMs: 20 });
    startWorker();
    startWorker();
    const total = 4000;
    await appendNumbered(0, total, 500);
    await waitFor(() => receiver.count() >= total, 90_000, "every record to arrive");
    // Once no pump is active and the marker is at the head, anything sent twice has arrived.
    await waitFor(
      async () =>
        (await redis.llen("bull:delivery:active")) === 0 &&
        (await findIntegration(created.id)).delivery.events?.lag?.records === 0,
      30_000,
      "the pumps to finish",
    );
    const counts = receivedIds();
    expect(counts.size).toBe(total);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("stops on SIGTERM within 10 seconds, even with a batch in flight", async () => {
    await createIntegration({ name: "Term drill", ingestionUrl: receiver.url, apiKey: receiver.token }, SYSTEM_CALLER);
    await appendNumbered(0, 2000);
    receiver.setFault({ kind: "slow", delayMs: 20_000 });
    const worker = startWorker();
    // A pump is active: its batch is in flight at the slow receiver.
    await waitFor(async () => (await redis.llen("bull:delivery:active")) > 0, 30_000, "a pump to start");
    const started = Date.now();
    worker.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => worker.once("exit", (c) => r(c)));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(code).toBe(0);
  });

  it("three workers share 30 integrations, and one killed hands its pumps over without loss", async () => {
    const integrations: { id: string }[] = [];
    for (let i = 0; i < 30; i++) {
      integrations.push(
        await createIntegration(
          { name: `Shared ${i}`, ingestionUrl: receiver.url, apiKey: receiver.token },
          SYSTEM_CALLER,
        ),
      );
    }
    receiver.setFault({ kind: "slow", delayMs: 10 });
    const small = { HEC_BATCH_MAX_RECORDS: "100" };
    const [first] = [startWorker(small), startWorker(small), startWorker(small)];
    const total = 1000;
    await appendNumbered(0, total);
    await waitFor(() => receiver.count() >= 5000, 60_000, "delivery to get going");
    first!.kill("SIGKILL");
    await new Promise((r) => first!.once("exit", r));

    await waitFor(() => receiver.count() >= total * 30, 120_000, "every integration's records");
    await waitFor(
      async () => {
        const all = await Promise.all(integrations.map((i) => findIntegration(i.id)));
        return all.every((i) => i.delivery.events?.lag?.records === 0);
      },
      30_000,
      "every marker at the head",
    );
    // Each integration receives every record at least once: 30 copies of each id.
    const counts = receivedIds();
    for (let i = 0; i < total; i++) expect(counts.get(String(i)) ?? 0).toBeGreaterThanOrEqual(30);
    // Resent records come only from the pumps the killed worker had running (at most 8
    // pumps, one batch of 100 each); two live processes running one pump would resend far more.
    const resent = [...counts.values()].reduce((sum, n) => sum + n - 30, 0);
    expect(resent).toBeLessThanOrEqual(8 * 100);
  });

  it("delivers a backlog of 5 MB Detection and Response records to several integrations without running out of memory", async () => {
    // As many integrations as the worker runs pumps at once, under its capped heap (192 MB).
    for (let i = 0; i < 8; i++) {
      await createIntegration(
        { name: `Large ${i}`, ingestionUrl: receiver.url, apiKey: receiver.token },
        SYSTEM_CALLER,
      );
    }
    const raw = "r".repeat(5_300_000);
    // Large records between ordinary ones: each reaches Splunk whole up to its cut, in order.
    for (let i = 0; i < 6; i++) {
      const large = {
        event_type: "Detection and Response",
        event_sub_type: "Threat Hunting",
        time: String(1764368000000 + i),
        id: `large-${i}`,
        raw_data: raw,
      };
      const small = {
        event_type: "Security",
        event_sub_type: "IPS",
        time: String(1764368000000 + i),
        id: `small-${i}`,
      };
      await appendRecords(redis, "events", [toNewRecord("events", large), toNewRecord("events", small)], 0);
    }
    const worker = startWorker();
    await waitFor(() => receiver.count() >= 96 || worker.exitCode !== null, 180_000, "the large records");
    expect(worker.exitCode).toBeNull();
    expect(receiver.count()).toBe(96);
    const large = receiver.received().filter((e) => e.fields?.raw_data_truncated === "true");
    expect(large).toHaveLength(48);
    expect(large[0]!.fields).toMatchObject({ raw_data_original_bytes: "5300000" });
    expect((large[0]!.event as { raw_data: string }).raw_data.length).toBeGreaterThan(4_900_000);
  });
  it("delivers wide records (990 fields, ~2 MB each) after small ones without running out of memory", async () => {
    await createIntegration({ name: "Wide", ingestionUrl: receiver.url, apiKey: receiver.token }, SYSTEM_CALLER);
    const ids = new Set<string>();
    const tally = () => {
      // Keep only the ids: the receiver would otherwise hold every wide record parsed.
      for (const envelope of receiver.received()) ids.add((envelope.event as Record<string, string>).id!);
      receiver.clear();
    };
    // Small records first, delivered by a worker that is then stopped.
    await appendNumbered(0, 3000);
    const first = startWorker({ HEC_BATCH_MAX_RECORDS: "5000" });
    await waitFor(
      () => {
        tally();
        return ids.size >= 3000 || first.exitCode !== null || first.signalCode !== null;
      },
      90_000,
      "the small records",
    );
    first.kill("SIGTERM");
    await new Promise((r) => first.once("exit", r));

    // A backlog: small records, then wide ones, all in the feed before the next worker reads it.
    await appendNumbered(3000, 500);
    const wide = 100;
    const values = Array.from({ length: 990 }, (_, f) => [`field_${f}`, String(f % 10).repeat(1999)] as const);
    for (let start = 0; start < wide; start += 5) {
      const records = Array.from({ length: 5 }, (_, i) =>
        toNewRecord("events", {
          event_type: "Security",
          event_sub_type: "IPS",
          time: String(1764368100000 + start + i),
          id: `wide-${start + i}`,
          ...Object.fromEntries(values),
        }),
      );
      expect(records[0]!.json.length).toBeGreaterThan(1_990_000);
      await appendRecords(redis, "events", records, 0);
    }
    const worker = startWorker({ HEC_BATCH_MAX_RECORDS: "5000" });
    await waitFor(
      () => {
        tally();
        return ids.size >= 3500 + wide || worker.exitCode !== null || worker.signalCode !== null;
      },
      240_000,
      "the wide records",
    );
    expect(worker.exitCode).toBeNull();
    expect(worker.signalCode).toBeNull();
    for (let i = 0; i < wide; i++) expect(ids.has(`wide-${i}`)).toBe(true);
    for (let i = 0; i < 3500; i++) expect(ids.has(String(i))).toBe(true);
  }, 360_000);
});
