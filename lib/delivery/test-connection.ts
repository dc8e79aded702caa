import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import tls from "node:tls";
import { gzip as gzipCallback } from "node:zlib";
import { buildEnvelope, TEST_SOURCETYPE } from "@/lib/hec/envelope";
import { HEC_HOST, HEC_SOURCE } from "@/lib/hec/metadata";
import { classifyReply } from "@/lib/hec/replies";
import { DestinationError, describeNetworkError, postToHec, requestHec } from "@/lib/hec/sender";
import { hecEventUrl } from "@/lib/integrations/ingestion-url";
import { createGuardedLookup } from "@/lib/security/url-guard";

const gzip = promisify(gzipCallback);

export type TTestStep = { name: string; status: "passed" | "failed" | "skipped"; detail: string };
export type TTestResult = { ok: boolean; steps: TTestStep[] };
export type TTestTarget = {
  ingestionUrl: string;
  token: string;
  index: string | null;
  indexerAck?: boolean;
  /** The integration's host and source (defaults cato-sase, cato_networks): the test event lands beside its data. */
  hecHost?: string;
  hecSource?: string;
};
export type TTestOptions = { sendTestEvent: boolean; allowPrivateNetworks: boolean; timeoutMs: number };

function resolveGuarded(hostname: string, allowPrivateNetworks: boolean): Promise<string> {
  const lookup = createGuardedLookup({ allowPrivateNetworks });
  return new Promise((resolve, reject) => {
    lookup(hostname.replace(/^\[|\]$/g, ""), { all: true }, (error, addresses) => {
      if (error) return reject(error);
      const list = Array.isArray(addresses) ? addresses.map((a) => a.address) : [String(addresses)];
      resolve(list.join(", "));
    });
  });
}

function checkTls(url: URL, options: TTestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port),
      servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname,
      lookup: createGuardedLookup({ allowPrivateNetworks: options.allowPrivateNetworks }),
      timeout: options.timeoutMs,
    });
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      const issuer = typeof cert.issuer?.CN === "string" ? cert.issuer.CN : "an unnamed issuer";
      socket.end();
      resolve(`The certificate was verified (issued by ${issuer}, valid until ${cert.valid_to}).`);
    });
    socket.once("timeout", () => socket.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    socket.once("error", (error: NodeJS.ErrnoException) => reject(describeNetworkError(error)));
  });
}

