import "server-only";
import { AggregatorRegistry, Counter, Gauge, Registry } from "prom-client";
import { db } from "@/lib/db";
import { lagKey, readLags } from "@/lib/delivery/lag";
import { readPendingAcks } from "@/lib/delivery/pending-acks";
import { LATENCY_BUCKETS_SECONDS, readDeliveryMetrics, type TStoredDeliveryMetrics } from "@/lib/delivery/metrics";
import { AppError } from "@/lib/errors";
import { FEED_NAMES, isFeedName, readHead } from "@/lib/feeds/feed-store";
import { countWorkers } from "@/lib/health/heartbeat";
import { INTEGRATION_STATUSES } from "@/lib/integrations/schema";
import { serializeIntegration } from "@/lib/integrations/serializer";
import { logger } from "@/lib/logger";
import { sharedRedis } from "@/lib/redis";
import { TimeLimitError, withTimeLimit } from "@/lib/time-limit";

/**
 * The Prometheus exposition of /api/metrics, built per scrape in a fresh Registry from
 * what is stored: delivery counters the workers keep in Redis (lib/delivery/metrics.ts),
 * lag and feed lengths read from the feeds, worker heartbeats, and each integration's
 * status from PostgreSQL. Totals are loaded into prom-client Counters with one inc()
 * each; the web process observes nothing itself.
 */
const READ_TIME_LIMIT_MS = 2000;
const LATENCY = "cato_splunk_batch_latency_seconds";

export type TMetricsText = { contentType: string; text: string };

