import { spawn } from "node:child_process";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Queue } from "bullmq";
import { beforeEach, describe, expect, it } from "vitest";
import * as feedsRoutes from "@/app/api/feeds/[feed]/route";
import { publishAuditBatch, publishAuditEntries, type TAuditRecord } from "@/lib/audit/publish";
import { recordAudit } from "@/lib/audit/record";
import type { TCaller } from "@/lib/auth/caller";
import { db } from "@/lib/db";
import { runPump } from "@/lib/delivery/pump";
import { readAfter, readHead } from "@/lib/feeds/feed-store";
import { START_MARKER } from "@/lib/feeds/marker";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { ZPumpPayload } from "@/lib/jobs/queues";
import { findIntegration, updateIntegration } from "@/lib/integrations/service";
import { workerArgs, workerEnv } from "@/scripts/lib/worker-flags";
import { signedIn } from "@/test/helpers/auth";
import { setupDeliveryFixture } from "@/test/helpers/delivery";
import { dispatchPumps } from "@/workers/dispatch";

/**
 * The Audit Trail data source end to end: entries recorded in PostgreSQL, published to
 * the audit feed in Redis by the worker's publisher, delivered by a pump over HTTPS to
 * a HEC receiver that speaks the protocol.
 */
const fixture = setupDeliveryFixture();
const { redis, sql, ctx, integration } = fixture;

const ana: TCaller = {
  actor: { type: "user", id: "u1", label: "ana@example.com", role: "admin" },
  address: "203.0.113.7",
  userAgent: "test",
};

const publish = (options: { batchSize?: number; maxBatches?: number } = {}) =>
  publishAuditEntries(db(), redis, { maxFeedLength: 0, ...options });

const received = () => fixture.receiver.received();
const receivedRecords = () => received().map((e) => e.event as TAuditRecord);

async function feedIds(): Promise<string[]> {
  const { entries } = await readAfter(redis, "audit", START_MARKER, 100_000);
  return entries.map((e) => (JSON.parse(e.json) as TAuditRecord).audit_id);
}

async function unpublishedCount(): Promise<number> {
  const { rows } = await sql.query(`SELECT count(*)::int AS n FROM "AuditEntry" WHERE "publishedAt" IS NULL`);
  return rows[0].n as number;
}

/** `count` sign-ins, inserted at once as the console would record them one by one. */
async function recordSignIns(count: number) {
  await db().auditEntry.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      actorType: "user",
      actorId: "u1",
      actorLabel: `user${i}@example.com`,
      action: "auth.sign_in",
      address: "198.51.100.1",
    })),
  });
}

beforeEach(async () => {
  await sql.query(`DELETE FROM "AuditEntry"`);
});

describe("Audit Trail as a data source", () => {
  it("delivers each recorded entry once, with sourcetype cato:audit, who, what and from where", async () => {
    const created = await integration({ events: false, audit: true });
    await updateIntegration(created.id, { description: "SOC prod" }, ana);
    await recordAudit(db(), ana, { action: "auth.sign_in" });
    const stored = await db().auditEntry.findMany({ orderBy: { seq: "asc" } });
    expect(stored.map((e) => e.action)).toEqual(["integration.created", "integration.updated", "auth.sign_in"]);

    // Nothing reaches the feed until the worker publishes.
    expect((await readHead(redis, "audit")).appended).toBe(0);
    expect(await publish()).toBe(3);
    expect(await unpublishedCount()).toBe(0);

    // The dispatcher queues the audit pump like any other.
    const queued: unknown[] = [];
    const queue = { addBulk: async (jobs: { data: unknown }[]) => queued.push(...jobs.map((j) => j.data)) };
    expect(await dispatchPumps(db(), redis, queue as unknown as Queue)).toBe(1);
    expect(queued.map((data) => ZPumpPayload.parse(data))).toEqual([{ integrationId: created.id, source: "audit" }]);

    expect(await runPump(ctx(), created.id, "audit", 10_000)).toBe("caught-up");
    expect(received().every((e) => e.sourcetype === "cato:audit" && e.source === "cato_networks")).toBe(true);
    expect(receivedRecords().map((r) => r.audit_id)).toEqual(stored.map((e) => e.id));
    expect(received().map((e) => e.time)).toEqual(stored.map((e) => e.at.getTime() / 1000));

    const update = receivedRecords()[1]!;
    expect(update).toMatchObject({
      action: "integration.updated",
      outcome: "success",
      actor: { type: "user", id: "u1", name: "ana@example.com" },
      target: { type: "integration", id: created.id, name: created.name },
      src_ip: "203.0.113.7",
      user_agent: "test",
      details: { fields: ["description"] },
    });
    expect(receivedRecords()[2]).toMatchObject({ action: "auth.sign_in", target: null, src_ip: "203.0.113.7" });

    // Published once: a second run finds nothing, and nothing is sent again.
    expect(await publish()).toBe(0);
    expect(await runPump(ctx(), created.id, "audit", 10_000)).toBe("caught-up");
    expect(received()).toHaveLength(3);
    expect((await findIntegration(created.id)).delivery.audit).toMatchObject({
      status: "healthy",
      deliveredRecords: 3,
      lag: { records: 0 },
    });
  });

  it("never applies the event filter to the audit trail", async () => {
    const created = await integration({
      events: true,
      audit: true,
      eventFilter: [{ field: "event_type", operator: "is", values: ["System"] }],
    });
    await recordAudit(db(), ana, { action: "auth.sign_out" });
    await publish();
    expect(await runPump(ctx(), created.id, "audit", 10_000)).toBe("caught-up");
    expect(receivedRecords().map((r) => r.action)).toEqual(["integration.created", "auth.sign_out"]);
  });

  it("switched on later, starts at the audit feed's head", async () => {
    const created = await integration({ events: true });
    await recordAudit(db(), ana, { action: "auth.sign_in" });
    await publish(); // the creation and the sign-in: before the source was on
    await updateIntegration(created.id, { audit: true }, ana);
    await publish();
    expect(await runPump(ctx(), created.id, "audit", 10_000)).toBe("caught-up");
    expect(receivedRecords()).toEqual([
      expect.objectContaining({
        action: "integration.updated",
        details: { fields: ["audit"], changes: { audit: { from: false, to: true } } },
      }),
    ]);
    expect((await findIntegration(created.id)).audit).toBe(true);
  });

  it("cannot be appended to through the ingest API", async () => {
    const feeds = signedIn(feedsRoutes);
    const body = JSON.stringify([{ audit_id: "forged", time: "1764368000000", action: "auth.sign_in" }]);
    const response = await feeds.POST(
      new Request("http://console.test/api/feeds/audit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
      { params: Promise.resolve({ feed: "audit" }) },
    );
    expect(response.status).toBe(404);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/audit feed takes no records/);
    expect((await readHead(redis, "audit")).appended).toBe(0);
  });
});

