import http from "node:http";
import https from "node:https";
import { checkDestinationHost, createGuardedLookup } from "@/lib/security/url-guard";

/**
 * Posts gzip-compressed batches to a HEC endpoint over one keep-alive connection pool
 * per destination. Certificates are always verified (NODE_EXTRA_CA_CERTS adds a CA);
 * the host is resolved through the destination guard, and the socket connects to the
 * very address that was checked. Redirects are not followed: a 3xx is an answer.
 */
export type TSendOptions = { timeoutMs: number; allowPrivateNetworks: boolean };
export type THecResponse = { status: number; body: string; retryAfter: string | null; durationMs: number };

export class DestinationError extends Error {
  override name = "DestinationError";
  constructor(
    message: string,
    /** True when retrying cannot help until someone changes something (certificate, address). */
    readonly needsAdmin: boolean,
  ) {
    super(message);
  }
}

const MAX_REPLY_BYTES = 64 * 1024;
const agents = new Map<string, http.Agent>();

function agentFor(url: URL, allowPrivateNetworks: boolean): http.Agent {
  const key = `${url.protocol}//${url.host}|${allowPrivateNetworks}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 8, lookup: createGuardedLookup({ allowPrivateNetworks }) };
    agent = url.protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|HOSTNAME|ALTNAME/;

/** Plain words for what went wrong below HTTP. */
export function describeNetworkError(error: NodeJS.ErrnoException): DestinationError {
  const code = error.code ?? "";
  if (code === "EDESTINATIONREFUSED") return new DestinationError(error.message, true);
  if (TLS_CODES.test(code) || TLS_CODES.test(error.message)) {
    return new DestinationError(`The destination's TLS certificate was not accepted (${code || error.message})`, true);
  }
  const words: Record<string, string> = {
    ENOTFOUND: "The Ingestion URL's host name does not resolve",
    EAI_AGAIN: "The Ingestion URL's host name could not be resolved right now",
    ECONNREFUSED: "The destination refused the connection",
    ECONNRESET: "The destination closed the connection",
    EPIPE: "The destination closed the connection",
    ETIMEDOUT: "The connection to the destination timed out",
    EHOSTUNREACH: "The destination is unreachable",
    ENETUNREACH: "The destination's network is unreachable",
    ESOCKETTIMEDOUT: "The destination did not answer in time",
  };
  return new DestinationError(`${words[code] ?? `Sending failed: ${error.message}`}${code ? ` (${code})` : ""}`, false);
}

export function postToHec(
  endpoint: string,
  token: string,
  body: Buffer,
  options: TSendOptions,
  headers: Record<string, string> = { "content-encoding": "gzip" },
): Promise<THecResponse> {
  return requestHec("POST", endpoint, token, options, body, headers);
}

export function requestHec(
  method: "GET" | "POST",
  endpoint: string,
  token: string | null,
  options: TSendOptions,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<THecResponse> {
  const url = new URL(endpoint);
  const client = url.protocol === "https:" ? https : http;
  const started = performance.now();
  // Node never calls `lookup` for a literal IP, so the guard checks the host itself too.
  const verdict = checkDestinationHost(url.hostname, { allowPrivateNetworks: options.allowPrivateNetworks });
  if (!verdict.ok) return Promise.reject(new DestinationError(`Refused to send: ${verdict.reason}`, true));
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method,
        agent: agentFor(url, options.allowPrivateNetworks),
        headers: {
          ...(token ? { authorization: `Splunk ${token}` } : {}),
          ...(body ? { "content-type": "application/json", "content-length": String(body.length) } : {}),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < MAX_REPLY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, MAX_REPLY_BYTES).toString("utf8"),
            retryAfter: (response.headers["retry-after"] as string | undefined) ?? null,
            durationMs: performance.now() - started,
          }),
        );
        response.on("error", (error) => reject(describeNetworkError(error)));
      },
    );
    request.setTimeout(options.timeoutMs, () => {
      request.destroy(Object.assign(new Error("timed out"), { code: "ESOCKETTIMEDOUT" }));
    });
    request.on("error", (error: NodeJS.ErrnoException) => reject(describeNetworkError(error)));
    request.end(body);
  });
}

/** Closes pooled connections (worker shutdown, tests). */
export function closeHecConnections(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}
