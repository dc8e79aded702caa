/**
 * The Cato benchmark's stand-in for Cato's API, in a process of its own (Cato is a remote
 * server: its JSON and gzip work must not share the poller's core). Holds `--events`
 * simulator events without big raw_data, keeps each full page's reply once built, and
 * prints one JSON line (its URL and the records' average size) once it listens.
 */
import { parseArgs } from "node:util";
import { startCatoMock } from "@/lib/cato/mock-server";
import { createSimulator } from "@/lib/simulator/generator";

async function main() {
  const { values } = parseArgs({
    options: {
      events: { type: "string" },
      "api-key": { type: "string" },
      "account-id": { type: "string" },
    },
  });
  const total = Number(values.events);
  if (!Number.isInteger(total) || total <= 0) throw new Error("--events must be a whole number above 0");
  if (!values["api-key"] || !values["account-id"]) throw new Error("--api-key and --account-id are required");
  const mock = await startCatoMock({
    apiKey: values["api-key"],
    accountId: values["account-id"],
    isLimited: false,
    isPageCached: true,
  });
  const simulator = createSimulator({ seed: 5, largeRawDataEvery: 0 });
  for (let done = 0; done < total; done += 5000) {
    const count = Math.min(5000, total - done);
    mock.addEvents(simulator.generate({ nowMs: 1764368000000 + done, eventCount: count, flowCount: 0 }).events);
  }
  const jsonBytes = mock.events().reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r.fieldsMap)), 0);
  process.stdout.write(`${JSON.stringify({ url: mock.url, jsonBytes })}\n`);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
