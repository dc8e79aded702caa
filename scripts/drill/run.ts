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
import { db, disconnectDb } from "@/lib/db";
import { readPendingAcks } from "@/lib/delivery/pending-acks";
import { DEFAULT_MAX_IN_FLIGHT } from "@/lib/delivery/pump";
import { appendRecords, readOne, type TNewRecord } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { buildEnvelope } from "@/lib/hec/envelope";
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
  /** Unique records delivered so far. */
  delivered(): number;
  /** Copies delivered beyond the first, so far. */
  duplicated(): number;
  /** Copies of the record with this id delivered so far (one integration). */
  copiesOf(id: string): number;
  integrationIds: string[];
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
  /** Once every record arrived: figures of the drill's own, appended to its note. */
  report?(ctx: TDrillContext): Promise<string>;
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

const ACK_DRILL_TIMEOUT_MS = 20_000;
/**
 * The sigkill-ack drill kills at a random moment up to this long after its progress
 * condition, with records enough to keep delivery going through all ten kills.
 */
const ACK_DRILL_MAX_KILL_DELAY_MS = 300;
const ACK_DRILL_RECORDS = 200_000;
/** HEC_MAX_IN_FLIGHT's default, which the drills keep. */
const DRILL_WINDOW = DEFAULT_MAX_IN_FLIGHT;
/**
 * Batches a pump keeps waiting for acknowledgment at most (MAX_PENDING_ACKS in
 * lib/delivery/pump.ts). An ack reported just before a crash never comes again: the
 * next worker keeps sending behind that batch until the ack timeout, then sends it and
 * every batch after it again, so such a crash resends up to this many batches plus the window.
 */
const PUMP_MAX_PENDING_ACKS = 64;
/** HEC_BATCH_MAX_BYTES of every drill (startBenchEnvironment below). */
const DRILL_BATCH_MAX_BYTES = 1_000_000;

/** What the restarted worker found stored with the delivery row after one SIGKILL. */
type TCrash = {
  killedAt: number;
  /** Copies delivered beyond the first when the worker was killed. */
  duplicatedBefore: number;
  channel: string;
  /** Batches stored with the row, taken by the receiver and not yet under the marker. */
  pendingBatches: number;
  pendingRecords: number;
  /** Of those, the ones still waiting for their ack id to turn true. */
  unackedIds: number[];
  /** The last record of each of those batches: its drill id and the copies delivered by the crash. */
  unackedLastRecords: { id: string; copies: number }[];
};

/** Records in one full batch of the drill's ~1.3 KB events, from the batch byte cap. */
function drillBatchRecords(): number {
  const [record] = smallEvents(0, 1);
  const envelope = buildEnvelope(record!.json, { source: "events", index: null, maxEventBytes: 5_000_000 });
  return Math.floor(DRILL_BATCH_MAX_BYTES / (Buffer.byteLength(envelope) + 1));
}

/**
 * SIGKILL ten times with indexer acknowledgment on. After each kill (the worker is dead,
 * so the row is what the next worker will read) notes the pending acks stored with the
 * delivery row.
 */
async function killTenTimesWithAcks(ctx: TDrillContext): Promise<string> {
  const [integrationId] = ctx.integrationIds;
  const crashes: TCrash[] = [];
  const delays: number[] = [];
  for (let i = 0; i < 10; i++) {
    const before = ctx.delivered();
    await waitUntil(
      () => ctx.delivered() > before + 1000 || ctx.delivered() >= ACK_DRILL_RECORDS,
      120_000,
      "some progress",
    );
    // A kill right as records reach the receiver lands where the worker settles a batch,
    // polls its acks and commits far more often than a crash would; a random wait of up to
    // ACK_DRILL_MAX_KILL_DELAY_MS after the progress makes the moment of the kill random.
    const delay = Math.round(Math.random() * ACK_DRILL_MAX_KILL_DELAY_MS);
    delays.push(delay);
    await new Promise((r) => setTimeout(r, delay));
    ctx.worker.kill("SIGKILL");
    await new Promise((r) => ctx.worker.once("exit", r));
    const killedAt = Date.now();
    const row = await db().delivery.findFirstOrThrow({ where: { integrationId, source: "events" } });
    const pending = readPendingAcks(row.pendingAcks);
    const unacked = pending.filter((p) => !p.acked && p.ackId !== null);
    const unackedLastRecords: { id: string; copies: number }[] = [];
    for (const p of unacked) {
      const entry = await readOne(ctx.redis, "events", p.to);
      if (!entry) continue;
      const { id } = JSON.parse(entry.json) as { id: string };
      unackedLastRecords.push({ id, copies: ctx.copiesOf(id) });
    }
    crashes.push({
      killedAt,
      duplicatedBefore: ctx.duplicated(),
      channel: row.channel,
      pendingBatches: pending.length,
      pendingRecords: pending.reduce((sum, p) => sum + p.records, 0),
      unackedIds: unacked.map((p) => p.ackId!),
      unackedLastRecords,
    });
    await ctx.restartWorker();
  }
  ackCrashes = crashes;
  return `killed 10 times, each after at least 1,000 more records arrived and a random wait (${delays.join(", ")} ms); window of ${DRILL_WINDOW}, ack timeout ${ACK_DRILL_TIMEOUT_MS / 1000} s`;
}

let ackCrashes: TCrash[] = [];

/**
 * Checks at the receiver whether each restarted worker polled the stored ack ids on the
 * same channel, and compares the records resent after each crash with its bound: the
 * window of batches in flight plus the batches stored as pending.
 */
