/** Builds the wire sender's batches from simulator records, exactly as the pump would, and runs it. */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { TFeedEntry } from "@/lib/feeds/feed-store";
import { buildBatch } from "@/lib/hec/batch";
import { startHecReceiver } from "@/lib/hec-receiver/receiver";
import { createSimulator } from "@/lib/simulator/generator";
import { readyLine, timeDelivery, type TBenchEnvironment } from "./environment";
import { throughputOf, type TThroughput } from "./delivery";

export async function benchWire(
  environment: TBenchEnvironment,
  records: number,
  batchMaxBytes: number,
): Promise<TThroughput> {
  const simulator = createSimulator({ seed: 1, largeRawDataEvery: 0 });
  const entries: TFeedEntry[] = [];
  let jsonBytes = 0;
  for (let done = 0; done < records; done += 5000) {
    const { events } = simulator.generate({
      nowMs: 1764368000000 + done,
      eventCount: Math.min(5000, records - done),
      flowCount: 0,
    });
    for (const record of events) {
      const json = JSON.stringify(record);
      jsonBytes += json.length;
      entries.push({
        marker: `1-${entries.length + 1}`,
        seq: entries.length + 1,
        json,
        eventType: record.event_type!,
        eventSubType: record.event_sub_type ?? "",
      });
    }
  }
  const parts: Buffer[] = [];
  for (let i = 0; i < entries.length;) {
    const batch = buildBatch(
      entries.slice(i, i + 5000),
      { source: "events", index: null, maxEventBytes: 5_000_000 },
      { maxBytes: batchMaxBytes, maxRecords: 5000 },
    );
    const body = gzipSync(batch.body, { level: 1 });
    const size = Buffer.alloc(4);
    size.writeUInt32BE(body.length);
    parts.push(size, body);
    i += batch.consumed;
  }
  const file = join(environment.dir, "wire-batches.bin");
  writeFileSync(file, Buffer.concat(parts));

  const receiver = await startHecReceiver({ certificate: environment.certificate, storeEvents: false });
  try {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/bench/wire-sender.ts", receiver.url, receiver.token, file, "1"],
      {
        env: environment.env as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const timed = await timeDelivery(readyLine(child), () => receiver.count(), records, child.pid, "the wire sender");
    await exited;
    return throughputOf(timed, records, jsonBytes);
  } finally {
    await receiver.stop();
  }
}
