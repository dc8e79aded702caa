import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import {
  EVENTS_PAGE_SIZE,
  eventsFeedRecordOf,
  feedRecordOf,
  fetchAuditPage,
  fetchEventsPage,
  recordTimeMs,
  type TCatoCall,
  type TCatoOutcome,
  type TEventsFeedPage,
} from "@/lib/cato/client";
import { catoKeys, holdLease, moveMarker, releaseLease, takeCallSlot } from "@/lib/cato/coordination";
import { loadPollTarget, type TPollTarget } from "@/lib/cato/target";
import type { TCatoPollState } from "@/lib/cato/schema";
import {
  appendRecords,
  MarkerMovedError,
  type TFeedName,
  type TAppendRecord,
  type TNewRecord,
} from "@/lib/feeds/feed-store";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { backoffDelay, rejectedDelay } from "@/lib/hec/backoff";
import { logger } from "@/lib/logger";

/**
 * One poller per connected Cato account, whatever the number of worker processes: every
 * worker runs this loop, and only the holder of the account's lease in Redis calls Cato.
 * The lease is renewed every second or two; when its worker dies another takes it over
 * within LEASE_MS. Should two pollers ever overlap (a paused process waking up), the
 * marker's compare-and-set in the append script lets only one of them append a page.
 */
export const LEASE_MS = 6000;
/** Cato's own script waits 5 s after a rate-limit reply. */
export const RATE_LIMITED_WAIT_MS = 5000;
/** A marker belongs to one time frame; a sliding day covers any pause of the poller shorter than that. */
export const AUDIT_TIME_FRAME = "last.P1D";
/**
 * The next eventsFeed page is read while the current one is appended only when the current
 * one's reply was at most this many bytes: pages of ordinary events (about 4.7 MB) are, and
 * pages heavy with Detection and Response records of several MB each are read one at a
 * time, so that what the poller holds stays bounded by bytes, not only by pages.
 */
export const READ_AHEAD_MAX_BYTES = 32 * 1024 * 1024;
/**
 * A page whose packed records come to at most this many bytes goes to Redis in the append
 * command itself rather than staged chunk by chunk (see feedAppender): the page is held
 * whole anyway, and an ordinary page (about 4.7 MB) went some 30% faster so.
 */
const APPEND_HOLD_BYTES = 16 * 1024 * 1024;
/** How old the account's settings may be when a page is asked for (see run). */
const SETTINGS_MAX_AGE_MS = 1000;
/** Hashes of the last page's records kept to drop the boundary record Cato repeats. */
const AUDIT_SEEN_KEPT = 200;

export type TPollerOptions = {
  redis: Redis;
  prisma: PrismaClient;
  encryptionKey: Buffer;
  apiUrlOverride?: string;
  pollIntervalMs: number;
  eventsCallsPerMinute: number;
  auditCallsPerMinute: number;
  timeoutMs: number;
  maxFeedLength: number;
  retentionHours: number;
  owner: string;
  signal: AbortSignal;
  leaseMs?: number;
  /** How long to wait after Cato's rate-limit reply (RATE_LIMITED_WAIT_MS). */
  rateLimitedWaitMs?: number;
};

type TFeedState = {
  state: TCatoPollState;
  detail: string;
  dueAt: number;
  failures: number;
};

type TPollResult = { state: TCatoPollState; detail: string; delayMs: number; isFailure?: boolean };

/**
 * The next eventsFeed page, asked for while the current one is appended: from the marker
 * the current page returned, under the same lease and settings. Null when no call slot
 * was free (nothing was asked).
 */
type TReadAhead = {
  expected: string;
  version: string;
  leaseSignal: AbortSignal;
  abort: AbortController;
  outcome: Promise<TCatoOutcome<TEventsFeedPage> | null>;
};

/**
 * An events page's append, sent and not yet answered: the next page is packed and sent
 * behind it (Redis runs the two in order, and the next one's compare-and-set expects the
 * marker this one stores), so that Redis appends one page while the poller prepares the
 * next. At most one is on its way when pollEvents returns; `result` never rejects.
 */
