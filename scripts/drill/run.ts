/**
 * `npm run drill`: fault drills. Each delivers a known set of records (every record has
 * a unique id) to the HEC receiver through a real worker process while something goes
 * wrong, then checks at the receiver that every record arrived at least once and counts
 * duplicates. Prints a table and writes it into docs/benchmarks.md.
 * `npm run drill -- <name> [<name>…]` runs some; `--seconds N` shortens the 60 s faults.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { format } from "prettier";
import { disconnectDb } from "@/lib/db";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { startHecReceiver, type THecReceiver } from "@/lib/hec-receiver/receiver";
import { createIntegration, findIntegration } from "@/lib/integrations/service";
import {
  startBenchEnvironment,
  startWorker,
  stopWorker,
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
  records: number;
  /** The receiver acknowledges indexing and the integration waits for it (indexerAck). */
  isAck?: boolean;
  /** Worker settings of this drill. */
  workerEnv?: Record<string, string>;
  run(ctx: TDrillContext): Promise<string>;
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
    run: async (ctx) => `${await killTenTimes(ctx)}; window of 4, batches resent once unacknowledged`,
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
];

async function runDrill(drill: TDrill, environment: TBenchEnvironment, faultSeconds: number): Promise<TDrillResult> {
  const redis = new Redis(environment.redisUrl, { maxRetriesPerRequest: null });
  redis.on("error", () => undefined);
  await redis.flushdb();
  const ackEnabled = drill.isAck ?? false;
  let receiver = await startHecReceiver({ certificate: environment.certificate, ackEnabled });
  const port = receiver.port;
  const token = receiver.token;
  const seen = new Map<string, number>();
  const tally = (r: THecReceiver) => {
    for (const envelope of r.received()) {
      // Only the drill's records: an integration's own error events are delivered too.
      const id = (envelope.event as Record<string, string>).id;
      if (id !== undefined) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    r.clear();
  };
  let worker: ChildProcess | null = null;
  try {
    const integration = await createIntegration(
      {
        name: `Drill ${drill.name} ${Date.now()}`,
        ingestionUrl: receiver.url,
        apiKey: token,
        indexerAck: ackEnabled,
      },
      SYSTEM_CALLER,
    );
    for (let start = 0; start < drill.records; start += 5000) {
      const records = Array.from({ length: Math.min(5000, drill.records - start) }, (_, i) =>
        toNewRecord("events", {
          event_type: "Security",
          event_sub_type: "IPS",
          time: String(1764368000000 + start + i),
          id: String(start + i),
          pad: "x".repeat(1200),
        }),
      );
      await appendRecords(redis, "events", records, 0);
    }
    worker = startWorker({ ...environment.env, ...drill.workerEnv });
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
        receiver = await startHecReceiver({ certificate: environment.certificate, port, tokens: [token], ackEnabled });
      },
      delivered: () => seen.size + new Set(receiver.received().map((e) => (e.event as Record<string, string>).id)).size,
    };
    const note = await drill.run(ctx);
    const faultCleared = Date.now();
    await waitUntil(
      () => {
        tally(receiver);
        return seen.size >= drill.records;
      },
      300_000,
      `every record of the ${drill.name} drill`,
    );
    const recoverySeconds = (Date.now() - faultCleared) / 1000;
    await waitUntil(
      async () => (await findIntegration(integration.id)).delivery.events?.lag?.records === 0,
      60_000,
      "the marker at the head",
    );
    tally(receiver);
    let lost = 0;
    for (let i = 0; i < drill.records; i++) if (!seen.has(String(i))) lost++;
    const duplicated = [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
    return {
      name: drill.title,
      expected: drill.records,
      delivered: seen.size,
      lost,
      duplicated,
      recoverySeconds,
      note,
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
  process.exit(lost === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
