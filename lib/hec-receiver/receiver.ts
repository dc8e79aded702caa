import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { createLoopbackCertificate, type TLoopbackCertificate } from "./certificate";
import {
  buildReply,
  isValidChannel,
  parseAuthorization,
  parseEventBatch,
  parseRawBatch,
  type TBatchResult,
  type THecReply,
  type THecReplyName,
  type TRawMetadata,
} from "./protocol";

/**
 * A Splunk HTTP Event Collector of our own, for the test suite and local demos: the
 * same endpoints, authentication, batch semantics and reply codes as Splunk, plus
 * faults on demand (busy, unhealthy, proxies' HTML pages, resets...) so a sender's
 * handling of each can be tested.
 */

export type THecEnvelope = {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: unknown;
  fields?: Record<string, unknown>;
};

export type TReceiverFault =
  | { kind: "none" }
  /** 503 code 9 "Server is busy" to every request. */
  | { kind: "busy" }
  /** 503 code 9 to that fraction of requests, deterministically (0.5: every other request). */
  | { kind: "busy-ratio"; ratio: number }
  /** 503 code 9 to the requests of those numbers only, counting from 1 when the fault is set. */
  | { kind: "busy-at"; requests: number[] }
  /** 503 code 9 to the first request whose (decompressed) body contains `text`; then normal answers. */
  | { kind: "busy-once-containing"; text: string }
  /**
   * Holds the first request whose (decompressed) body contains `text` for `delayMs` before
   * handling it (and, with acknowledgement, numbering it); requests arriving meanwhile are
   * handled at once, so they can get lower ack ids, as Splunk numbers requests in the
   * order it handles them, not the order they were sent.
   */
  | { kind: "slow-once-containing"; text: string; delayMs: number }
  /** 503 code 18, queues full. */
  | { kind: "unhealthy" }
  /** 500 code 8. */
  | { kind: "internal" }
  /** 403 code 4 "Invalid token", whatever token is sent. */
  | { kind: "invalid-token" }
  /** 403 code 1. */
  | { kind: "token-disabled" }
  /** 400 code 7 for any request. */
  | { kind: "incorrect-index" }
  /** Answers normally after a delay. */
  | { kind: "slow"; delayMs: number }
  /** A proxy's HTML page with that status (502, 404...). */
  | { kind: "html"; status: number }
  /** 429 with Retry-After. */
  | { kind: "rate-limited"; retryAfterSeconds: number }
  /** Destroys the socket without answering. */
  | { kind: "reset" };

export type THecReceiverOptions = {
  /** 0 = any free port (default 0). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default true: HTTPS with a certificate for 127.0.0.1/::1/localhost signed by a CA of its own. */
  tls?: boolean;
  /** The CA and server certificate to use; default one generated once per process, so a restarted receiver keeps its CA. */
  certificate?: TLoopbackCertificate;
  /** Accepted tokens (default: one random GUID). */
  tokens?: string[];
  /** Indexes the tokens may write to (default ["main", "cato"]); an envelope without an index goes to the token's default. */
  indexes?: string[];
  /** Request body limit in bytes as sent (compressed when gzip), like Splunk's max_content_length -> 413. Default 800 MB. */
  maxContentLength?: number;
  /** Indexer acknowledgement (default false): a channel is required, replies carry an `ackId`, /ack answers. */
  ackEnabled?: boolean;
  /**
   * With acknowledgement, the share of accepted batches (0 to 1, deterministic: 0.1 is
   * every tenth) that are "received but never indexed": 200 and an `ackId` that never
   * turns true, and their envelopes are not kept.
   */
  neverIndexedRatio?: number;
  /** Default true; false only counts accepted envelopes (benchmarks), `received()` then stays empty. */
  storeEvents?: boolean;
};

export type THecRequestRecord = {
  /** HTTP status answered; 0 when the socket was reset without an answer. */
  status: number;
  /** HEC code of the reply; null for a proxy's HTML page or a reset. */
  code: number | null;
  /** Request body bytes as sent (compressed when gzip). */
  bytes: number;
  /** Envelopes accepted from this request. */
  envelopes: number;
  /** X-Splunk-Request-Channel (or `channel` query parameter) sent; null without one. */
  channel: string | null;
  /** The ack id answered; null without acknowledgement. */
  ackId: number | null;
  /** The body came gzip-compressed (Content-Encoding: gzip); false before the request was read that far. */
  isGzip: boolean;
  at: number;
};

/** One ack poll answered with the acknowledgement states (HTTP 200). */
export type THecAckPollRecord = {
  channel: string;
  /** Ack ids asked about, in the order asked. */
  ackIds: number[];
  /** Of those, the ids reported true (indexed) by this poll. */
  trueIds: number[];
  at: number;
};

