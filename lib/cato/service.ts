import "server-only";
import type { Redis } from "ioredis";
import { recordAudit } from "@/lib/audit/record";
import type { TCaller } from "@/lib/auth/caller";
import { fetchAuditPage, fetchEventsPage, EVENTS_PAGE_SIZE } from "@/lib/cato/client";
import { catoKeys, takeCallSlot } from "@/lib/cato/coordination";
import { AUDIT_TIME_FRAME } from "@/lib/cato/poller";
import { catoApiUrl } from "@/lib/cato/regions";
import {
  ZPutCatoAccountInput,
  ZTestCatoAccountInput,
  type TCatoAccount,
  type TCatoPollState,
  type TCatoStatus,
  type TCatoTestResult,
} from "@/lib/cato/schema";
import { CONSOLE_ACCOUNT_ID, decryptCatoKey, encryptCatoKey } from "@/lib/cato/target";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { CatoAccount } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { sharedRedis } from "@/lib/redis";
import { tokenHint } from "@/lib/security/token-cipher";
import { parseOrThrow } from "@/lib/validation";

const NOT_CONNECTED: TCatoStatus = {
  state: "disabled",
  detail: "No Cato account is connected; events and flows come through the ingest API and the simulator.",
  lastPollAt: null,
  lastRecordAt: null,
  behindSeconds: null,
  fetched: { events: 0, audit: 0 },
};

async function readStatus(row: CatoAccount): Promise<TCatoStatus> {
  let hash: Record<string, string> = {};
  try {
    hash = await (await sharedRedis(1000)).hgetall(catoKeys.status(CONSOLE_ACCOUNT_ID));
  } catch (error) {
    logger.warn("cato status unavailable", { error: error instanceof Error ? error.message : String(error) });
  }
  const newestMs = Number(hash.newestMs ?? 0);
  const fetched = { events: Number(hash["fetched:events"] ?? 0), audit: Number(hash["fetched:audit"] ?? 0) };
  const common = {
    lastPollAt: hash.lastPollAt ?? null,
    lastRecordAt: newestMs > 0 ? new Date(newestMs).toISOString() : null,
    behindSeconds:
      hash.caughtUp === "1" ? 0 : newestMs > 0 ? Math.max(0, Math.round((Date.now() - newestMs) / 1000)) : null,
    fetched,
  };
  if (!row.enabled) {
    return { ...common, state: "disabled", detail: "Polling is off for this account (Enabled is unchecked)." };
  }
  const state = (hash.state as TCatoPollState | undefined) ?? "polling";
  const detail = hash.state ? (hash.detail ?? "") : "Waiting for a worker to start polling Cato.";
  return { ...common, state, detail };
}

function apiUrlOf(region: string): string {
  return catoApiUrl(region, serverEnv().CATO_API_URL);
}

async function serialize(row: CatoAccount | null, role: "admin" | "viewer"): Promise<TCatoAccount> {
  if (!row) {
    return {
      connected: false,
      accountId: null,
      apiKeyHint: "",
      region: "eu",
      apiUrl: apiUrlOf("eu"),
      events: true,
      audit: false,
      enabled: false,
      status: NOT_CONNECTED,
    };
  }
  return {
    connected: true,
    accountId: row.catoAccountId,
    apiKeyHint: role === "admin" ? row.apiKeyHint : "",
    region: row.region,
    apiUrl: apiUrlOf(row.region),
    events: row.events,
    audit: row.audit,
    enabled: row.enabled,
    status: await readStatus(row),
  };
}

async function findRow(): Promise<CatoAccount | null> {
  return db().catoAccount.findUnique({ where: { accountId: CONSOLE_ACCOUNT_ID } });
}

export async function findCatoAccount(role: "admin" | "viewer"): Promise<TCatoAccount> {
  return serialize(await findRow(), role);
}

/** A saved change starts with a fresh status, so an old error does not linger. */
async function clearStatus(): Promise<void> {
  try {
    await (await sharedRedis(1000)).del(catoKeys.status(CONSOLE_ACCOUNT_ID));
  } catch {
    // The poller writes a new status on its next call anyway.
  }
}

