/**
 * What a sender should do with a HEC reply, from Splunk's documented codes
 * (reference: splunk-hec.md). Anything unexpected (a proxy's HTML page, a plain-text
 * 404) is an error that quotes the HTTP status and the start of the body.
 */
export type TReplyVerdict =
  | { kind: "accepted" }
  | { kind: "retry"; reason: string; retryAfterMs: number | null }
  | { kind: "rejected"; reason: string }
  | { kind: "bad-event"; invalidEventNumber: number; reason: string }
  | { kind: "too-large"; reason: string };

type THecReply = { text?: unknown; code?: unknown; "invalid-event-number"?: unknown };

const REJECTED: Record<number, string> = {
  1: "Splunk rejected the API key: token disabled",
  2: "Splunk rejected the request: no API key was sent",
  3: "Splunk rejected the API key: invalid authorization",
  4: "Splunk rejected the API key: invalid token",
  7: "Splunk rejected the index: it does not exist or the token may not write to it",
  21: "Splunk rejected the API key: invalid token",
  22: "Splunk rejected the API key: token disabled",
  10: "Splunk requires a data channel for this token (indexer acknowledgement is on); turn acknowledgement off for this token",
  11: "Splunk rejected the data channel",
  16: "Splunk rejected the request: query string authorization is not enabled",
  5: "Splunk received no data (a sender bug)",
  12: "Splunk rejected an event without an event field (a sender bug)",
  15: "Splunk rejected the indexed fields of an event",
};

const RETRY: Record<number, string> = {
  8: "Splunk had an internal server error",
  9: "Splunk is busy",
  18: "Splunk HEC is unhealthy: its queues are full",
  19: "Splunk HEC is unhealthy: its acknowledgement service is unavailable",
  20: "Splunk HEC is unhealthy: queues full, acknowledgement service unavailable",
};

export function parseRetryAfter(header: string | null | undefined, nowMs = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
}

function parseReply(body: string): THecReply | null {
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as THecReply) : null;
  } catch {
    return null;
  }
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, " ").trim().slice(0, 120);
  return text ? `: "${text}${body.length > 120 ? "…" : ""}"` : " with an empty body";
}

export function classifyReply(status: number, body: string, retryAfter?: string | null): TReplyVerdict {
  const reply = parseReply(body);
  const code = typeof reply?.code === "number" ? reply.code : null;
  const retryAfterMs = parseRetryAfter(retryAfter);

  if (status === 413) return { kind: "too-large", reason: "Splunk refused the request as too large (HTTP 413)" };
  if (code === 0 && status >= 200 && status < 300) return { kind: "accepted" };
  if (code !== null && code in RETRY)
    return { kind: "retry", reason: `${RETRY[code]} (HEC code ${code})`, retryAfterMs };
  if (code === 6 || code === 13) {
    const n = Number(reply?.["invalid-event-number"]);
    const what = code === 6 ? "invalid data format" : "event field cannot be blank";
    if (Number.isInteger(n) && n >= 0) {
      return {
        kind: "bad-event",
        invalidEventNumber: n,
        reason: `Splunk refused an event: ${what} (HEC code ${code})`,
      };
    }
    return { kind: "rejected", reason: `Splunk refused the batch: ${what} (HEC code ${code})` };
  }
  if (code !== null && code in REJECTED) return { kind: "rejected", reason: `${REJECTED[code]} (HEC code ${code})` };
  if (status === 401 || status === 403) {
    return { kind: "rejected", reason: `Splunk rejected the API key (HTTP ${status}${snippet(body)})` };
  }
  if (status === 429) return { kind: "retry", reason: "Splunk asked to slow down (HTTP 429)", retryAfterMs };
  if (status >= 500)
    return { kind: "retry", reason: `The destination answered HTTP ${status}${snippet(body)}`, retryAfterMs };
  if (status >= 200 && status < 300) {
    return {
      kind: "retry",
      reason: `The destination answered HTTP ${status} but not as Splunk HEC does${snippet(body)}`,
      retryAfterMs,
    };
  }
  return {
    kind: "rejected",
    reason: `The destination answered HTTP ${status}${code !== null ? ` with HEC code ${code}` : ""}, not as Splunk HEC does${snippet(body)}; check the Ingestion URL`,
  };
}