export type THecReceiver = {
  /** e.g. https://127.0.0.1:40123 */
  url: string;
  port: number;
  /** The first accepted token. */
  token: string;
  /** CA certificate to trust; null without TLS. */
  caCertPem: string | null;
  /** The same in a file, for NODE_EXTRA_CA_CERTS in child processes; null without TLS. */
  caCertPath: string | null;
  /** Every envelope accepted (and, with acknowledgement, indexed) so far, in order (empty when `storeEvents` is false). */
  received(): THecEnvelope[];
  /** Envelopes accepted so far, stored or not. */
  count(): number;
  /** Every request answered on the event and raw endpoints (the last 100,000 at least). */
  requests(): THecRequestRecord[];
  /** Requests on the event and raw endpoints received and not answered yet (in flight from the sender's side). */
  inProgress(): number;
  /**
   * The envelopes received since the last take (or clear), forgotten here; the count, the
   * request logs and the ack ids waiting to be polled stay, so a sender polling its acks
   * is not disturbed (unlike `clear`).
   */
  takeReceived(): THecEnvelope[];
  /** Every ack poll answered with the states (the last 100,000 at least). */
  ackPolls(): THecAckPollRecord[];
  /** Forgets received envelopes, the count, the request logs and the ack ids waiting to be polled. */
  clear(): void;
  setFault(fault: TReceiverFault): void;
  setMaxContentLength(bytes: number): void;
  /** Changes the share of batches received but never indexed (acknowledgement mode). */
  setNeverIndexedRatio(ratio: number): void;
  /** Ack ids answered and not yet reported true, per channel (never-indexed ones included). */
  pendingAcks(): number;
  /**
   * Closes the server and destroys every connection, keep-alive ones included, so the
   * port is free at once: a new receiver may listen on the same `port` right after
   * (Node binds with SO_REUSEADDR, so connections in TIME_WAIT don't hold the port).
   * As with a real server going down, a client that writes on a pooled connection
   * before noticing it closed gets ECONNRESET ("socket hang up") and must retry.
   */
  stop(): Promise<void>;
};

type TRoute = "event" | "raw" | "health" | "ack";

const ROUTES = new Map<string, TRoute>([
  ["/services/collector", "event"],
  ["/services/collector/event", "event"],
  ["/services/collector/event/1.0", "event"],
  ["/services/collector/raw", "raw"],
  ["/services/collector/raw/1.0", "raw"],
  ["/services/collector/health", "health"],
  ["/services/collector/health/1.0", "health"],
  ["/services/collector/ack", "ack"],
]);

const DEFAULT_MAX_CONTENT_LENGTH = 800 * 1024 * 1024;
const DEFAULT_INDEXES = ["main", "cato"];
// Splunk keeps idle connections far longer than Node's 5 s default; senders reuse one per destination.
const KEEP_ALIVE_TIMEOUT_MS = 60_000;
// After a 413 the rest of the body is read and dropped for a while, so the client gets
// the reply instead of a reset; a client that keeps sending is cut off.
const LINGER_MS = 2_000;
const MAX_REQUEST_LOG = 100_000;

const gunzipAsync = promisify(gunzip);

let sharedCertificate: Promise<TLoopbackCertificate> | undefined;

/** One certificate per process: a receiver restarted on the same port keeps the CA its clients trust. */
function loadSharedCertificate(): Promise<TLoopbackCertificate> {
  sharedCertificate ??= createLoopbackCertificate().catch((error: unknown) => {
    sharedCertificate = undefined;
    throw error;
  });
  return sharedCertificate;
}

type TBody =
  { kind: "complete"; data: Buffer; bytes: number } | { kind: "too-large"; bytes: number; isDeclared: boolean };

/** Reads the body up to `limit` bytes: the declared length first, then the bytes as they arrive (chunked uploads). */
function readBody(req: IncomingMessage, limit: number): Promise<TBody> {
  const declared = Number(req.headers["content-length"]);
  if (req.headers["content-length"] !== undefined && declared > limit) {
    return Promise.resolve({ kind: "too-large", bytes: declared, isDeclared: true });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        // Stop keeping the body; the stream stays flowing, so the rest is dropped.
        cleanUp();
        resolve({ kind: "too-large", bytes, isDeclared: false });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanUp();
      resolve({ kind: "complete", data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes), bytes });
    };
    const onAbort = () => {
      cleanUp();
      reject(new Error("The client went away before sending the whole body"));
    };
    const cleanUp = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onAbort);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onAbort);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=UTF-8",
    "Content-Length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