function unavailable(part: "PostgreSQL" | "Redis", error: unknown): AppError {
  logger.warn("metrics unavailable", {
    part,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  const how =
    error instanceof TimeLimitError ? `did not answer within ${READ_TIME_LIMIT_MS / 1000} s` : "is not reachable";
  return new AppError("service_unavailable", `${part} ${how}: the metrics cannot be read`);
}

async function readFrom<T>(part: "PostgreSQL" | "Redis", run: () => Promise<T>): Promise<T> {
  try {
    return await withTimeLimit(READ_TIME_LIMIT_MS, run);
  } catch (error) {
    throw unavailable(part, error);
  }
}

type TSourceLabels = { integration_id: string; source: string };

/**
 * prom-client has no way to load a histogram's stored bucket counts, only to observe
 * values one by one. Its cluster aggregator builds a registry from metrics in their
 * JSON form, which is what the stored counts give, so the histogram goes through it.
 */
function latencyRegistry(series: { labels: TSourceLabels; latency: TStoredDeliveryMetrics["latency"] }[]): Registry {
  const bounds = [...LATENCY_BUCKETS_SECONDS.map(String), "+Inf"];
  const values = series.flatMap(({ labels, latency }) => {
    let cumulative = 0;
    return [
      ...bounds.map((le, i) => {
        cumulative += latency.buckets[i] ?? 0;
        return { metricName: `${LATENCY}_bucket`, labels: { ...labels, le }, value: cumulative };
      }),
      { metricName: `${LATENCY}_sum`, labels, value: latency.sumSeconds },
      { metricName: `${LATENCY}_count`, labels, value: latency.count },
    ];
  });
  const histogram = {
    name: LATENCY,
    help: "Time from sending a batch to Splunk's reply, in seconds (replies only, not network errors)",
    type: "histogram",
    aggregator: "sum",
    values,
  };
  return AggregatorRegistry.aggregate([[histogram]]);
}

export async function renderMetrics(): Promise<TMetricsText> {
  const rows = await readFrom("PostgreSQL", () =>
    db().integration.findMany({ include: { deliveries: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  );
  const deliveries = rows.flatMap((row) =>
    row.deliveries.map((d) => ({
      integrationId: row.id,
      source: d.source,
      marker: d.marker,
      pendingAcks: readPendingAcks(d.pendingAcks).filter((p) => !p.acked).length,
      failingSince: d.failingSince,
    })),
  );
  // Lag only for the data sources that are switched on; counters for every source that ever delivered.
  const enabled = rows.flatMap((row) =>
    row.deliveries
      .filter((d) => isFeedName(d.source) && row[d.source])
      .map((d) => ({ integrationId: row.id, source: d.source, marker: d.marker })),
  );
  const { heads, lags, stored, workers } = await readFrom("Redis", async () => {
    const redis = await sharedRedis(READ_TIME_LIMIT_MS);
    const [heads, lags, stored, workers] = await Promise.all([
      Promise.all(FEED_NAMES.map(async (feed) => ({ feed, head: await readHead(redis, feed) }))),
      readLags(redis, enabled),
      readDeliveryMetrics(redis, deliveries),
      countWorkers(redis),
    ]);
    return { heads, lags, stored, workers };
  });

  const registry = new Registry();
  const registers = [registry];
  const sourceLabels = ["integration_id", "source"] as const;
  const recordsDelivered = new Counter({
    name: "cato_splunk_records_delivered_total",
    help: "Records Splunk accepted",
    labelNames: sourceLabels,
    registers,
  });
  const bytesDelivered = new Counter({
    name: "cato_splunk_bytes_delivered_total",
    help: "Bytes of HEC envelopes Splunk accepted, before compression",
    labelNames: sourceLabels,
    registers,
  });
  const requests = new Counter({
    name: "cato_splunk_requests_total",
    help: 'Requests to Splunk HEC by HTTP status and HEC code ("none": no reply, or a reply without a HEC code)',
    labelNames: [...sourceLabels, "http_status", "hec_code"],
    registers,
  });
  const retries = new Counter({
    name: "cato_splunk_retries_total",
    help: "Batches that failed and will be sent again",
    labelNames: sourceLabels,
    registers,
  });
  const setAside = new Counter({
    name: "cato_splunk_records_set_aside_total",
    help: "Records Splunk refused (HEC codes 6 and 13, or too large) and that were set aside",
    labelNames: sourceLabels,
    registers,
  });
  const acked = new Counter({
    name: "cato_splunk_batches_acknowledged_total",
    help: "Batches Splunk acknowledged as indexed (indexer acknowledgment)",
    labelNames: sourceLabels,
    registers,
  });
  const ackSeconds = new Counter({
    name: "cato_splunk_ack_latency_seconds_total",
    help: "Seconds from sending to seeing the acknowledgment, summed over acknowledged batches (divide by cato_splunk_batches_acknowledged_total for the mean)",
    labelNames: sourceLabels,
    registers,
  });
  const ackTimeouts = new Counter({
    name: "cato_splunk_ack_timeouts_total",
    help: "Batches not acknowledged within HEC_ACK_TIMEOUT_MS and sent again",
    labelNames: sourceLabels,
    registers,
  });
  const pendingAcks = new Gauge({
    name: "cato_splunk_pending_acks",
    help: "Batches Splunk received and has not yet acknowledged as indexed",
    labelNames: sourceLabels,
    registers,
  });
  const failingSince = new Gauge({
    name: "cato_splunk_failing_since_seconds",
    help: "Unix time the current run of delivery failures began; 0 while delivering",
    labelNames: sourceLabels,
    registers,
  });
  deliveries.forEach((d, i) => {
    const labels = { integration_id: d.integrationId, source: d.source };
    const totals = stored[i]!;
    acked.inc(labels, totals.acks.count);
    ackSeconds.inc(labels, totals.acks.latencySumSeconds);
    ackTimeouts.inc(labels, totals.acks.timeouts);
    pendingAcks.set(labels, d.pendingAcks);
    failingSince.set(labels, d.failingSince ? d.failingSince.getTime() / 1000 : 0);
    recordsDelivered.inc(labels, totals.records);
    bytesDelivered.inc(labels, totals.bytes);
    retries.inc(labels, totals.retries);
    setAside.inc(labels, totals.setAside);
    for (const r of totals.requests) {
      requests.inc({ ...labels, http_status: r.httpStatus, hec_code: r.hecCode }, r.count);
    }
  });

  const lagRecords = new Gauge({
    name: "cato_splunk_lag_records",
    help: "Records in the feed not yet delivered",
    labelNames: sourceLabels,
    registers,
  });
  const lagOldest = new Gauge({
    name: "cato_splunk_lag_oldest_seconds",
    help: "Age of the oldest record not yet delivered, in seconds (0 when caught up)",
    labelNames: sourceLabels,
    registers,
  });
  for (const d of enabled) {
    const labels = { integration_id: d.integrationId, source: d.source };
    const lag = lags.get(lagKey(d.integrationId, d.source));
    lagRecords.set(labels, lag?.records ?? 0);
    lagOldest.set(labels, lag?.oldestAgeSeconds ?? 0);
  }

  const feedLength = new Gauge({
    name: "cato_splunk_feed_length",
    help: "Records in the feed now (after retention)",
    labelNames: ["feed"],
    registers,
  });
  const feedAppended = new Counter({
    name: "cato_splunk_feed_appended_total",
    help: "Records ever appended to the feed",
    labelNames: ["feed"],
    registers,
  });
  for (const { feed, head } of heads) {
    feedLength.set({ feed }, head.length);
    feedAppended.inc({ feed }, head.appended);
  }

  new Gauge({ name: "cato_splunk_workers", help: "Worker processes running", registers }).set(workers);

  const status = new Gauge({
    name: "cato_splunk_integration_status",
    help: "1 for the integration's current status, 0 for the others",
    labelNames: ["integration_id", "status"],
    registers,
  });
  const info = new Gauge({
    name: "cato_splunk_integration_info",
    help: "Always 1; names the integration (join on integration_id)",
    labelNames: ["integration_id", "name"],
    registers,
  });
  for (const row of rows) {
    const current = serializeIntegration(row).status;
    for (const s of INTEGRATION_STATUSES) status.set({ integration_id: row.id, status: s }, s === current ? 1 : 0);
    info.set({ integration_id: row.id, name: row.name }, 1);
  }

  const latency = latencyRegistry(
    deliveries.map((d, i) => ({
      labels: { integration_id: d.integrationId, source: d.source },
      latency: stored[i]!.latency,
    })),
  );
  const merged = Registry.merge([registry, latency]);
  return { contentType: merged.contentType, text: await merged.metrics() };
}