export async function saveCatoAccount(input: unknown, caller: TCaller): Promise<TCatoAccount> {
  const data = parseOrThrow(ZPutCatoAccountInput, input);
  const current = await findRow();
  if (!data.apiKey && (!current || current.catoAccountId !== data.accountId)) {
    const reason = current
      ? "API Key is required again when the Account ID changes"
      : "API Key is required to connect an account";
    throw new AppError("validation_failed", reason, [{ name: "apiKey", reason }]);
  }
  const key = serverEnv().encryptionKey;
  const secret = data.apiKey
    ? { apiKeyCiphertext: encryptCatoKey(data.apiKey, key), apiKeyHint: tokenHint(data.apiKey) }
    : {};
  const fields = {
    catoAccountId: data.accountId,
    region: data.region,
    events: data.events,
    audit: data.audit,
    enabled: data.enabled,
  };
  const changed = current
    ? [
        ...Object.entries(fields)
          .filter(([k, v]) => current[k as keyof typeof fields] !== v)
          .map(([k]) => (k === "catoAccountId" ? "accountId" : k)),
        ...(data.apiKey ? ["apiKey"] : []),
      ]
    : ["accountId", "apiKey", "region", "events", "audit", "enabled"];
  const row = await db().$transaction(async (tx) => {
    const saved = current
      ? await tx.catoAccount.update({ where: { accountId: CONSOLE_ACCOUNT_ID }, data: { ...fields, ...secret } })
      : await tx.catoAccount.create({
          data: {
            accountId: CONSOLE_ACCOUNT_ID,
            ...fields,
            apiKeyCiphertext: secret.apiKeyCiphertext!,
            apiKeyHint: secret.apiKeyHint!,
          },
        });
    await recordAudit(tx, caller, {
      action: current ? "cato_account.updated" : "cato_account.connected",
      target: { type: "cato_account", id: data.accountId, label: `Cato account ${data.accountId}` },
      details: { fields: changed, region: data.region, events: data.events, audit: data.audit, enabled: data.enabled },
    });
    return saved;
  });
  await clearStatus();
  return serialize(row, "admin");
}

export async function deleteCatoAccount(caller: TCaller): Promise<void> {
  const current = await findRow();
  if (!current) throw new AppError("not_found", "No Cato account is connected.");
  await db().$transaction(async (tx) => {
    await tx.catoAccount.delete({ where: { accountId: CONSOLE_ACCOUNT_ID } });
    await recordAudit(tx, caller, {
      action: "cato_account.disconnected",
      target: { type: "cato_account", id: current.catoAccountId, label: `Cato account ${current.catoAccountId}` },
    });
  });
  await clearStatus();
}

/**
 * One call to Cato with the form's values (the stored key when none is given): the
 * number of records it has for the first page, or the reason it refused, in plain words.
 * It counts against the account's rate limit like the poller's calls.
 */
export async function testCatoAccount(input: unknown, caller: TCaller): Promise<TCatoTestResult> {
  const data = parseOrThrow(ZTestCatoAccountInput, input ?? {});
  const current = await findRow();
  const accountId = data.accountId ?? current?.catoAccountId;
  if (!accountId) {
    throw new AppError("validation_failed", "Account ID is required", [
      { name: "accountId", reason: "Account ID is required" },
    ]);
  }
  const env = serverEnv();
  let apiKey = data.apiKey;
  if (!apiKey && current && current.catoAccountId === accountId) {
    apiKey = decryptCatoKey(current.apiKeyCiphertext, env.encryptionKey);
  }
  if (!apiKey) {
    throw new AppError("validation_failed", "API Key is required to test this account", [
      { name: "apiKey", reason: "API Key is required to test this account" },
    ]);
  }
  const isEvents = current ? current.events : true;
  const operation = isEvents ? "eventsFeed" : "auditFeed";
  let redis: Redis;
  try {
    redis = await sharedRedis(1000);
  } catch {
    throw new AppError("service_unavailable", "Redis cannot be reached, so the call's rate limit cannot be checked.");
  }
  const perMinute = isEvents ? env.CATO_EVENTS_CALLS_PER_MINUTE : env.CATO_AUDIT_CALLS_PER_MINUTE;
  const wait = await takeCallSlot(redis, catoKeys.calls(accountId, operation), perMinute, "test");
  let result: TCatoTestResult;
  if (wait > 0) {
    result = {
      ok: false,
      available: null,
      isMore: false,
      detail: `The account is at its ceiling of ${perMinute} ${operation} calls a minute; try again in ${Math.ceil(wait / 1000)} s.`,
    };
  } else {
    const call = {
      url: apiUrlOf(data.region ?? current?.region ?? "eu"),
      apiKey,
      accountId,
      timeoutMs: Math.min(env.CATO_TIMEOUT_SECONDS * 1000, 20_000),
    };
    const outcome = isEvents ? await fetchEventsPage(call, "") : await fetchAuditPage(call, AUDIT_TIME_FRAME, "");
    if (outcome.kind === "ok") {
      const count = outcome.page.fetchedCount;
      const isMore = isEvents ? count >= EVENTS_PAGE_SIZE : (outcome.page as { hasMore?: boolean }).hasMore === true;
      result = {
        ok: true,
        available: count,
        isMore,
        detail: `Connected: ${count}${isMore ? "+" : ""} ${isEvents ? "events" : "audit records"} available.`,
      };
    } else {
      result = { ok: false, available: null, isMore: false, detail: outcome.reason };
    }
  }
  await recordAudit(db(), caller, {
    action: "cato_account.tested",
    outcome: result.ok ? "success" : "failure",
    target: { type: "cato_account", id: accountId, label: `Cato account ${accountId}` },
    details: { reason: result.ok ? "" : result.detail.slice(0, 200) },
  });
  return result;
}