/** Whether the token uses indexer acknowledgment, and the setting that matches it. */
export function describeAck(isTokenUsingAck: boolean, isIndexerAckOn: boolean | undefined): string {
  if (isTokenUsingAck) {
    return isIndexerAckOn === true
      ? "The token uses indexer acknowledgment, and so does this integration."
      : "The token uses indexer acknowledgment: turn on Use indexer acknowledgment so data counts as delivered only once Splunk has indexed it.";
  }
  return isIndexerAckOn === true
    ? "The token does not use indexer acknowledgment: turn off Use indexer acknowledgment (Splunk's HTTP 200 counts as delivery either way)."
    : "The token does not use indexer acknowledgment, and neither does this integration.";
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Checks a destination step by step without saving anything: the address, TLS, HEC's
 * health endpoint, and (only when asked) the API key and index with one test event. The
 * event goes where the integration's data goes (its index, host and source) so it can be
 * searched for there, with sourcetype cato:test so it stays out of whatever is bound to
 * the data's own sourcetypes. Each step says in plain words what it found.
 */
export async function testConnection(target: TTestTarget, options: TTestOptions): Promise<TTestResult> {
  const url = new URL(target.ingestionUrl);
  const steps: TTestStep[] = [];
  const skipRest = (from: string[]) => {
    for (const name of from) steps.push({ name, status: "skipped", detail: "Skipped: an earlier step failed." });
  };
  const names = ["Address", "TLS", "HEC health", "API key and index"];

  try {
    const addresses = await resolveGuarded(url.hostname, options.allowPrivateNetworks);
    steps.push({
      name: names[0]!,
      status: "passed",
      detail: `${url.hostname} resolves to ${addresses}, an allowed address.`,
    });
  } catch (error) {
    steps.push({ name: names[0]!, status: "failed", detail: reasonOf(error) });
    skipRest(names.slice(1));
    return { ok: false, steps };
  }

  if (url.protocol === "https:") {
    try {
      steps.push({ name: names[1]!, status: "passed", detail: await checkTls(url, options) });
    } catch (error) {
      steps.push({ name: names[1]!, status: "failed", detail: reasonOf(error) });
      skipRest(names.slice(2));
      return { ok: false, steps };
    }
  } else {
    steps.push({ name: names[1]!, status: "skipped", detail: "Plain http:// was allowed by the operator: no TLS." });
  }

  const sendOptions = { timeoutMs: options.timeoutMs, allowPrivateNetworks: options.allowPrivateNetworks };
  try {
    const health = await requestHec("GET", `${target.ingestionUrl}/services/collector/health`, null, sendOptions);
    const verdict = classifyReply(health.status, health.body.replace(/"code"\s*:\s*17/, '"code":0'));
    if (verdict.kind === "accepted") {
      steps.push({ name: names[2]!, status: "passed", detail: "HEC answered that it is healthy." });
    } else {
      steps.push({
        name: names[2]!,
        status: "failed",
        detail: "reason" in verdict ? verdict.reason : `HTTP ${health.status}`,
      });
      skipRest(names.slice(3));
      return { ok: false, steps };
    }
  } catch (error) {
    steps.push({ name: names[2]!, status: "failed", detail: reasonOf(error) });
    skipRest(names.slice(3));
    return { ok: false, steps };
  }

  if (!options.sendTestEvent) {
    steps.push({
      name: names[3]!,
      status: "skipped",
      detail:
        "Not checked: send a test event to check the API key and index (it appears in Splunk with the integration's index, host and source, and sourcetype cato:test).",
    });
    return { ok: true, steps };
  }
  const now = Date.now();
  const record = JSON.stringify({
    event_type: "System",
    event_sub_type: "Integration Test",
    time: String(now),
    event_message: "Test event from the SASE console's Splunk integration",
  });
  const host = target.hecHost ?? HEC_HOST;
  const hecSource = target.hecSource ?? HEC_SOURCE;
  const envelope = buildEnvelope(record, {
    source: "events",
    index: target.index,
    host,
    hecSource,
    sourcetype: TEST_SOURCETYPE,
    maxEventBytes: 1_000_000,
  });
  try {
    // On a data channel, as delivery sends: a token with indexer acknowledgment refuses requests without one.
    const reply = await postToHec(hecEventUrl(target.ingestionUrl), target.token, await gzip(envelope), sendOptions, {
      "content-encoding": "gzip",
      "x-splunk-request-channel": randomUUID(),
    });
    const verdict = classifyReply(reply.status, reply.body, reply.retryAfter);
    if (verdict.kind === "accepted") {
      const where = target.index ? `index ${target.index}` : "the token's default index";
      steps.push({
        name: names[3]!,
        status: "passed",
        detail: `Splunk accepted a test event into ${where} (host ${host}, source ${hecSource}, sourcetype ${TEST_SOURCETYPE}). ${describeAck(/"ackId"\s*:\s*\d+/.test(reply.body), target.indexerAck)}`,
      });
      return { ok: true, steps };
    }
    steps.push({
      name: names[3]!,
      status: "failed",
      detail: "reason" in verdict ? verdict.reason : `HTTP ${reply.status}`,
    });
  } catch (error) {
    steps.push({
      name: names[3]!,
      status: "failed",
      detail: error instanceof DestinationError ? error.message : reasonOf(error),
    });
  }
  return { ok: false, steps };
}