describe("publishing the audit trail", () => {
  it("a running worker publishes new entries and delivers them within seconds, and stops on SIGTERM", async () => {
    const created = await integration({ events: false, audit: true });
    const worker = spawn(process.execPath, workerArgs(), {
      env: workerEnv({ ...process.env, SIMULATOR: "off", LOG_LEVEL: "error" }),
      stdio: ["ignore", "ignore", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => worker.once("exit", resolve));
    try {
      await updateIntegration(created.id, { description: "watched" }, ana);
      await expect
        .poll(() => receivedRecords().map((r) => r.action), { timeout: 20_000, interval: 100 })
        .toEqual(["integration.created", "integration.updated"]);
      expect(received()[1]).toMatchObject({
        sourcetype: "cato:audit",
        event: { actor: { name: "ana@example.com" }, src_ip: "203.0.113.7" },
      });
      expect(await unpublishedCount()).toBe(0);
    } finally {
      worker.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("two workers publishing at once publish every entry exactly once", async () => {
    await recordSignIns(1000);
    // A second client: its own connection pool, as a second worker process has.
    const other = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 4 }) });
    try {
      const options = { maxFeedLength: 0, batchSize: 50, maxBatches: 100 };
      const counts = await Promise.all([
        publishAuditEntries(db(), redis, options),
        publishAuditEntries(other, redis, options),
        publishAuditEntries(db(), redis, options),
        publishAuditEntries(other, redis, options),
      ]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
      expect(counts.filter((n) => n > 0).length).toBeGreaterThan(1); // they did run side by side
    } finally {
      await other.$disconnect();
    }
    const ids = await feedIds();
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    const { rows } = await sql.query(`SELECT id FROM "AuditEntry"`);
    expect(new Set(ids)).toEqual(new Set(rows.map((r: { id: string }) => r.id)));
    expect(await unpublishedCount()).toBe(0);
  });

  it("skips entries another publisher holds, without waiting for them, and publishes them once released", async () => {
    await recordSignIns(30);
    const holder = await sql.connect();
    try {
      await holder.query("BEGIN");
      const { rows: held } = await holder.query(`SELECT id FROM "AuditEntry" ORDER BY seq LIMIT 10 FOR UPDATE`);
      expect(await publish()).toBe(20);
      expect(await feedIds()).not.toEqual(expect.arrayContaining([held[0].id]));
      await holder.query("ROLLBACK");
      expect(await publish()).toBe(10);
    } finally {
      holder.release();
    }
    const ids = await feedIds();
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it("publishes again what a failed commit left unpublished: a duplicate, never a loss", async () => {
    await recordSignIns(5);
    // A worker that dies after appending to the feed, before marking the entries published.
    const crashing = {
      $transaction: (run: (tx: unknown) => Promise<number>, options: unknown) =>
        db().$transaction(
          (tx) =>
            run(
              new Proxy(tx, {
                get: (target, key) =>
                  key === "auditEntry"
                    ? new Proxy(target.auditEntry, {
                        get: (delegate, method) =>
                          method === "updateMany"
                            ? () => Promise.reject(new Error("worker killed"))
                            : Reflect.get(delegate, method),
                      })
                    : Reflect.get(target, key),
              }),
            ),
          options as { timeout: number },
        ),
    } as unknown as PrismaClient;
    await expect(publishAuditBatch(crashing, redis, { maxFeedLength: 0 })).rejects.toThrow("worker killed");
    expect(await feedIds()).toHaveLength(5);
    expect(await unpublishedCount()).toBe(5);

    expect(await publish()).toBe(5);
    const ids = await feedIds();
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(5);
    expect(await unpublishedCount()).toBe(0);
  });
});
