/** Runs the splunk-logging peer sender on the same simulator records, into a fresh receiver. */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHecReceiver } from "@/lib/hec-receiver/receiver";
import { createSimulator } from "@/lib/simulator/generator";
import { throughputOf, type TThroughput } from "./delivery";
import { readyLine, timeDelivery, type TBenchEnvironment } from "./environment";

export async function benchSplunkLogging(
  environment: TBenchEnvironment,
  records: number,
  batchBytes: number,
): Promise<TThroughput> {
  const simulator = createSimulator({ seed: 1, largeRawDataEvery: 0 });
  const lines: string[] = [];
  let bytes = 0;
  for (let done = 0; done < records; done += 5000) {
    const { events } = simulator.generate({
      nowMs: 1764368000000 + done,
      eventCount: Math.min(5000, records - done),
      flowCount: 0,
    });
    for (const event of events) {
      const line = JSON.stringify(event);
      bytes += line.length;
      lines.push(line);
    }
  }
  const file = join(environment.dir, "peer-records.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const receiver = await startHecReceiver({ certificate: environment.certificate, storeEvents: false });
  try {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/bench/peer-splunk-logging.ts",
        receiver.url,
        receiver.token,
        file,
        String(batchBytes),
      ],
      { env: environment.env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      // It may exit before its last requests are answered; they still land.
      const timed = await timeDelivery(readyLine(child), () => receiver.count(), records, child.pid, "splunk-logging");
      return throughputOf(timed, records, bytes);
    } finally {
      child.kill("SIGKILL");
    }
  } finally {
    await receiver.stop();
  }
}
