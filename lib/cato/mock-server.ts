import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

/**
 * A stand-in for Cato's GraphQL API (eventsFeed and auditFeed), speaking the contract in
 * the product's reference: POST with `x-api-key` and a JSON body of `operationName`,
 * `query` and `variables`; replies gzipped when asked; pages of 3,000 events with opaque
 * markers that read the same page again when resent; auditFeed pages that follow
 * `hasMore` and repeat their boundary record; Cato's per-account limits (100 eventsFeed
 * and 5 auditFeed calls a minute) answered the way Cato does, HTTP 200 with `errors`.
 * Faults on demand: rate-limit replies, a wrong key, slow replies, 5xx.
 *
 * The exact wording of Cato's error messages for a wrong key or a disabled feed is not
 * published; the messages here are stand-ins of the same shape.
 */
export type TCatoMockRecord = { time: string; fieldsMap: Record<string, string> };

export type TCatoMockFaults = {
  /** Every Nth call (per operation) answers a rate-limit reply. */
  rateLimitEvery?: number;
  /** Every Nth call answers HTTP 503. */
  serverErrorEvery?: number;
  /** Each reply waits this long. */
  slowMs?: number;
  /** The account answers with errorString (the key may not read it). */
  isAccountDenied?: boolean;
  /** eventsFeed is not enabled in the Cato Management Application. */
  isEventsFeedDisabled?: boolean;
};

export type TCatoMockOptions = {
  apiKey: string;
  accountId: string;
  host?: string;
  port?: number;
  pageSize?: number;
  auditPageSize?: number;
  /** Cato's per-account limits; off for benchmarks that measure the poller. */
  isLimited?: boolean;
  eventsPerMinute?: number;
  auditPerMinute?: number;
  /**
   * Keeps each full eventsFeed page's reply once built (a full page never changes: events
   * are only appended), so that a benchmark measures the poller rather than the stand-in
   * building the same JSON and gzip again, as a remote Cato would on its own machines.
   */
  isPageCached?: boolean;
};

export type TCatoMock = {
  url: string;
  addEvents(records: Record<string, string>[]): void;
  addAudit(records: TCatoMockRecord[]): void;
  setFaults(faults: TCatoMockFaults): void;
  setApiKey(apiKey: string): void;
  /** Runs before each eventsFeed/auditFeed call is answered (after its key is checked), e.g. to act as another poller. */
  onCall(
    hook: ((operation: "eventsFeed" | "auditFeed", variables: Record<string, unknown>) => Promise<void>) | null,
  ): void;
  events(): readonly TCatoMockRecord[];
  audit(): readonly TCatoMockRecord[];
  /** Calls answered per operation, and the most eventsFeed/auditFeed calls ever in flight at once. */
  stats(): {
    calls: { eventsFeed: number; auditFeed: number };
    rateLimited: number;
    maxInFlight: number;
    callTimes: number[];
    /** The marker each eventsFeed call sent, in the order the calls came. */
    eventsMarkers: string[];
  };
  close(): Promise<void>;
};

const RATE_LIMIT_MESSAGE = (op: string) => `rate limit for operation: ${op}. Try again later`;

function encodeMarker(feed: string, offset: number, salt: string): string {
  return Buffer.from(`${feed}:${offset}:${salt}`).toString("base64url");
}

