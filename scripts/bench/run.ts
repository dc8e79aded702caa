/**
 * `npm run bench`: runs every benchmark, prints its tables and writes them into
 * docs/benchmarks.md between generated-section markers (the prose around them stays).
 * `npm run bench -- ingest` (or delivery, latency, memory, ack-polls...) runs one section.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { format } from "prettier";
import { benchAckPolls } from "./ack-polls";
import { benchThroughput, type TThroughput } from "./delivery";
import { startBenchEnvironment } from "./environment";
import { benchCato } from "./cato";
import { benchFeedMemory } from "./feed-memory";
import { benchIngest } from "./ingest";
import { benchLargeRecords } from "./large-records";
import { benchLatency, type TLatency } from "./latency";
import { benchSplunkLogging } from "./peer";
import { benchWire } from "./wire";

const DOC = "docs/benchmarks.md";
const REPEATS = 3;
const BATCH_BYTES = 1_000_000;

function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${body}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to === -1) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, from)}${block}${doc.slice(to + end.length)}`;
}

const n = (value: number) => Math.round(value).toLocaleString("en-US");
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[], digits = 0) => {
  const f = (v: number) => (digits ? v.toFixed(digits) : n(v));
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
};

async function repeat<T>(label: string, run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < REPEATS; i++) {
    process.stdout.write(`  ${label}, run ${i + 1} of ${REPEATS}\n`);
    results.push(await run());
  }
  return results;
}

async function benchDelivery(): Promise<string> {
  const environment = await startBenchEnvironment({ HEC_BATCH_MAX_BYTES: String(BATCH_BYTES) });
  try {
    const total = 200_000;
    const wire = await repeat("wire limit", () => benchWire(environment, total, BATCH_BYTES));
    const peer = await repeat("splunk-logging", () => benchSplunkLogging(environment, total, BATCH_BYTES));
    const rows: { label: string; runs: TThroughput[] }[] = [];
    for (const integrations of [1, 10, 100]) {
      for (const withFlows of [false, true]) {
        const perFeed = Math.round(total / integrations / (withFlows ? 2 : 1));
        const label = `${integrations} integration${integrations > 1 ? "s" : ""}, ${withFlows ? "events + flows" : "events"}`;
        rows.push({
          label,
          runs: await repeat(label, () =>
            benchThroughput(environment, { integrations, recordsPerFeed: perFeed, withFlows }),
          ),
        });
      }
    }
    // Splunk on a fast local network: the same run with bodies sent uncompressed.
    rows.push({
      label: "1 integration, events, uncompressed (HEC_GZIP_LEVEL=0)",
      runs: await repeat("1 integration, uncompressed", () =>
        benchThroughput(environment, {
          integrations: 1,
          recordsPerFeed: total,
          withFlows: false,
          workerEnv: { HEC_GZIP_LEVEL: "0" },
        }),
      ),
    });
    const wireRate = median(wire.map((r) => r.recordsPerSecond));
    const peerRate = median(peer.map((r) => r.recordsPerSecond));
    const oneIntegration = median(rows[0]!.runs.map((r) => r.recordsPerSecond));
    const line = (label: string, runs: TThroughput[]) => {
      const rate = median(runs.map((r) => r.recordsPerSecond));
      return `| ${label} | ${n(runs[0]!.records)} | ${spread(runs.map((r) => r.recordsPerSecond))} | ${spread(
        runs.map((r) => r.mbPerSecond),
        1,
      )} | ${n(Math.max(...runs.map((r) => r.peakRssMb ?? 0)))} MB | ${spread(
        runs.map((r) => r.cpuMsPer1000),
        1,
      )} ms | ${median(runs.map((r) => r.receiverCpuMsPer1000)).toFixed(1)} ms | ${median(
        runs.map((r) => r.redisCpuMsPer1000),
      ).toFixed(1)} ms | ${(rate / wireRate).toFixed(2)} | ${(rate / peerRate).toFixed(2)} |`;
    };
    const table = [
      `| Sender | Records delivered | Records/s, median (min–max) | MB/s of JSON records | Peak RSS of the sender | Sender CPU per 1,000 records | Receiver CPU per 1,000 (median) | Redis CPU per 1,000 (median) | × wire limit | × splunk-logging |`,
      `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
      line("Wire limit: pre-built, pre-compressed batches, one connection", wire),
      line("splunk-logging 0.11.1 (same records, same batch bytes)", peer),
      ...rows.map((row) => line(`This product: ${row.label}`, row.runs)),
    ];
    const fanOut = median(
      rows.find((r) => r.label.startsWith("100 integrations, events"))!.runs.map((r) => r.recordsPerSecond),
    );
    const startup = median(rows.flatMap((r) => r.runs.map((x) => x.startupSeconds ?? 0)));
    return [
      `${n(total)} deliveries per run (records × integrations), simulator events of about 1.5 KB, batches of at most ${n(BATCH_BYTES)} bytes before gzip (level 1), HTTPS with certificate verification, one worker process. Every sender is timed the same way: from the moment it is ready to send (the worker connected to PostgreSQL and Redis, its start-up taking a median ${startup.toFixed(1)} s; the other two with their records loaded and parsed) until the receiver holds every record. Sender CPU is the sending process's user and system time over that span, its threads (gzip) included; it depends far less on the machine's load than records/s. The receiver's and Redis' CPU over the same span are beside it: all of them share the machine's 2 cores, so their sum per record bounds what any sender can reach here. The machine's load average (1 min) was ${loadavg()[0]!.toFixed(1)} when the section ended.`,
      "",
      ...table,
      "",
      `100 integrations deliver ${((fanOut / oneIntegration) * 100).toFixed(0)}% of the one-integration rate.`,
    ].join("\n");
  } finally {
    await environment.stop();
  }
}

/**
 * Requests in flight and indexer acknowledgment, one run each in the same environment:
 * the product with one request at a time (as before HEC_MAX_IN_FLIGHT) and with a window
 * of 4, with and without acknowledgment, next to the wire-limit sender and splunk-logging.
 */