type TSentAppend = {
  next: string;
  leaseSignal: AbortSignal;
  version: string;
  fetched: number;
  newestMs: number | null;
  result: Promise<{ isAppended: boolean } | { error: unknown }>;
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

function recordHash(json: string): string {
  return createHash("sha256").update(json).digest("base64url").slice(0, 22);
}

type TAuditMarker = { marker: string; seen: string[] };

function parseAuditMarker(raw: string | null): TAuditMarker {
  if (!raw) return { marker: "", seen: [] };
  try {
    const parsed = JSON.parse(raw) as Partial<TAuditMarker>;
    return {
      marker: typeof parsed.marker === "string" ? parsed.marker : "",
      seen: Array.isArray(parsed.seen) ? parsed.seen.filter((s) => typeof s === "string") : [],
    };
  } catch {
    return { marker: "", seen: [] };
  }
}

function outcomeResult(
  outcome: Exclude<TCatoOutcome<unknown>, { kind: "ok" }>,
  failures: number,
  rateLimitedWaitMs: number,
): TPollResult {
  if (outcome.kind === "rate-limited") {
    return { state: "rate-limited", detail: `${outcome.reason}; trying again shortly`, delayMs: rateLimitedWaitMs };
  }
  if (outcome.kind === "refused") {
    return { state: "error", detail: `${outcome.reason}. Retried every minute.`, delayMs: rejectedDelay() };
  }
  const delayMs = backoffDelay(failures + 1, null);
  return {
    state: "error",
    detail: `${outcome.reason}; retrying in ${Math.ceil(delayMs / 1000)} s`,
    delayMs,
    isFailure: true,
  };
}

/** What the poller keeps of an eventsFeed page: its records as the feed takes them, and no more. */
function takePage(page: TEventsFeedPage) {
  let newestMs: number | null = null;
  const records: TAppendRecord[] = [];
  for (const record of page.records) {
    const fields = eventsFeedRecordOf(record);
    if (!fields) continue;
    if (fields.timeMs !== null && (newestMs === null || fields.timeMs > newestMs)) newestMs = fields.timeMs;
    records.push(fields);
  }
  return {
    next: page.marker,
    isFull: page.fetchedCount >= EVENTS_PAGE_SIZE,
    isSmall: page.replyBytes <= READ_AHEAD_MAX_BYTES,
    records,
    newestMs,
    release: page.release,
  };
}

export function startCatoPoller(options: TPollerOptions): { stopped: Promise<void> } {
  const { redis, signal } = options;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const rateLimitedWaitMs = options.rateLimitedWaitMs ?? RATE_LIMITED_WAIT_MS;
  const token = `${options.owner}:${randomUUID()}`;
  const accountKey = "default";
  const leaseKey = catoKeys.lease(accountKey);
  const statusKey = catoKeys.status(accountKey);

  let target: TPollTarget | null = null;
  /** The status' newestMs as this lease holder last read or wrote it (null: read it first). */
  let newestKnownMs: number | null = null;
  /** The last events page was short: nothing newer at Cato (a rate-limit reply does not change it). */
  let isEventsCaughtUp = false;
  /** At most one page read ahead, so at most two pages are held: the one appended and the next. */
  let readAhead: TReadAhead | null = null;
  /** The last events page's append while it is on its way (see TSentAppend). */
  let sentAppend: TSentAppend | null = null;
  const feeds: Record<"events" | "audit", TFeedState> = {
    events: { state: "polling", detail: "", dueAt: 0, failures: 0 },
    audit: { state: "polling", detail: "", dueAt: 0, failures: 0 },
  };

  const callOf = (t: TPollTarget, leaseSignal: AbortSignal): TCatoCall => ({
    url: t.apiUrl,
    apiKey: t.apiKey,
    accountId: t.catoAccountId,
    timeoutMs: options.timeoutMs,
    signal: leaseSignal,
  });

  async function writeStatus(extra: { feed: "events" | "audit"; fetched?: number; newestMs?: number | null }) {
    const t = target;
    if (!t) return;
    const active = (["events", "audit"] as const).filter((f) => t[f]);
    const order: TCatoPollState[] = ["error", "rate-limited", "polling", "caught-up"];
    const worst = active.map((f) => feeds[f]).sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state))[0];
    const multi = redis.multi().hset(statusKey, {
      state: worst?.state ?? "polling",
      detail: worst?.detail ?? "",
      caughtUp: isEventsCaughtUp ? "1" : "0",
    });
    // "Last successful call": only a reply whose page was taken counts.
    if (extra.fetched !== undefined) multi.hset(statusKey, "lastPollAt", new Date().toISOString());
    if (extra.fetched) multi.hincrby(statusKey, `fetched:${extra.feed}`, extra.fetched);
    if (extra.newestMs) {
      // Keep the newest of all: HSET only when larger, in a script-free way (read-compare is racy
      // only between lease holders, and there is one). Read once per lease, then known here.
      newestKnownMs ??= Number((await redis.hget(statusKey, "newestMs")) ?? 0);
      if (extra.newestMs > newestKnownMs) {
        multi.hset(statusKey, "newestMs", String(extra.newestMs));
        newestKnownMs = extra.newestMs;
      }
    }
    await multi.exec();
  }

  async function appendPage(
    feed: TFeedName,
    records: TAppendRecord[],
    marker: { key: string; expected: string; next: string },
  ): Promise<boolean> {
    try {
      if (records.length === 0) return await moveMarker(redis, marker.key, marker.expected, marker.next);
      await appendRecords(
        redis,
        feed,
        records,
        options.maxFeedLength,
        options.retentionHours,
        marker,
        APPEND_HOLD_BYTES,
      );
      return true;
    } catch (error) {
      if (error instanceof MarkerMovedError) return false;
      throw error;
    }
  }

  /** Drops the page read ahead (its call is cancelled if still going). */
  function dropReadAhead(): void {
    readAhead?.abort.abort();
    readAhead = null;
  }

  /**
   * Asks for the page after `marker` now, while the current page is serialised and appended.
   * It takes a call slot like any call, so Cato's per-account ceiling holds.
   */
  function startReadAhead(t: TPollTarget, leaseSignal: AbortSignal, marker: string): void {
    const abort = new AbortController();
    const signal = AbortSignal.any([leaseSignal, abort.signal]);
    const outcome = (async () => {
      const wait = await takeCallSlot(
        redis,
        catoKeys.calls(t.catoAccountId, "eventsFeed"),
        options.eventsCallsPerMinute,
        token,
      );
      if (wait > 0 || signal.aborted) return null;
      return fetchEventsPage(callOf(t, signal), marker);
    })().catch(() => null);
    readAhead = { expected: marker, version: t.version, leaseSignal, abort, outcome };
  }

  /** The page read ahead, when it was read from `expected` under this lease and these settings. */
  async function takeReadAhead(
    t: TPollTarget,
    leaseSignal: AbortSignal,
    expected: string,
  ): Promise<TCatoOutcome<TEventsFeedPage> | null> {
    const ahead = readAhead;
    readAhead = null;
    if (!ahead) return null;
    if (ahead.expected !== expected || ahead.version !== t.version || ahead.leaseSignal !== leaseSignal) {
      ahead.abort.abort();
      return null;
    }
    return ahead.outcome;
  }

  /**
   * Waits for an events page's append sent earlier: writes its status, or when another
   * poller got there first drops the page read ahead from its marker. Whether it was appended.
   */
  async function settleAppend(sent: TSentAppend): Promise<boolean> {
    if (sentAppend === sent) sentAppend = null;
    const result = await sent.result;
    if ("error" in result) {
      dropReadAhead();
      throw result.error;
    }
    if (!result.isAppended) {
      dropReadAhead();
      return false;
    }
    await writeStatus({ feed: "events", fetched: sent.fetched, newestMs: sent.newestMs });
    return true;
  }

  async function pollEvents(t: TPollTarget, leaseSignal: AbortSignal): Promise<TPollResult> {
    const markerKey = catoKeys.marker(t.catoAccountId, "events");
    let previous = sentAppend;
    if (previous && (previous.leaseSignal !== leaseSignal || previous.version !== t.version)) {
      await settleAppend(previous);
      previous = null;
    }
    // The next page starts where the append on its way leaves the marker (if it fails, so
    // does this page's: its compare-and-set expects that marker).
    const expected = previous ? previous.next : ((await redis.get(markerKey)) ?? "");
    let outcome: TCatoOutcome<TEventsFeedPage> | null = await takeReadAhead(t, leaseSignal, expected);
    if (!outcome) {
      const wait = await takeCallSlot(
        redis,
        catoKeys.calls(t.catoAccountId, "eventsFeed"),
        options.eventsCallsPerMinute,
        token,
      );
      if (wait > 0) {
        if (previous) await settleAppend(previous);
        return {
          state: "rate-limited",
          detail: `At the ceiling of ${options.eventsCallsPerMinute} eventsFeed calls a minute for this account`,
          delayMs: wait,
        };
      }
      outcome = await fetchEventsPage(callOf(t, leaseSignal), expected);
    }
    if (outcome.kind !== "ok") {
      if (previous) await settleAppend(previous);
      return outcomeResult(outcome, feeds.events.failures, rateLimitedWaitMs);
    }
    // Only what the append needs is kept from here on: the page's parsed objects would
    // otherwise live until Redis answers, long enough to crowd the young generation.
    const { next, isFull, isSmall, records, newestMs, release } = takePage(outcome.page);
    outcome = null;
    // The next page's marker is known now: read it while this one is appended. Its append
    // still waits for this one's, and is dropped if this one's fails.
    if (isFull && isSmall && !leaseSignal.aborted) startReadAhead(t, leaseSignal, next);
    if (leaseSignal.aborted) {
      dropReadAhead();
      release();
      if (previous) await settleAppend(previous);
      return { state: "polling", detail: "", delayMs: 0 };
    }
    // Sent now, behind the previous page's append: Redis appends one page while the poller
    // prepares the next. Appended or not, nothing reads the page's records once it is
    // answered: its reply's buffer then serves a later page.
    const sent: TSentAppend = {
      next,
      leaseSignal,
      version: t.version,
      fetched: records.length,
      newestMs,
      result: appendPage("events", records, { key: markerKey, expected, next })
        .then(
          (isAppended) => ({ isAppended }),
          (error: unknown) => ({ error }),
        )
        .finally(release),
    };
    sentAppend = sent;
    if (previous) {
      let isPreviousAppended = false;
      try {
        isPreviousAppended = await settleAppend(previous);
      } finally {
        // The page after a failed append is settled at once; the next call reads the marker from Redis.
        if (!isPreviousAppended) await settleAppend(sent).catch(() => false);
      }
    }
    // The last page of a backlog, or a page too large to hold beside the next, is settled before
    // the poller moves on.
    if (sentAppend === sent && (!isFull || !isSmall)) await settleAppend(sent);
    isEventsCaughtUp = !isFull;
    return isFull
      ? { state: "polling", detail: "Fetching Cato's backlog of events", delayMs: 0 }
      : { state: "caught-up", detail: "", delayMs: options.pollIntervalMs };
  }

  async function pollAudit(t: TPollTarget, leaseSignal: AbortSignal): Promise<TPollResult> {
    const idleMs = Math.max(options.pollIntervalMs, Math.ceil(60_000 / options.auditCallsPerMinute));
    const wait = await takeCallSlot(
      redis,
      catoKeys.calls(t.catoAccountId, "auditFeed"),
      options.auditCallsPerMinute,
      token,
    );
    if (wait > 0) {
      return {
        state: feeds.audit.state === "caught-up" ? "caught-up" : "rate-limited",
        detail:
          feeds.audit.state === "caught-up"
            ? ""
            : `At the ceiling of ${options.auditCallsPerMinute} auditFeed calls a minute for this account`,
        delayMs: wait,
      };
    }
    const markerKey = catoKeys.marker(t.catoAccountId, "audit");
    const expected = (await redis.get(markerKey)) ?? "";
    const stored = parseAuditMarker(expected);
    const outcome = await fetchAuditPage(callOf(t, leaseSignal), AUDIT_TIME_FRAME, stored.marker);
    if (outcome.kind !== "ok") return outcomeResult(outcome, feeds.audit.failures, rateLimitedWaitMs);
    const page = outcome.page;
    // Cato repeats a page's boundary record on the next page: drop what the last page held.
    const seen = new Set(stored.seen);
    const pageHashes: string[] = [];
    const records: TNewRecord[] = [];
    let newestMs: number | null = null;
    for (const record of page.records) {
      const fields = feedRecordOf(record);
      if (!fields) continue;
      const json = JSON.stringify(fields);
      const hash = recordHash(json);
      pageHashes.push(hash);
      if (seen.has(hash)) continue;
      seen.add(hash);
      const ms = recordTimeMs(fields);
      if (ms !== null && (newestMs === null || ms > newestMs)) newestMs = ms;
      records.push({ json });
    }
    // An empty page keeps the last page's hashes: its boundary record may still come again.
    const keep = pageHashes.length > 0 ? pageHashes.slice(-AUDIT_SEEN_KEPT) : stored.seen;
    const next = JSON.stringify({ marker: page.marker, seen: keep });
    if (leaseSignal.aborted) return { state: "polling", detail: "", delayMs: 0 };
    const fetched = records.length;
    const isAppended = await appendPage("audit", records, { key: markerKey, expected, next });
    if (isAppended) await writeStatus({ feed: "audit", fetched, newestMs });
    return page.hasMore
      ? { state: "polling", detail: "Fetching Cato's audit trail", delayMs: 0 }
      : { state: "caught-up", detail: "", delayMs: idleMs };
  }

  async function pollDue(t: TPollTarget, leaseSignal: AbortSignal): Promise<void> {
    for (const feed of ["events", "audit"] as const) {
      if (!t[feed] || Date.now() < feeds[feed].dueAt || leaseSignal.aborted) continue;
      let result: TPollResult;
      try {
        result = feed === "events" ? await pollEvents(t, leaseSignal) : await pollAudit(t, leaseSignal);
      } catch (error) {
        // Redis or PostgreSQL failing under the poller: back off like a network error.
        const delayMs = backoffDelay(feeds[feed].failures + 1, null);
        result = {
          state: "error",
          detail: `The ${feed} poller failed: ${error instanceof Error ? error.message : String(error)}`,
          delayMs,
          isFailure: true,
        };
        logger.warn("cato poller failed", { feed, error: result.detail });
      }
      // The lease was lost during the call: the new holder reports from now on.
      if (leaseSignal.aborted) return;
      const state = feeds[feed];
      state.failures = result.isFailure ? state.failures + 1 : 0;
      state.dueAt = Date.now() + result.delayMs;
      const changed = state.state !== result.state || state.detail !== result.detail;
      state.state = result.state;
      state.detail = result.detail;
      if (changed) await writeStatus({ feed }).catch(() => undefined);
    }
  }

  async function run(): Promise<void> {
    let leaseAbort: AbortController | null = null;
    let renewTimer: NodeJS.Timeout | null = null;
    const dropLease = () => {
      dropReadAhead();
      newestKnownMs = null;
      if (renewTimer) clearInterval(renewTimer);
      renewTimer = null;
      leaseAbort?.abort();
      leaseAbort = null;
    };
    let settingsVersion = "";
    let loadedAt = 0;
    while (!signal.aborted) {
      try {
        // Settings are read again at most every SETTINGS_MAX_AGE_MS, not before each of a
        // backlog's pages: a saved change still takes effect within that.
        if (!target || Date.now() - loadedAt >= SETTINGS_MAX_AGE_MS) {
          target = await loadPollTarget(options.prisma, options.encryptionKey, options.apiUrlOverride);
          loadedAt = Date.now();
        }
        if (!target || !target.enabled) {
          if (leaseAbort) {
            dropLease();
            await releaseLease(redis, leaseKey, token);
          }
          await sleep(1000, signal);
          continue;
        }
        // A saved change (a fixed key, another region) is tried at once, not after the retry delay.
        if (target.version !== settingsVersion) {
          settingsVersion = target.version;
          dropReadAhead();
          for (const f of Object.values(feeds)) Object.assign(f, { dueAt: 0, failures: 0 });
        }
        if (!leaseAbort) {
          if (!(await holdLease(redis, leaseKey, token, leaseMs))) {
            await sleep(Math.min(1000, leaseMs / 3), signal);
            continue;
          }
          const controller = new AbortController();
          leaseAbort = controller;
          renewTimer = setInterval(() => {
            holdLease(redis, leaseKey, token, leaseMs).then(
              (held) => {
                if (!held && leaseAbort === controller) dropLease();
              },
              () => undefined,
            );
          }, leaseMs / 3);
        }
        await pollDue(target, leaseAbort.signal);
        const next = Math.min(...(["events", "audit"] as const).filter((f) => target?.[f]).map((f) => feeds[f].dueAt));
        // Wake at least once a second to see saved changes and a disabled account.
        await sleep(Math.min(1000, next - Date.now()), signal);
      } catch (error) {
        logger.warn("cato poller loop failed", { error: error instanceof Error ? error.message : String(error) });
        await sleep(1000, signal);
      }
    }
    if (sentAppend) await settleAppend(sentAppend).catch(() => false);
    dropLease();
    await releaseLease(redis, leaseKey, token).catch(() => undefined);
  }

  return { stopped: run() };
}