function decodeMarker(feed: string, marker: unknown, salt: string): number | null {
  if (marker === undefined || marker === null || marker === "") return 0;
  if (typeof marker !== "string") return null;
  const [f, offset, s] = Buffer.from(marker, "base64url").toString("utf8").split(":");
  if (f !== feed || s !== salt || !/^\d+$/.test(offset ?? "")) return null;
  return Number(offset);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function startCatoMock(options: TCatoMockOptions): Promise<TCatoMock> {
  const pageSize = options.pageSize ?? 3000;
  const auditPageSize = options.auditPageSize ?? 100;
  const isLimited = options.isLimited ?? true;
  const limits: Record<string, number> = {
    eventsFeed: options.eventsPerMinute ?? 100,
    auditFeed: options.auditPerMinute ?? 5,
  };
  const salt = Math.random().toString(36).slice(2, 10);
  let apiKey = options.apiKey;
  let faults: TCatoMockFaults = {};
  const events: TCatoMockRecord[] = [];
  const audit: TCatoMockRecord[] = [];
  const calls = { eventsFeed: 0, auditFeed: 0 };
  const recent: Record<string, number[]> = { eventsFeed: [], auditFeed: [] };
  const callTimes: number[] = [];
  const eventsMarkers: string[] = [];
  let hook: Parameters<TCatoMock["onCall"]>[0] = null;
  let rateLimited = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const pageCache = new Map<string, Buffer>();

  function isGzipAccepted(req: IncomingMessage): boolean {
    return /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  }

  function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, cacheKey?: string) {
    const isGzip = isGzipAccepted(req);
    let payload = cacheKey === undefined ? undefined : pageCache.get(cacheKey);
    if (!payload) {
      const text = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
      payload = isGzip ? gzipSync(text, { level: 1 }) : text;
      if (cacheKey !== undefined) pageCache.set(cacheKey, payload);
    }
    res.writeHead(status, {
      "content-type": typeof body === "string" ? "text/plain" : "application/json",
      ...(isGzip ? { "content-encoding": "gzip" } : {}),
      "content-length": payload.length,
    });
    res.end(payload);
  }

  function eventsFeed(variables: Record<string, unknown>) {
    const offset = decodeMarker("e", variables.marker, salt);
    if (offset === null) return { errors: [{ message: "invalid marker" }], data: { eventsFeed: null } };
    const page = events.slice(offset, offset + pageSize);
    const next = offset + page.length;
    return {
      data: {
        eventsFeed: {
          marker: encodeMarker("e", next, salt),
          fetchedCount: page.length,
          accounts: [{ id: options.accountId, errorString: null, records: page }],
        },
      },
    };
  }

  function auditFeed(variables: Record<string, unknown>) {
    if (typeof variables.timeFrame !== "string" || !/^(last\.P|utc\.)/.test(variables.timeFrame)) {
      return { errors: [{ message: "timeFrame is required, such as last.PT10M" }], data: { auditFeed: null } };
    }
    const offset = decodeMarker("a", variables.marker, salt);
    if (offset === null) return { errors: [{ message: "invalid marker" }], data: { auditFeed: null } };
    const page = audit.slice(offset, offset + auditPageSize);
    const end = offset + page.length;
    const hasMore = end < audit.length;
    // The next page starts with this page's last record again, as Cato's does.
    const next = page.length > 0 ? end - 1 : offset;
    const now = new Date();
    return {
      data: {
        auditFeed: {
          from: new Date(now.getTime() - 86_400_000).toISOString(),
          to: now.toISOString(),
          marker: encodeMarker("a", next, salt),
          fetchedCount: page.length,
          hasMore,
          accounts: [{ id: options.accountId, records: page }],
        },
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "POST" || !req.url?.startsWith("/api/v1/graphql2")) {
      return send(req, res, 404, "Not Found");
    }
    let body: { operationName?: unknown; query?: unknown; variables?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return send(req, res, 400, { errors: [{ message: "the body must be JSON" }] });
    }
    const query = typeof body.query === "string" ? body.query : "";
    const op = (["eventsFeed", "auditFeed"] as const).find(
      (name) => body.operationName === name || query.includes(`${name}(`),
    );
    if (!op) return send(req, res, 200, { errors: [{ message: "unknown operation" }], data: null });
    calls[op] += 1;
    callTimes.push(Date.now());
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (faults.slowMs) await new Promise((r) => setTimeout(r, faults.slowMs));
      if (req.headers["x-api-key"] !== apiKey) {
        return send(req, res, 200, {
          errors: [{ message: "permission denied: invalid API key" }],
          data: { [op]: null },
        });
      }
      const variables = (body.variables ?? {}) as Record<string, unknown>;
      if (op === "eventsFeed") eventsMarkers.push(typeof variables.marker === "string" ? variables.marker : "");
      if (hook) await hook(op, variables);
      const ids = variables.accountIDs;
      if (!Array.isArray(ids) || ids.length !== 1) {
        return send(req, res, 200, { errors: [{ message: "accountIDs is required" }], data: { [op]: null } });
      }
      if (faults.serverErrorEvery && calls[op] % faults.serverErrorEvery === 0) {
        return send(req, res, 503, "Service Unavailable");
      }
      const now = Date.now();
      const window = recent[op]!.filter((t) => t > now - 60_000);
      recent[op] = window;
      const isOverLimit = isLimited && window.length >= limits[op]!;
      if (isOverLimit || (faults.rateLimitEvery && calls[op] % faults.rateLimitEvery === 0)) {
        rateLimited += 1;
        return send(req, res, 200, { errors: [{ message: RATE_LIMIT_MESSAGE(op) }], data: { [op]: null } });
      }
      window.push(now);
      if (String(ids[0]) !== options.accountId || faults.isAccountDenied) {
        return send(req, res, 200, {
          data: {
            [op]: {
              marker: "",
              fetchedCount: 0,
              hasMore: false,
              accounts: [{ id: String(ids[0]), errorString: "permission denied for this account", records: [] }],
            },
          },
        });
      }
      if (op === "eventsFeed" && faults.isEventsFeedDisabled) {
        return send(req, res, 200, {
          errors: [{ message: "events feed is not enabled for this account" }],
          data: { eventsFeed: null },
        });
      }
      if (op === "auditFeed") return send(req, res, 200, auditFeed(variables));
      const offset = decodeMarker("e", variables.marker, salt);
      const isFullPage = offset !== null && offset + pageSize <= events.length;
      const cacheKey = options.isPageCached && isFullPage ? `${offset}:${isGzipAccepted(req)}` : undefined;
      if (cacheKey !== undefined && pageCache.has(cacheKey)) return send(req, res, 200, null, cacheKey);
      return send(req, res, 200, eventsFeed(variables), cacheKey);
    } finally {
      inFlight -= 1;
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}/api/v1/graphql2`,
    addEvents(records) {
      for (const fieldsMap of records) {
        const ms = Number(fieldsMap.time);
        events.push({ time: new Date(Number.isFinite(ms) ? ms : Date.now()).toISOString(), fieldsMap });
      }
    },
    addAudit(records) {
      audit.push(...records);
    },
    setFaults(next) {
      faults = next;
    },
    setApiKey(next) {
      apiKey = next;
    },
    onCall(next) {
      hook = next;
    },
    events: () => events,
    audit: () => audit,
    stats: () => ({
      calls: { ...calls },
      rateLimited,
      maxInFlight,
      callTimes: [...callTimes],
      eventsMarkers: [...eventsMarkers],
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Audit records shaped like Cato's (its published field names), for the stand-in and tests. */
export function sampleAuditRecords(count: number, startMs: number, accountId: string): TCatoMockRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(startMs + i * 1000).toISOString();
    return {
      time: at,
      fieldsMap: {
        account_id: accountId,
        admin: `admin${i % 3}@example.com`,
        admin_id: String(1000 + (i % 3)),
        change_type: ["CREATED", "MODIFIED", "DELETED"][i % 3]!,
        creation_date: at,
        insertion_date: at,
        model_name: `Rule ${i}`,
        model_type: "InternetFirewallRule",
        module: "Internet Firewall",
        "change.After.enabled": i % 2 === 0 ? "true" : "false",
      },
    };
  });
}
