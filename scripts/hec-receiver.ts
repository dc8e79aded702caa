/**
 * `npm run hec:receiver`: a local Splunk HTTP Event Collector for demos, so the console
 * has somewhere to send without a Splunk. Options come from the command line only.
 */
import { parseArgs } from "node:util";
import { loadLoopbackCertificate } from "@/lib/hec-receiver/certificate";
import { startHecReceiver } from "@/lib/hec-receiver/receiver";

const USAGE = `Usage: npm run hec:receiver -- [options]

  --http             plain HTTP instead of HTTPS
  --port N           port to listen on (default 8088, Splunk's)
  --token T          token to accept (default: a random GUID); repeat for several
  --index a,b        indexes the token may write to (default main,cato)
  --cert-dir DIR     keep the CA and certificate in DIR and reuse them on the next run,
                     so a console started with NODE_EXTRA_CA_CERTS keeps trusting it
  --ack              indexer acknowledgment: a data channel is required, replies carry
                     an ackId, and /services/collector/ack answers
  --never-indexed R  with --ack, the share of batches (0 to 1) received but never
                     indexed: their ackId never turns true (default 0)
  --help             this text
`;
const REPORT_EVERY_MS = 5_000;

class UsageError extends Error {
  override name = "UsageError";
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port must be between 1 and 65535, not ${value}`);
  return port;
}

function parseIndexes(value: string): string[] {
  const indexes = value
    .split(",")
    .map((index) => index.trim())
    .filter((index) => index !== "");
  if (indexes.length === 0) throw new UsageError("--index needs at least one index name");
  return indexes;
}

function parseRatio(value: string): number {
  const ratio = Number(value);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new UsageError(`--never-indexed must be a number from 0 to 1, not ${value}`);
  return ratio;
}

function readOptions() {
  try {
    return parseArgs({
      options: {
        http: { type: "boolean", default: false },
        port: { type: "string", default: "8088" },
        token: { type: "string", multiple: true },
        index: { type: "string" },
        "cert-dir": { type: "string" },
        ack: { type: "boolean", default: false },
        "never-indexed": { type: "string", default: "0" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const values = readOptions();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const certDir = values["cert-dir"];
  const neverIndexedRatio = parseRatio(values["never-indexed"]);
  if (neverIndexedRatio > 0 && !values.ack) throw new UsageError("--never-indexed needs --ack");
  const receiver = await startHecReceiver({
    tls: !values.http,
    port: parsePort(values.port),
    tokens: values.token,
    indexes: values.index === undefined ? undefined : parseIndexes(values.index),
    ackEnabled: values.ack,
    neverIndexedRatio,
    certificate: !values.http && certDir ? await loadLoopbackCertificate(certDir) : undefined,
    // A demo can run for hours: count events rather than keep them all in memory.
    storeEvents: false,
  });

  const lines = [`Splunk HEC receiver listening at ${receiver.url}`, `Token: ${receiver.token}`];
  if (values.ack) lines.push(`Indexer acknowledgment on; never indexed: ${neverIndexedRatio * 100}% of batches`);
  if (receiver.caCertPath) {
    lines.push(
      `CA certificate: ${receiver.caCertPath}`,
      `Trust it with NODE_EXTRA_CA_CERTS=${receiver.caCertPath} and allow private networks with HEC_ALLOW_PRIVATE_NETWORKS=true for the console to send to it`,
    );
  } else {
    lines.push("Allow private networks with HEC_ALLOW_PRIVATE_NETWORKS=true for the console to send to it");
  }
  lines.push("Ctrl-C stops it.");
  process.stdout.write(`${lines.join("\n")}\n`);

  // Reports when something arrived, failed requests included, so a misconfigured sender shows up too.
  let reportedCount = 0;
  let reportedAt = 0;
  const report = setInterval(() => {
    const count = receiver.count();
    const last = receiver.requests().at(-1);
    if (!last || last.at === reportedAt) return;
    const reply = `last reply HTTP ${last.status}${last.code === null ? "" : ` code ${last.code}`}`;
    process.stdout.write(
      `${new Date().toISOString()} accepted ${count.toLocaleString("en-US")} events (+${(count - reportedCount).toLocaleString("en-US")}), ${reply}\n`,
    );
    reportedCount = count;
    reportedAt = last.at;
  }, REPORT_EVERY_MS);

  let isStopping = false;
  const stop = () => {
    if (isStopping) return;
    isStopping = true;
    clearInterval(report);
    void receiver.stop().then(() => {
      process.stdout.write(`Stopped after accepting ${receiver.count().toLocaleString("en-US")} events.\n`);
      process.exit(0);
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(error instanceof UsageError ? `${message}\n\n${USAGE}` : `${message}\n`);
  process.exit(1);
});
