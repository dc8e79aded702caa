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

/** What the workers of the current test wrote to standard output and error, up to a byte cap. */
const LOG_CAP_BYTES = 16 * 1024 * 1024;
let logChunks: Buffer[] = [];
let logBytes = 0;
const workerLogs = () => Buffer.concat(logChunks).toString("utf8");

function startWorker(extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, workerArgs(), {
    env: workerEnv({ ...process.env, SIMULATOR: "off", LOG_LEVEL: "info", HEC_BATCH_MAX_RECORDS: "500", ...extraEnv }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    if (logBytes + chunk.length <= LOG_CAP_BYTES) logChunks.push(chunk);
    logBytes += chunk.length;
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  workers.push(child);
  return child;
}

/** Resolves once a batch is on the wire: the receiver has it and has not answered yet. */
async function requestInFlight(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A tight loop: the receiver runs in this process, so once this sees a request in
  // progress, whatever the caller does next in the same tick happens while it is.
  while (receiver.inProgress() === 0) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a request in flight");
    await new Promise((r) => setTimeout(r, 1));
  }
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
  logChunks = [];
  logBytes = 0;
});

afterEach(async () => {
  for (const child of workers.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  }
  // The workers decrypted the HEC token to send: it must not appear in what they logged,
  // nor the key that encrypts it.
  const logs = workerLogs();
  expect(logs).toContain('"msg":"worker ready"');
  expect(logs).not.toContain(receiver.token);
  expect(logs).not.toContain(process.env.ENCRYPTION_KEY!);
});

afterAll(async () => {
  await receiver.stop();
  await redis.quit();
  await sql.end();
  await disconnectDb();
});

// Slow suites: real processes and backlogs, with waits of their own of up to 180 s.
describe("worker processes", { timeout: 300_000 }, () => {
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
    await requestInFlight(10_000);
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
    // The batches in flight when the worker died reached the receiver, but their replies
    // never reached the worker: they are sent again, and at most the window of
    // HEC_MAX_IN_FLIGHT (4) batches of 500 is.
    expect(duplicates).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(4 * 500);
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

  it("stops on SIGTERM within 10 seconds with a batch in flight, and its marker does not move for that batch", async () => {
    const created = await createIntegration(
      { name: "Term drill", ingestionUrl: receiver.url, apiKey: receiver.token },
      SYSTEM_CALLER,
    );
    const worker = startWorker();
    // The first part of the stream is delivered and committed.
    await appendNumbered(0, 1000);
    await waitFor(
      async () => (await findIntegration(created.id)).delivery.events?.deliveredRecords === 1000,
      60_000,
      "the first 1000 records to be delivered",
    );
    // The rest meets a destination that takes its time to answer.
    receiver.setFault({ kind: "slow", delayMs: 60_000 });
    await appendNumbered(1000, 1000);
    await requestInFlight(30_000);
    const accepted = receiver.count();
    expect(accepted).toBe(1000);

    const started = Date.now();
    worker.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => worker.once("exit", (c) => r(c)));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(code).toBe(0);

    // The marker stands where it stood before the batch in flight: nothing it carried counts as delivered.
    const after = await findIntegration(created.id);
    expect(after.delivery.events).toMatchObject({ deliveredRecords: accepted, lag: { records: 2000 - accepted } });
    expect(receiver.inProgress()).toBeGreaterThanOrEqual(1);
    // The slow reply never comes: stopping the receiver ends the request without keeping its events.
    const port = receiver.port;
    await receiver.stop();
    receiver = await startTestReceiver({ port, tokens: [receiver.token] });
    expect(receiver.count()).toBe(0);
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
    // pumps, a window of 4 batches of 100 each); two live processes running one pump would
    // resend far more.
    const resent = [...counts.values()].reduce((sum, n) => sum + n - 30, 0);
    expect(resent).toBeLessThanOrEqual(8 * 4 * 100);
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
