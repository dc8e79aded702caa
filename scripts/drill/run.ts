/**
 * `npm run drill`: fault drills. Each delivers a known set of records (every record has
 * a unique id) to the HEC receiver through a real worker process while something goes
 * wrong, then checks at the receiver that every record arrived at least once and counts
 * duplicates. Prints a table and writes it into docs/benchmarks.md.
 * `npm run drill -- <name> [<name>…]` runs some; `--seconds N` shortens the 60 s faults.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { format } from "prettier";
import { disconnectDb } from "@/lib/db";
import { appendRecords, type TNewRecord } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { startHecReceiver, type THecReceiver } from "@/lib/hec-receiver/receiver";
import { createIntegration, findIntegration } from "@/lib/integrations/service";
import {
  startBenchEnvironment,
  startWorker,
  stopWorker,
  peakRssMb,
  waitUntil,
  type TBenchEnvironment,
} from "../bench/environment";
import { waitForWorkerReady } from "../bench/delivery";
import { SYSTEM_CALLER } from "@/lib/auth/caller";

type TDrillResult = {
  name: string;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  recoverySeconds: number;
  note: string;
  /** The worker's peak resident memory passed the drill's limit. */
  isOverMemory?: boolean;
};

type TDrillContext = {
  environment: TBenchEnvironment;
  redis: Redis;
  receiver: THecReceiver;
  worker: ChildProcess;
  faultSeconds: number;
  /** Replaces the worker process (after a kill). */
  restartWorker(): Promise<void>;
  /** Replaces the receiver with a new one on the same port (after a stop). */
  restartReceiver(): Promise<void>;
  delivered(): number;
};

type TDrill = {
  name: string;
  title: string;
  /** Records with ids "0" to records - 1, each expected at every integration. */
  records: number;
  run(ctx: TDrillContext): Promise<string>;
  /** Appends the records (default: events of ~1.3 KB). */
  seed?(redis: Redis): Promise<void>;
  /** Integrations delivering the same records, each to an index of its own (default 1). */
  integrations?: number;
  /**
   * The worker must deliver everything without being restarted: its exit fails the
   * drill, and its peak resident memory must stay under this many MB.
   */
  maxWorkerRssMb?: number;
  /** The receiver acknowledges indexing and the integrations wait for it (indexerAck). */
  isAck?: boolean;
  /** Worker settings of this drill. */
  workerEnv?: Record<string, string>;
};

async function killTenTimes(ctx: TDrillContext): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const before = ctx.delivered();
    await waitUntil(() => ctx.delivered() > before + 1000 || ctx.delivered() >= 60_000, 120_000, "some progress");
    ctx.worker.kill("SIGKILL");
    await new Promise((r) => ctx.worker.once("exit", r));
    await ctx.restartWorker();
  }
  return "killed 10 times, each after at least 1,000 more records arrived";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends records in slices of about `sliceBytes`, so no append holds more than that. */
async function appendInSlices(redis: Redis, records: () => Iterable<TNewRecord>, sliceBytes = 16_000_000) {
  let slice: TNewRecord[] = [];
  let bytes = 0;
  for (const record of records()) {
    slice.push(record);
    bytes += record.json.length;
    if (bytes >= sliceBytes) {
      await appendRecords(redis, "events", slice, 0);
      slice = [];
      bytes = 0;
    }
  }
  if (slice.length > 0) await appendRecords(redis, "events", slice, 0);
}

function* smallEvents(from: number, count: number): Generator<TNewRecord> {
  for (let i = from; i < from + count; i++) {
    yield toNewRecord("events", {
      event_type: "Security",
      event_sub_type: "IPS",
      time: String(1764368000000 + i),
      id: String(i),
      pad: "x".repeat(1200),
    });
  }
}

/** Text that gzip cannot shrink much (random base64), repeated past its 32 KB window. */
function incompressible(chars: number): string {
  const block = randomBytes(48 * 1024).toString("base64");
  return block.repeat(Math.ceil(chars / block.length)).slice(0, chars);
}

const WIDE_SMALL = 5000;
const WIDE_RECORDS = 120;
const DR_RECORDS = 40;