async function benchWindow(): Promise<string> {
  const environment = await startBenchEnvironment({ HEC_BATCH_MAX_BYTES: String(BATCH_BYTES) });
  try {
    const total = 60_000;
    const loadBefore = loadavg()[0]!;
    process.stdout.write("  wire limit\n");
    const wire = await benchWire(environment, total, BATCH_BYTES);
    process.stdout.write("  splunk-logging\n");
    const peer = await benchSplunkLogging(environment, total, BATCH_BYTES);
    const runs: { label: string; result: TThroughput }[] = [];
    const configs = [
      { integrations: 1, window: "1", ack: false },
      { integrations: 1, window: "4", ack: false },
      { integrations: 1, window: "4", ack: true },
      { integrations: 10, window: "4", ack: false },
      { integrations: 10, window: "4", ack: true },
      { integrations: 100, window: "4", ack: false },
      { integrations: 100, window: "4", ack: true },
    ];
    for (const c of configs) {
      const label = `${c.integrations} integration${c.integrations > 1 ? "s" : ""}, HEC_MAX_IN_FLIGHT=${c.window}${c.ack ? ", indexer acknowledgment" : ""}`;
      process.stdout.write(`  ${label}\n`);
      const result = await benchThroughput(environment, {
        integrations: c.integrations,
        recordsPerFeed: Math.round(total / c.integrations),
        withFlows: false,
        indexerAck: c.ack,
        workerEnv: { HEC_MAX_IN_FLIGHT: c.window },
      });
      runs.push({ label, result });
    }
    const row = (label: string, r: TThroughput) =>
      `| ${label} | ${n(r.records)} | ${n(r.recordsPerSecond)} | ${n(r.peakRssMb ?? 0)} MB | ${r.cpuMsPer1000.toFixed(1)} ms | ${(r.recordsPerSecond / wire.recordsPerSecond).toFixed(2)} | ${(r.recordsPerSecond / peer.recordsPerSecond).toFixed(2)} |`;
    return [
      `${n(total)} deliveries per run, one run each in the same environment, in this order, with the machine's load average (1 min) at ${loadBefore.toFixed(1)} on ${cpus().length} cores when the runs started: compare the ratios within this table, not the absolute rates with other tables.`,
      "",
      "| Sender | Records | Records/s | Peak RSS | Sender CPU per 1,000 records | × wire limit | × splunk-logging |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      row("Wire limit: pre-built, pre-compressed batches", wire),
      row("splunk-logging 0.11.1", peer),
      ...runs.map((r) => row(`This product: ${r.label}`, r.result)),
    ].join("\n");
  } finally {
    await environment.stop();
  }
}

/**
 * Acknowledgment polls that many integrations with indexer acknowledgment cause at one
 * destination, with one worker at the default pump concurrency and with one pump slot
 * per integration (what enough worker processes amount to).
 */
