/**
 * A peer sender: Splunk's own JavaScript logger (npm splunk-logging), given the same
 * records and the same batch size as the product, into the same receiver. Run as its
 * own process: node --import tsx scripts/bench/peer-splunk-logging.ts <url> <token> <ndjson file> <batch bytes>
 * It verifies the receiver's certificate (strictSSL), as the product does.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

type TLogger = {
  send(payload: { message: unknown; metadata?: Record<string, string> }, callback?: (error: unknown) => void): void;
  flush(callback?: (error: unknown) => void): void;
  error: (error: unknown) => void;
};

const require = createRequire(import.meta.url);
const { Logger } = require("splunk-logging") as { Logger: new (config: Record<string, unknown>) => TLogger };

const [url, token, file, batchBytes] = process.argv.slice(2) as [string, string, string, string];
const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
const logger = new Logger({ token, url, maxBatchSize: Number(batchBytes), maxBatchCount: 5000, batchInterval: 0 });
// The logger only reports errors through this hook; a failed batch is otherwise dropped.
logger.error = (error) => process.stderr.write(`splunk-logging error: ${String(error)}\n`);
(logger as unknown as { requestOptions: Record<string, unknown> }).requestOptions.strictSSL = true;

// Records parsed before the clock starts: reading them is the benchmark's work, not the logger's.
const messages = lines.map((line) => JSON.parse(line) as unknown);
process.stdout.write("ready\n");
for (const message of messages) {
  logger.send({
    message,
    metadata: { sourcetype: "cato:events", source: "cato_networks", host: "cato-sase" },
  });
}
logger.flush();