function sendHtml(res: ServerResponse, status: number): void {
  const title = `${status} ${STATUS_CODES[status] ?? "Error"}`;
  // What nginx in front of Splunk answers when the indexer is away or the path is wrong.
  const page = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  res.writeHead(status, { "Content-Type": "text/html", "Content-Length": Buffer.byteLength(page) });
  res.end(page);
}

function isGzip(encoding: string | undefined): boolean {
  return encoding !== undefined && /^\s*(x-)?gzip\s*$/i.test(encoding);
}

function readChannel(req: IncomingMessage, url: URL): string | null {
  const header = req.headers["x-splunk-request-channel"];
  const value = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("channel");
  return value === undefined || value === null || value === "" ? null : value;
}

function readRawMetadata(url: URL): TRawMetadata {
  const metadata: TRawMetadata = {};
  for (const key of ["host", "source", "sourcetype", "index"] as const) {
    const value = url.searchParams.get(key);
    if (value !== null && value !== "") metadata[key] = value;
  }
  return metadata;
}

export async function startHecReceiver(options: THecReceiverOptions = {}): Promise<THecReceiver> {
  const isTls = options.tls ?? true;
  const host = options.host ?? "127.0.0.1";
  const tokens = new Set(options.tokens && options.tokens.length > 0 ? options.tokens : [randomUUID()]);
  const indexes: ReadonlySet<string> = new Set(options.indexes ?? DEFAULT_INDEXES);
  const isAckEnabled = options.ackEnabled ?? false;
  const isStoringEvents = options.storeEvents ?? true;
  const certificate = isTls ? (options.certificate ?? (await loadSharedCertificate())) : null;

  let maxContentLength = options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  let fault: TReceiverFault = { kind: "none" };
  let busyCredit = 0;
  let requestsSinceFault = 0;
  let accepted = 0;
  let stored: THecEnvelope[] = [];
  let requestLog: THecRequestRecord[] = [];
  let ackPollLog: THecAckPollRecord[] = [];
  let inProgress = 0;
  let isStopped = false;
  let stopping: Promise<void> | undefined;
  const sockets = new Set<Socket>();
  const wakeSleepers = new Set<() => void>();
  // Ack ids are counted per channel, as Splunk does; an id is forgotten once reported true.
  const ackChannels = new Map<string, { nextAckId: number; pending: Set<number> }>();
  let neverIndexedRatio = options.neverIndexedRatio ?? 0;
  let neverIndexedCredit = 0;
  type TRequestMeta = { channel: string | null; ackId: number | null; isGzip: boolean };
  const NO_META: TRequestMeta = { channel: null, ackId: null, isGzip: false };

  function record(status: number, code: number | null, bytes: number, envelopes: number, meta = NO_META): void {
    requestLog.push({ status, code, bytes, envelopes, ...meta, at: Date.now() });
    if (requestLog.length > MAX_REQUEST_LOG * 1.1) requestLog = requestLog.slice(-MAX_REQUEST_LOG);
  }

  function answer(res: ServerResponse, reply: THecReply, bytes: number, envelopes = 0, meta = NO_META): void {
    record(reply.status, reply.body.code, bytes, envelopes, meta);
    sendJson(res, reply.status, reply.body);
  }

  /** Resolves after `ms`, or at once when the receiver stops. */
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakeSleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakeSleepers.add(wake);
    });
  }

  function replyTooLarge(req: IncomingMessage, res: ServerResponse, body: TBody & { kind: "too-large" }): void {
    const text = body.isDeclared
      ? `Content-Length of ${body.bytes} too large (maximum is ${maxContentLength})`
      : `Request body too large: more than ${maxContentLength} bytes received (maximum is ${maxContentLength})`;
    record(413, 413, body.bytes, 0);
    sendJson(res, 413, { text, code: 413 });
    if (req.complete) return;
    req.resume();
    const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
    req.once("end", () => clearTimeout(timer));
    req.once("close", () => clearTimeout(timer));
  }

  /** Query-string token, then the Authorization header (codes 16, 2, 3, 4). */
  function checkAuthorization(req: IncomingMessage, url: URL): THecReplyName | null {
    if (url.searchParams.has("token")) return "queryStringAuthorization";
    const authorization = parseAuthorization(req.headers.authorization);
    if (authorization.kind === "missing") return "tokenRequired";
    if (authorization.kind === "malformed") return "invalidAuthorization";
    return tokens.has(authorization.token) ? null : "invalidToken";
  }

  /** Answers for the current fault; false when the request goes on normally (after a delay for "slow"). */
  async function answerFault(req: IncomingMessage, res: ServerResponse, bytes: number): Promise<boolean> {
    const current = fault;
    switch (current.kind) {
      case "none":
      case "busy-once-containing":
      case "slow-once-containing":
        return false;
      case "slow":
        await sleep(current.delayMs);
        return isStopped;
      case "busy":
        answer(res, buildReply("serverBusy"), bytes);
        return true;
      case "busy-at":
        requestsSinceFault++;
        if (!current.requests.includes(requestsSinceFault)) return false;
        answer(res, buildReply("serverBusy"), bytes);
        return true;
      case "busy-ratio":
        busyCredit += current.ratio;
        if (busyCredit < 1 - 1e-9) return false;
        busyCredit -= 1;
        answer(res, buildReply("serverBusy"), bytes);
        return true;
      case "unhealthy":
        answer(res, buildReply("queuesFull"), bytes);
        return true;
      case "internal":
        answer(res, buildReply("internalError"), bytes);
        return true;
      case "invalid-token":
        answer(res, buildReply("invalidToken"), bytes);
        return true;
      case "token-disabled":
        answer(res, buildReply("tokenDisabled"), bytes);
        return true;
      case "incorrect-index":
        answer(res, buildReply("incorrectIndex"), bytes);
        return true;
      case "html":
        record(current.status, null, bytes, 0);
        sendHtml(res, current.status);
        return true;
      case "rate-limited":
        record(429, 429, bytes, 0);
        sendJson(
          res,
          429,
          { text: "Too many requests", code: 429 },
          { "Retry-After": String(current.retryAfterSeconds) },
        );
        return true;
      case "reset":
        record(0, null, bytes, 0);
        req.socket.destroy();
        return true;
    }
  }

  /** An ack id for a received batch; `isIndexed` false: it never turns true. */
  function issueAckId(channel: string, isIndexed: boolean): number {
    let state = ackChannels.get(channel);
    if (!state) {
      state = { nextAckId: 0, pending: new Set() };
      ackChannels.set(channel, state);
    }
    const ackId = state.nextAckId++;
    if (isIndexed) state.pending.add(ackId);
    return ackId;
  }

  function isNeverIndexed(): boolean {
    if (neverIndexedRatio <= 0) return false;
    neverIndexedCredit += neverIndexedRatio;
    if (neverIndexedCredit < 1 - 1e-9) return false;
    neverIndexedCredit -= 1;
    return true;
  }

  function keep(batch: TBatchResult): void {
    accepted += batch.accepted.length;
    if (!isStoringEvents) return;
    // A loop rather than push(...spread): batches can hold more envelopes than a call takes arguments.
    for (const envelope of batch.accepted) stored.push(envelope as THecEnvelope);
  }

  async function handleEvents(req: IncomingMessage, res: ServerResponse, url: URL, route: "event" | "raw") {
    if (fault.kind === "reset") {
      record(0, null, 0, 0);
      req.socket.destroy();
      return;
    }
    const body = await readBody(req, maxContentLength);
    if (body.kind === "too-large") return replyTooLarge(req, res, body);
    const { bytes } = body;

    const authFailure = checkAuthorization(req, url);
    if (authFailure) return answer(res, buildReply(authFailure), bytes);
    if (await answerFault(req, res, bytes)) return;

    const channel = readChannel(req, url);
    const meta: TRequestMeta = { channel, ackId: null, isGzip: isGzip(req.headers["content-encoding"]) };
    if (channel !== null && !isValidChannel(channel)) return answer(res, buildReply("invalidChannel"), bytes, 0, meta);
    // Raw data always needs a channel; JSON events only when acknowledgement is on.
    if (channel === null && (route === "raw" || isAckEnabled)) {
      return answer(res, buildReply("channelMissing"), bytes, 0, meta);
    }

    if (body.data.length === 0) return answer(res, buildReply("noData"), bytes, 0, meta);
    let data = body.data;
    if (meta.isGzip) {
      try {
        data = await gunzipAsync(data);
      } catch {
        return answer(res, buildReply("invalidDataFormat"), bytes, 0, meta);
      }
    }
    const text = data.toString("utf8");
    if (fault.kind === "slow-once-containing" && text.includes(fault.text)) {
      const { delayMs } = fault;
      fault = { kind: "none" };
      await sleep(delayMs);
      if (isStopped) return;
    }
    if (fault.kind === "busy-once-containing" && text.includes(fault.text)) {
      fault = { kind: "none" };
      return answer(res, buildReply("serverBusy"), bytes, 0, meta);
    }
    const batch = route === "raw" ? parseRawBatch(text, readRawMetadata(url), indexes) : parseEventBatch(text, indexes);
    let reply = batch.reply;
    if (reply.body.code === 0 && isAckEnabled && channel !== null) {
      // Received, and (unless it is one of the never-indexed share) indexed at once.
      const isIndexed = !isNeverIndexed();
      if (isIndexed) keep(batch);
      meta.ackId = issueAckId(channel, isIndexed);
      reply = buildReply("success", { ackId: meta.ackId });
    } else {
      keep(batch);
    }
    answer(res, reply, bytes, batch.accepted.length, meta);
  }

  async function handleAck(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = await readBody(req, maxContentLength);
    if (body.kind === "too-large") return replyTooLarge(req, res, body);
    const reply = (name: THecReplyName) => {
      const { status, body: replyBody } = buildReply(name);
      sendJson(res, status, replyBody);
    };
    const authFailure = checkAuthorization(req, url);
    if (authFailure) return reply(authFailure);
    if (!isAckEnabled) return reply("ackDisabled");
    const channel = readChannel(req, url);
    if (channel === null) return reply("channelMissing");
    if (!isValidChannel(channel)) return reply("invalidChannel");
    if (body.data.length === 0) return reply("noData");
    let query: unknown;
    try {
      query = JSON.parse(body.data.toString("utf8"));
    } catch {
      return reply("invalidDataFormat");
    }
    const ids = (query as { acks?: unknown } | null)?.acks;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id >= 0)) return reply("invalidDataFormat");
    const pending = ackChannels.get(channel)?.pending;
    const acks: Record<string, boolean> = {};
    const trueIds: number[] = [];
    for (const id of ids as number[]) {
      const isTrue = pending?.delete(id) ?? false;
      acks[String(id)] = isTrue;
      if (isTrue) trueIds.push(id);
    }
    ackPollLog.push({ channel, ackIds: ids as number[], trueIds, at: Date.now() });
    if (ackPollLog.length > MAX_REQUEST_LOG * 1.1) ackPollLog = ackPollLog.slice(-MAX_REQUEST_LOG);
    sendJson(res, 200, { acks });
  }

  function handleHealth(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "GET") return sendJson(res, 405, { text: "Method not allowed", code: 405 }, { Allow: "GET" });
    const { status, body } = buildReply(fault.kind === "unhealthy" || fault.kind === "busy" ? "queuesFull" : "healthy");
    sendJson(res, status, body);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://receiver");
    const route = ROUTES.get(url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname);
    if (!route) return sendJson(res, 404, { text: "The requested URL was not found on this server.", code: 404 });
    if (route === "health") return handleHealth(req, res);
    if (req.method !== "POST") return sendJson(res, 405, { text: "Method not allowed", code: 405 }, { Allow: "POST" });
    if (route === "ack") return handleAck(req, res, url);
    inProgress++;
    try {
      return await handleEvents(req, res, url, route);
    } finally {
      inProgress--;
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch(() => {
      // A client that went away mid-body needs no answer; anything else is our bug, answered as Splunk's 500.
      if (req.destroyed || res.headersSent) {
        req.socket.destroy();
        return;
      }
      const { status, body } = buildReply("internalError");
      sendJson(res, status, body);
    });
  };

  const server = certificate
    ? createHttpsServer({ key: certificate.keyPem, cert: certificate.certPem }, onRequest)
    : createHttpServer(onRequest);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;

  return {
    url: `${certificate ? "https" : "http"}://${urlHost}:${port}`,
    port,
    token: [...tokens][0]!,
    caCertPem: certificate?.caCertPem ?? null,
    caCertPath: certificate?.caCertPath ?? null,
    received: () => stored.slice(),
    takeReceived: () => {
      const taken = stored;
      stored = [];
      return taken;
    },
    ackPolls: () => ackPollLog.slice(),
    count: () => accepted,
    requests: () => requestLog.slice(),
    inProgress: () => inProgress,
    clear: () => {
      stored = [];
      requestLog = [];
      ackPollLog = [];
      accepted = 0;
      ackChannels.clear();
    },
    setFault: (next) => {
      fault = next;
      busyCredit = 0;
      requestsSinceFault = 0;
    },
    setMaxContentLength: (bytes) => {
      maxContentLength = bytes;
    },
    setNeverIndexedRatio: (ratio) => {
      neverIndexedRatio = ratio;
      neverIndexedCredit = 0;
    },
    pendingAcks: () => [...ackChannels.values()].reduce((sum, state) => sum + state.pending.size, 0),
    stop: () => {
      if (stopping) return stopping;
      isStopped = true;
      stopping = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const wake of [...wakeSleepers]) wake();
      for (const socket of sockets) socket.destroy();
      return stopping;
    },
  };
}