async function benchAckPollsSection(): Promise<string> {
  const environment = await startBenchEnvironment({ HEC_BATCH_MAX_BYTES: String(BATCH_BYTES) });
  try {
    const integrations = 100;
    const recordsPerSecond = 50;
    const seconds = 60;
    const loadBefore = loadavg()[0]!;
    const rows: string[] = [];
    for (const concurrency of ["8", "100"]) {
      process.stdout.write(`  ${integrations} integrations, DELIVERY_CONCURRENCY=${concurrency}\n`);
      const r = await benchAckPolls(environment, {
        integrations,
        recordsPerSecond,
        seconds,
        workerEnv: { DELIVERY_CONCURRENCY: concurrency },
      });
      rows.push(
        `| ${integrations} | ${concurrency} | ${r.ackPollsPerSecond.toFixed(1)} | ${r.peakAckPollsPerSecond} | ${Math.round(r.emptyPollShare * 100)}% | ${r.eventRequestsPerSecond.toFixed(1)} | ${r.pollingIntegrations} |`,
      );
    }
    return [
      `${integrations} integrations with indexer acknowledgment, all sending to one receiver (which acknowledges at once), one worker process, ${recordsPerSecond} records of 1.3 KB appended to the events feed a second (each integration delivers every one), counted at the receiver for ${seconds} s after every integration had polled once; the machine's load average (1 min) was ${loadBefore.toFixed(1)} on ${cpus().length} cores when the runs started.`,
      "",
      "| Integrations | DELIVERY_CONCURRENCY | /ack requests/s | Most in one second | Polls finding nothing indexed | Event requests/s | Integrations that polled |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
  } finally {
    await environment.stop();
  }
}

async function benchLatencySection(): Promise<string> {
  const environment = await startBenchEnvironment({ HEC_BATCH_MAX_BYTES: String(BATCH_BYTES) });
  try {
    const runs: TLatency[] = await repeat("latency at 5,000 records/s", () => benchLatency(environment, 5000, 20));
    return [
      `Records appended at 5,000 a second for 20 s (one integration, one worker); latency from the append to the receiver accepting the request that carried the record. ${REPEATS} runs, median (min–max).`,
      "",
      "| p50 | p99 | max | Worker peak RSS |",
      "| --- | --- | --- | --- |",
      `| ${spread(runs.map((r) => r.p50Ms))} ms | ${spread(runs.map((r) => r.p99Ms))} ms | ${spread(runs.map((r) => r.maxMs))} ms | ${n(Math.max(...runs.map((r) => r.peakRssMb ?? 0)))} MB |`,
    ].join("\n");
  } finally {
    await environment.stop();
  }
}

async function benchBacklogMemory(): Promise<string> {
  const environment = await startBenchEnvironment({ HEC_BATCH_MAX_BYTES: String(BATCH_BYTES) });
  const rows: string[] = ["| Backlog | Records/s | Worker peak RSS |", "| --- | --- | --- |"];
  const large = [
    "| Integrations | Records (5.3 MB ones) | Seconds | Worker peak RSS | Worker survived |",
    "| --- | --- | --- | --- | --- |",
  ];
  try {
    for (const backlog of [50_000, 500_000]) {
      process.stdout.write(`  backlog of ${n(backlog)}\n`);
      const result = await benchThroughput(environment, { integrations: 1, recordsPerFeed: backlog, withFlows: false });
      rows.push(`| ${n(backlog)} records | ${n(result.recordsPerSecond)} | ${n(result.peakRssMb ?? 0)} MB |`);
    }
    for (const integrations of [1, 8]) {
      process.stdout.write(`  30 records of 5.3 MB for ${integrations} integration(s)\n`);
      const result = await benchLargeRecords(environment, integrations, 30);
      large.push(
        `| ${integrations} | ${n(result.records)} (${n(30 * integrations)}) | ${result.seconds.toFixed(1)} | ${n(result.peakRssMb)} MB | ${result.crashed ? "no" : "yes"} |`,
      );
    }
  } finally {
    await environment.stop();
  }
  return [
    `One integration draining a backlog ten times larger: the worker reads at most about two batches ahead, so its memory does not grow with the backlog.`,
    "",
    ...rows,
    "",
    "Detection and Response records of 5.3 MB (30 of them, each after 500 ordinary events), delivered to 1 and to 8 integrations at once (8 pumps meet them together): such records are kept beside the feed's stream and loaded whole by one pump at a time.",
    "",
    ...large,
  ].join("\n");
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}.`;
  const sections: [string, () => Promise<string>][] = [
    ["ingest", benchIngest],
    ["feed-memory", benchFeedMemory],
    ["delivery", benchDelivery],
    ["window", benchWindow],
    ["ack-polls", benchAckPollsSection],
    ["latency", benchLatencySection],
    ["backlog-memory", benchBacklogMemory],
    ["cato", benchCato],
  ];
  let doc = readFileSync(DOC, "utf8");
  for (const [name, run] of sections) {
    if (only && only !== name) continue;
    process.stdout.write(`${name}…\n`);
    const body = await run();
    process.stdout.write(`\n${body}\n\n`);
    doc = replaceSection(doc, name, `${stamp}\n\n${body}`);
    // Formatted as the repository keeps it, so `npm run format:check` stays green after a run.
    writeFileSync(DOC, await format(doc, { parser: "markdown", printWidth: 120 }));
  }
  process.stdout.write(`Written to ${DOC}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