const DRILLS: TDrill[] = [
  {
    name: "sigkill",
    title: "Worker killed with SIGKILL ten times during delivery, restarted each time",
    records: 60_000,
    run: async (ctx) => `${await killTenTimes(ctx)}; window of 4 requests in flight`,
  },
  {
    name: "sigkill-ack",
    title: "Worker killed with SIGKILL ten times, with indexer acknowledgment on",
    records: 60_000,
    isAck: true,
    // Splunk forgets an ack once reported: a worker killed between the poll and the commit
    // leaves batches whose acks never come again, resent after the ack timeout.
    workerEnv: { HEC_ACK_TIMEOUT_MS: "20000" },
    run: async (ctx) => `${await killTenTimes(ctx)}; window of 4, unacknowledged batches resent after 20 s`,
  },
  {
    name: "receiver-down",
    title: "Receiver down for 60 s, then back",
    records: 20_000,
    async run(ctx) {
      await waitUntil(() => ctx.delivered() > 2000, 60_000, "some progress");
      await ctx.receiver.stop();
      await sleep(ctx.faultSeconds * 1000);
      await ctx.restartReceiver();
      return `down for ${ctx.faultSeconds} s`;
    },
  },
  {
    name: "busy",
    title: "Receiver answering 503 (code 9) to half the requests for a minute",
    records: 30_000,
    async run(ctx) {
      ctx.receiver.setFault({ kind: "busy-ratio", ratio: 0.5 });
      await sleep(ctx.faultSeconds * 1000);
      ctx.receiver.setFault({ kind: "none" });
      return `503 to every other request for ${ctx.faultSeconds} s`;
    },
  },
  {
    name: "token",
    title: "Receiver rejecting the token for a minute, then accepting it again",
    records: 20_000,
    async run(ctx) {
      await waitUntil(() => ctx.delivered() > 2000, 60_000, "some progress");
      ctx.receiver.setFault({ kind: "invalid-token" });
      await sleep(ctx.faultSeconds * 1000);
      ctx.receiver.setFault({ kind: "none" });
      return `invalid token (code 4) for ${ctx.faultSeconds} s; the integration retries about once a minute, nobody edits it`;
    },
  },
  {
    name: "body-limit",
    title: "Body limit smaller than the configured batch (413)",
    records: 20_000,
    async run(ctx) {
      ctx.receiver.setMaxContentLength(60_000);
      return "limit 60,000 bytes against batches of up to 1,000,000";
    },
  },
  {
    name: "redis-restart",
    title: "Redis restarted during delivery (append-only file on)",
    records: 40_000,
    async run(ctx) {
      await waitUntil(() => ctx.delivered() > 5000, 60_000, "some progress");
      await ctx.environment.restartRedis();
      return "stopped and started on the same port";
    },
  },
  {
    name: "postgres-restart",
    title: "PostgreSQL restarted during delivery",
    records: 40_000,
    async run(ctx) {
      await waitUntil(() => ctx.delivered() > 5000, 60_000, "some progress");
      await ctx.environment.restartPostgres();
      return "stopped and started on the same port";
    },
  },
  {
    name: "sigterm",
    title: "SIGTERM to the worker during delivery",
    records: 30_000,
    async run(ctx) {
      await waitUntil(() => ctx.delivered() > 3000, 60_000, "some progress");
      const started = Date.now();
      ctx.worker.kill("SIGTERM");
      const code = await new Promise<number | null>((r) => ctx.worker.once("exit", (c) => r(c)));
      const seconds = (Date.now() - started) / 1000;
      if (seconds > 10) throw new Error(`the worker took ${seconds.toFixed(1)} s to exit`);
      await ctx.restartWorker();
      return `exited with code ${code} in ${seconds.toFixed(1)} s; a new worker finished the delivery`;
    },
  },
  {
    name: "wide-records",
    title: `Wide records: ${WIDE_RECORDS} records of ~2 MB with 990 fields of 1,999 characters, after ${WIDE_SMALL.toLocaleString("en-US")} small ones`,
    records: WIDE_SMALL + WIDE_RECORDS,
    maxWorkerRssMb: 300,
    async seed(redis) {
      await appendInSlices(redis, () => smallEvents(0, WIDE_SMALL));
      const fields = Object.fromEntries(
        Array.from({ length: 990 }, (_, f) => [`field_${f}`, incompressible(1999)] as const),
      );
      await appendInSlices(redis, function* () {
        for (let i = WIDE_SMALL; i < WIDE_SMALL + WIDE_RECORDS; i++) {
          yield toNewRecord("events", {
            event_type: "Security",
            event_sub_type: "IPS",
            time: String(1764368000000 + i),
            id: String(i),
            ...fields,
          });
        }
      });
    },
    async run() {
      return "every value under the 2,000-character cut";
    },
  },
  {
    name: "large-many",
    title: `${DR_RECORDS} Detection and Response records of 5 MB between small ones, delivered to 10 integrations`,
    records: DR_RECORDS * 2,
    integrations: 10,
    maxWorkerRssMb: 300,
    async seed(redis) {
      const raw = incompressible(5_000_000);
      await appendInSlices(redis, function* () {
        for (let i = 0; i < DR_RECORDS * 2; i++) {
          yield toNewRecord("events", {
            event_type: i % 2 === 0 ? "Detection and Response" : "Security",
            event_sub_type: i % 2 === 0 ? "Threat Hunting" : "IPS",
            time: String(1764368000000 + i),
            id: String(i),
            ...(i % 2 === 0 ? { raw_data: raw } : { pad: "x".repeat(1200) }),
          });
        }
      });
    },
    async run() {
      return "raw_data of random text (gzip cannot shrink it)";
    },
  },
];

