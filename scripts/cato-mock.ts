/**
 * `npm run cato:mock`: a stand-in for Cato's API (eventsFeed and auditFeed) for demos and
 * tests. It holds a backlog of simulated events and audit records, adds a few every second,
 * and can answer with Cato's faults. Options come from the command line only.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { sampleAuditRecords, startCatoMock } from "@/lib/cato/mock-server";
import { createSimulator } from "@/lib/simulator/generator";

const USAGE = `Usage: npm run cato:mock -- [options]

  --port N              port to listen on (default 8089)
  --account-id ID       the Cato account ID it serves (default 12345)
  --api-key KEY         the API key it accepts (default: a random one, printed)
  --backlog N           events waiting at start (default 10000)
  --rate N              events added a second (default 5)
  --rate-limit-every N  every Nth call answers Cato's rate-limit reply
  --server-error-every N  every Nth call answers HTTP 503
  --slow-ms N           each reply waits N ms
  --no-limits           do not enforce Cato's 100 eventsFeed / 5 auditFeed calls a minute
  --help                this text
`;

function whole(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a whole number, not ${value}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "account-id": { type: "string" },
      "api-key": { type: "string" },
      backlog: { type: "string" },
      rate: { type: "string" },
      "rate-limit-every": { type: "string" },
      "server-error-every": { type: "string" },
      "slow-ms": { type: "string" },
      "no-limits": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const accountId = values["account-id"] ?? "12345";
  const apiKey = values["api-key"] ?? randomBytes(24).toString("base64url");
  const mock = await startCatoMock({
    apiKey,
    accountId,
    port: whole(values.port, "port", 8089),
    isLimited: !values["no-limits"],
  });
  mock.setFaults({
    rateLimitEvery: whole(values["rate-limit-every"], "rate-limit-every", 0) || undefined,
    serverErrorEvery: whole(values["server-error-every"], "server-error-every", 0) || undefined,
    slowMs: whole(values["slow-ms"], "slow-ms", 0) || undefined,
  });
  const simulator = createSimulator({ seed: 1 });
  const now = Date.now();
  const backlog = whole(values.backlog, "backlog", 10_000);
  for (let done = 0; done < backlog; done += 1000) {
    const count = Math.min(1000, backlog - done);
    // The backlog spreads over the last hour, oldest first.
    const at = now - 3_600_000 + Math.round((done / Math.max(1, backlog)) * 3_600_000);
    mock.addEvents(simulator.generate({ nowMs: at, eventCount: count, flowCount: 0 }).events);
  }
  mock.addAudit(sampleAuditRecords(20, now - 600_000, accountId));
  const rate = whole(values.rate, "rate", 5);
  setInterval(() => {
    if (rate > 0) mock.addEvents(simulator.generate({ nowMs: Date.now(), eventCount: rate, flowCount: 0 }).events);
  }, 1000);

  process.stdout.write(
    [
      `Cato API stand-in on ${mock.url}`,
      `  Account ID: ${accountId}`,
      `  API key:    ${apiKey}`,
      `Start the console with CATO_API_URL=${mock.url} and connect the account under Administration > Cato Account.`,
      "",
    ].join("\n"),
  );
  const stop = () => void mock.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