async function reportAckCrashes(ctx: TDrillContext): Promise<string> {
  const crashes = ackCrashes;
  // Resends caused by an ack timeout arrive ACK_DRILL_TIMEOUT_MS after their batch was sent.
  await sleep(ACK_DRILL_TIMEOUT_MS + 5000);
  const finalDuplicated = ctx.duplicated();
  const batchRecords = drillBatchRecords();
  const polls = ctx.receiver.ackPolls();
  const n = (v: number) => v.toLocaleString("en-US");
  let withinBound = 0;
  let withinCap = 0;
  const cap = (DRILL_WINDOW + PUMP_MAX_PENDING_ACKS) * batchRecords;
  let storedIds = 0;
  let polledAfterRestart = 0;
  let trueAfterRestart = 0;
  let reportedBeforeCrash = 0;
  let unackedResent = 0;
  const lines: string[] = [];
  crashes.forEach((crash, k) => {
    const next = crashes[k + 1];
    const resent = (next ? next.duplicatedBefore : finalDuplicated) - crash.duplicatedBefore;
    const bound = DRILL_WINDOW * batchRecords + crash.pendingRecords;
    if (resent <= bound) withinBound++;
    if (resent <= cap) withinCap++;
    const after = polls.filter((p) => p.at >= crash.killedAt && p.channel === crash.channel);
    const before = polls.filter((p) => p.at < crash.killedAt && p.channel === crash.channel);
    for (const id of crash.unackedIds) {
      storedIds++;
      if (after.some((p) => p.ackIds.includes(id))) polledAfterRestart++;
      if (after.some((p) => p.trueIds.includes(id))) trueAfterRestart++;
      if (before.some((p) => p.trueIds.includes(id))) reportedBeforeCrash++;
    }
    // Counted against the copies at the crash: a batch can itself be a resend of an earlier crash.
    for (const last of crash.unackedLastRecords) if (ctx.copiesOf(last.id) > last.copies) unackedResent++;
    lines.push(
      `  crash ${k + 1}: resent ${n(resent)} records; bound ${n(bound)} = window ${DRILL_WINDOW} × ${n(batchRecords)} + ${crash.pendingBatches} pending batches (${n(crash.pendingRecords)} records, ${crash.unackedIds.length} unacknowledged)`,
    );
  });
  const pollSpan = polls.length > 1 ? (polls.at(-1)!.at - polls[0]!.at) / 1000 : 1;
  const ackPollsPerSecond = polls.length / Math.max(1, pollSpan);
  lines.push(
    `  pending ack ids stored at the crashes: ${storedIds}; polled by the restarted worker on the same channel: ${polledAfterRestart}, reported indexed then: ${trueAfterRestart}; already reported before the crash (lost, resent after the ack timeout): ${reportedBeforeCrash}; batches among them sent again after the crash: ${unackedResent}`,
    `  resent in all ${n(finalDuplicated)}, ${n(Math.round(finalDuplicated / crashes.length))} per crash on average; ${withinBound} of ${crashes.length} crashes within their bound, ${withinCap} within ${n(cap)} (window plus ${PUMP_MAX_PENDING_ACKS} pending batches, the most a lost ack can cost); ${polls.length} ack polls (${ackPollsPerSecond.toFixed(1)}/s)`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  return `resent ${n(Math.round(finalDuplicated / crashes.length))} records per crash on average (bound per crash: window ${n(DRILL_WINDOW * batchRecords)} + pending batches), ${withinBound} of 10 within it, ${withinCap} within ${n(cap)} (window plus ${PUMP_MAX_PENDING_ACKS} pending batches); ${polledAfterRestart} of ${storedIds} stored ack ids polled by the restarted worker, ${trueAfterRestart} indexed, ${reportedBeforeCrash} lost at the crash, ${unackedResent} of their batches resent`;
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
    records: ACK_DRILL_RECORDS,
    isAck: true,
    // Splunk forgets an ack once reported: a worker killed between the poll and the commit
    // leaves batches whose acks never come again, resent after the ack timeout. The default
    // timeout (5 minutes) would make the drill wait that long for each of them.
    workerEnv: { HEC_ACK_TIMEOUT_MS: String(ACK_DRILL_TIMEOUT_MS) },
    run: killTenTimesWithAcks,
    report: reportAckCrashes,
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
  let duplicated = 0;
  // Takes the envelopes over without clear(): that would also forget the ack ids the
  // worker has yet to poll (and restart their numbering), so no batch would ever be
  // acknowledged and every one would wait for the ack timeout.
  const tally = (r: THecReceiver) => {
    for (const envelope of r.takeReceived()) {
      const key = keyOf(envelope);
      if (key === undefined) continue;
      const count = seen.get(key) ?? 0;
      if (count > 0) duplicated++;
      seen.set(key, count + 1);
    }
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
      delivered: () => {
        tally(receiver);
        return seen.size;
      },
      duplicated: () => {
        tally(receiver);
        return duplicated;
      },
      copiesOf: (id) => {
        tally(receiver);
        return seen.get(`|${id}`) ?? 0;
      },
      integrationIds: integrations.map((integration) => integration.id),
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
    const report = drill.report ? `; ${await drill.report(ctx)}` : "";
    let lost = 0;
    for (const index of indexes.length > 0 ? indexes : [""]) {
      for (let i = 0; i < drill.records; i++) if (!seen.has(`${index}|${i}`)) lost++;
    }
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
      note: note + report + workerNote,
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
  const environment = await startBenchEnvironment({ HEC_BATCH_MAX_BYTES: String(DRILL_BATCH_MAX_BYTES) });
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
