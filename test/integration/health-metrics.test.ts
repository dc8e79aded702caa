import { describe, expect, it } from "vitest";
import * as readyRoutes from "@/app/api/health/ready/route";
import * as workersRoutes from "@/app/api/health/workers/route";
import * as metricsRoutes from "@/app/api/metrics/route";
import { runPump } from "@/lib/delivery/pump";
import { appendRecords } from "@/lib/feeds/feed-store";
import { workerHeartbeatKey } from "@/lib/health/heartbeat";
import { deleteIntegration } from "@/lib/integrations/service";
import { setupDeliveryFixture } from "@/test/helpers/delivery";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { signedIn } from "@/test/helpers/auth";

const ready = signedIn(readyRoutes);
const workers = signedIn(workersRoutes);
const metrics = signedIn(metricsRoutes);

/**
 * What an operator's load balancer and Prometheus see: readiness through the route
 * handlers against the real PostgreSQL and Redis, and the metrics after real pumps
 * delivered to a HEC fixture.receiver.
 */
const fixture = setupDeliveryFixture();
const { redis, sql, ctx, integration } = fixture;
const BASE = "http://console.test";

async function appendEvents(count: number) {
  await fixture.appendEvents(Array.from({ length: count }, () => fixture.event()));
}

type TSample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): TSample[] {
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`Not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

async function scrape() {
  const response = await metrics.GET(new Request(`${BASE}/api/metrics`), undefined);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const samples = parseExposition(text);
  /** The value of the one sample with this name and exactly these labels; undefined when there is none. */
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find(
      (s) =>
        s.name === name &&
        Object.keys(s.labels).length === Object.keys(labels).length &&
        Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )?.value;
  return { text, samples, value };
}

/**
 * The pump counts requests and latency fire and forget, on its own connection: wait
 * until the counters show the pump's last reply before reading the rest.
 */
async function scrapeWhen(name: string, labels: Record<string, string>, expected: number) {
  await expect.poll(async () => (await scrape()).value(name, labels), { timeout: 10_000, interval: 50 }).toBe(expected);
  return scrape();
}

async function readiness() {
  const response = await ready.GET(new Request(`${BASE}/api/health/ready`), undefined);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("GET /api/health/ready", () => {
  it("is 503 naming the missing worker while no worker process runs", async () => {
    const { status, body } = await readiness();
    expect(status).toBe(503);
    expect(body).toEqual({
      status: "not ready",
      detail: "No worker process is running: start one with npm run worker",
      checks: { postgres: "ok", redis: "ok", workers: { count: 0 } },
    });
  });

  it("is 200 once a worker's heartbeat is in Redis, and counts each worker", async () => {
    await redis.set(workerHeartbeatKey("host-a-101"), new Date().toISOString(), "EX", 30);
    expect(await readiness()).toEqual({
      status: 200,
      body: { status: "ready", checks: { postgres: "ok", redis: "ok", workers: { count: 1 } } },
    });

    await redis.set(workerHeartbeatKey("host-b-202"), new Date().toISOString(), "EX", 30);
    expect((await readiness()).body).toMatchObject({ checks: { workers: { count: 2 } } });
  });
});

describe("GET /api/health/workers", () => {
  it("counts the running workers for the console's banner", async () => {
    const count = async () => {
      const response = await workers.GET(new Request(`${BASE}/api/health/workers`), undefined);
      expect(response.status).toBe(200);
      return response.json();
    };
    expect(await count()).toEqual({ count: 0 });
    await redis.set(workerHeartbeatKey("host-a-101"), new Date().toISOString(), "EX", 30);
    expect(await count()).toEqual({ count: 1 });
  });
});

describe("GET /api/metrics", () => {
  it("exposes delivery counters, latency, lag, feed length, workers and status after a pump ran", async () => {
    const created = await integration();
    const labels = { integration_id: created.id, source: "events" };
    await appendEvents(3);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    await appendEvents(2); // not delivered yet: the lag
    await redis.set(workerHeartbeatKey("host-a-101"), new Date().toISOString(), "EX", 30);

    const { text, value } = await scrapeWhen("cato_splunk_batch_latency_seconds_count", labels, 1);
    expect(value("cato_splunk_records_delivered_total", labels)).toBe(3);
    expect(value("cato_splunk_bytes_delivered_total", labels)).toBeGreaterThan(3 * 100);
    expect(value("cato_splunk_requests_total", { ...labels, http_status: "200", hec_code: "0" })).toBe(1);
    expect(value("cato_splunk_retries_total", labels)).toBe(0);
    expect(value("cato_splunk_records_set_aside_total", labels)).toBe(0);
    expect(value("cato_splunk_lag_records", labels)).toBe(2);
    expect(value("cato_splunk_lag_oldest_seconds", labels)).toBeGreaterThanOrEqual(0);
    expect(value("cato_splunk_lag_oldest_seconds", labels)).toBeLessThan(60);
    expect(value("cato_splunk_feed_length", { feed: "events" })).toBe(5);
    expect(value("cato_splunk_feed_length", { feed: "flows" })).toBe(0);
    expect(value("cato_splunk_feed_appended_total", { feed: "events" })).toBe(5);
    expect(value("cato_splunk_workers")).toBe(1);
    expect(value("cato_splunk_integration_status", { integration_id: created.id, status: "healthy" })).toBe(1);
    expect(value("cato_splunk_integration_status", { integration_id: created.id, status: "error" })).toBe(0);
    expect(value("cato_splunk_integration_info", { integration_id: created.id, name: created.name })).toBe(1);

    expect(text).toContain("# TYPE cato_splunk_batch_latency_seconds histogram");
    expect(value("cato_splunk_batch_latency_seconds_count", labels)).toBe(1);
    expect(value("cato_splunk_batch_latency_seconds_bucket", { ...labels, le: "+Inf" })).toBe(1);
    expect(value("cato_splunk_batch_latency_seconds_bucket", { ...labels, le: "60" })).toBe(1);
    expect(value("cato_splunk_batch_latency_seconds_sum", labels)).toBeGreaterThan(0);
  });

  it("counts refused requests, retries and set-aside records by HTTP status and HEC code", async () => {
    const created = await integration();
    const labels = { integration_id: created.id, source: "events" };
    await appendEvents(2);
    fixture.receiver.setFault({ kind: "busy" });
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("waiting");

    let { value } = await scrapeWhen("cato_splunk_retries_total", labels, 1);
    expect(value("cato_splunk_requests_total", { ...labels, http_status: "503", hec_code: "9" })).toBe(1);
    expect(value("cato_splunk_retries_total", labels)).toBe(1);
    expect(value("cato_splunk_records_delivered_total", labels)).toBe(0);
    expect(value("cato_splunk_integration_status", { integration_id: created.id, status: "retrying" })).toBe(1);

    // Splunk back; a blank event among the retried ones is refused (code 13) and set aside.
    fixture.receiver.setFault({ kind: "none" });
    await appendRecords(redis, "events", [{ json: "{}", eventType: "", eventSubType: "" }], 0);
    await appendEvents(1);
    await sql.query(`UPDATE "Delivery" SET "nextAttemptAt" = NULL WHERE "integrationId" = $1`, [created.id]);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");

    ({ value } = await scrapeWhen("cato_splunk_requests_total", { ...labels, http_status: "200", hec_code: "0" }, 1));
    expect(value("cato_splunk_requests_total", { ...labels, http_status: "400", hec_code: "13" })).toBe(1);
    expect(value("cato_splunk_requests_total", { ...labels, http_status: "200", hec_code: "0" })).toBe(1);
    expect(value("cato_splunk_records_delivered_total", labels)).toBe(3);
    expect(value("cato_splunk_records_set_aside_total", labels)).toBe(1);
    expect(value("cato_splunk_lag_records", labels)).toBe(0);
    expect(value("cato_splunk_integration_status", { integration_id: created.id, status: "healthy" })).toBe(1);
  });

  it("counts a request that got no reply under http_status none", async () => {
    const created = await integration();
    await appendEvents(1);
    fixture.receiver.setFault({ kind: "reset" });
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("waiting");
    const labels = { integration_id: created.id, source: "events" };
    const { value } = await scrapeWhen("cato_splunk_retries_total", labels, 1);
    expect(value("cato_splunk_requests_total", { ...labels, http_status: "none", hec_code: "none" })).toBe(1);
    expect(value("cato_splunk_retries_total", labels)).toBe(1);
    expect(value("cato_splunk_batch_latency_seconds_count", labels)).toBe(0);
  });

  it("drops a deleted integration's series", async () => {
    const created = await integration();
    await appendEvents(1);
    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    await scrapeWhen("cato_splunk_batch_latency_seconds_count", { integration_id: created.id, source: "events" }, 1);
    expect((await scrape()).text).toContain(created.id);

    await deleteIntegration(created.id, SYSTEM_CALLER);
    const { text, value } = await scrape();
    expect(text).not.toContain(created.id);
    expect(value("cato_splunk_workers")).toBe(0);
    expect(await redis.keys("metrics:delivery:*")).toEqual([]);
  });
});