async function runDrill(drill: TDrill, environment: TBenchEnvironment, faultSeconds: number): Promise<TDrillResult> {
  const redis = new Redis(environment.redisUrl, { maxRetriesPerRequest: null });
  redis.on("error", () => undefined);
  await redis.flushdb();
  const integrationCount = drill.integrations ?? 1;
  // With several integrations, each writes to an index of its own, which tells their copies apart.
  const indexes = integrationCount > 1 ? Array.from({ length: integrationCount }, (_, k) => `drill-${k}`) : [];
  const receiverOptions = indexes.length > 0 ? { indexes } : {};
  const ackEnabled = drill.isAck ?? false;
  let receiver = await startHecReceiver({ certificate: environment.certificate, ...receiverOptions, ackEnabled });
  const port = receiver.port;
  const token = receiver.token;
  const expected = drill.records * integrationCount;
  const seen = new Map<string, number>();
  const keyOf = (envelope: { index?: string; event: unknown }) => {
    // Only the drill's records: an integration's own error events are delivered too.
    const id = (envelope.event as Record<string, string>).id;
    return id === undefined ? undefined : `${envelope.index ?? ""}|${id}`;
  };
  const tally = (r: THecReceiver) => {
    for (const envelope of r.received()) {
      const key = keyOf(envelope);
      if (key !== undefined) seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    r.clear();
  };
  let worker: ChildProcess | null = null;
  try {
    const integrations: { id: string }[] = [];
    for (let k = 0; k < integrationCount; k++) {
      integrations.push(
        await createIntegration(
          {
            name: `Drill ${drill.name} ${k} ${Date.now()}`,
            ingestionUrl: receiver.url,
            apiKey: token,
            indexerAck: ackEnabled,
            ...(indexes[k] ? { index: indexes[k] } : {}),
          },
          SYSTEM_CALLER,
        ),
      );
    }
    if (drill.seed) await drill.seed(redis);
    else await appendInSlices(redis, () => smallEvents(0, drill.records));
    worker = startWorker({ ...environment.env, ...drill.workerEnv });
    const firstWorker = worker;
    await waitForWorkerReady(redis);
    const ctx: TDrillContext = {
      environment,
      redis,
      get receiver() {
        return receiver;
      },
      get worker() {
        return worker!;
      },
      faultSeconds,
      async restartWorker() {
        worker = startWorker({ ...environment.env, ...drill.workerEnv });
      },
      async restartReceiver() {
        tally(receiver);
        receiver = await startHecReceiver({
          certificate: environment.certificate,
          port,
          tokens: [token],
          ...receiverOptions,
          ackEnabled,
        });
      },
      delivered: () => seen.size + new Set(receiver.received().map(keyOf)).size,
    };
    const note = await drill.run(ctx);
    const faultCleared = Date.now();
    const isAlive = () => firstWorker.exitCode === null && firstWorker.signalCode === null;
    await waitUntil(
      () => {
        tally(receiver);
        if (drill.maxWorkerRssMb && !isAlive()) {
          throw new Error(`the worker stopped (${firstWorker.signalCode ?? `exit code ${firstWorker.exitCode}`})`);
        }
        return seen.size >= expected;
      },
      900_000,
      `every record of the ${drill.name} drill`,
    );
    const recoverySeconds = (Date.now() - faultCleared) / 1000;
    await waitUntil(
      async () => {
        for (const integration of integrations) {
          if ((await findIntegration(integration.id)).delivery.events?.lag?.records !== 0) return false;
        }
        return true;
      },
      60_000,
      "the marker at the head",
    );
    tally(receiver);
    let lost = 0;
    for (const index of indexes.length > 0 ? indexes : [""]) {
      for (let i = 0; i < drill.records; i++) if (!seen.has(`${index}|${i}`)) lost++;
    }
    const duplicated = [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
    let workerNote = "";
    let workerRssMb: number | null = null;
    if (drill.maxWorkerRssMb) {
      workerRssMb = peakRssMb(firstWorker.pid);
      workerNote = `; worker peak RSS ${workerRssMb ?? "?"} MB (limit ${drill.maxWorkerRssMb}), no restart`;
    }
    return {
      name: drill.title,
      expected,
      delivered: seen.size,
      lost,
      duplicated,
      recoverySeconds,
      note: note + workerNote,
      isOverMemory: workerRssMb !== null && workerRssMb >= drill.maxWorkerRssMb!,
    };
  } finally {
    if (worker) await stopWorker(worker);
    await receiver.stop();
    redis.disconnect();
    await disconnectDb();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { seconds: { type: "string", default: "60" } },
  });
  const faultSeconds = Number(values.seconds);
  const chosen = positionals.length ? DRILLS.filter((d) => positionals.includes(d.name)) : DRILLS;
  const results: TDrillResult[] = [];
  const environment = await startBenchEnvironment({ HEC_BATCH_MAX_BYTES: "1000000" });
  try {
    for (const drill of chosen) {
      process.stdout.write(`${drill.title}…\n`);
      const result = await runDrill(drill, environment, faultSeconds);
      process.stdout.write(
        `  expected ${result.expected}, delivered ${result.delivered}, lost ${result.lost}, duplicated ${result.duplicated}, recovered in ${result.recoverySeconds.toFixed(1)} s\n`,
      );
      results.push(result);
    }
  } finally {
    await environment.stop();
  }
  const n = (v: number) => v.toLocaleString("en-US");
  const table = [
    "| Drill | Records expected | Delivered (unique) | Lost | Duplicated | Caught up after the fault ended | Notes |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...results.map(
      (r) =>
        `| ${r.name} | ${n(r.expected)} | ${n(r.delivered)} | ${n(r.lost)} | ${n(r.duplicated)} | ${r.recoverySeconds.toFixed(1)} s | ${r.note} |`,
    ),
  ].join("\n");
  process.stdout.write(`\n${table}\n`);
  if (positionals.length === 0) {
    const doc = readFileSync("docs/benchmarks.md", "utf8");
    const start = "<!-- bench:drills:start -->";
    const end = "<!-- bench:drills:end -->";
    const stamp = `Run ${new Date().toISOString().slice(0, 10)}; faults lasted ${faultSeconds} s where the drill says a minute.`;
    const block = `${start}\n${stamp}\n\n${table}\n${end}`;
    const next = doc.includes(start)
      ? `${doc.slice(0, doc.indexOf(start))}${block}${doc.slice(doc.indexOf(end) + end.length)}`
      : `${doc.trimEnd()}\n\n${block}\n`;
    writeFileSync("docs/benchmarks.md", await format(next, { parser: "markdown", printWidth: 120 }));
  }
  const lost = results.reduce((sum, r) => sum + r.lost, 0);
  process.exit(lost === 0 && !results.some((r) => r.isOverMemory) ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
