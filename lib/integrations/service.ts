import "server-only";
import { randomUUID } from "node:crypto";
import { recordAudit, type TAuditAction } from "@/lib/audit/record";
import type { TCaller } from "@/lib/auth/caller";
import { db } from "@/lib/db";
import { forgetAttempts, readAttempts, type TDeliveryAttempt } from "@/lib/delivery/attempts";
import type { TFeedName } from "@/lib/feeds/feed-store";
import { lagKey, readLags } from "@/lib/delivery/lag";
import { forgetDeliveryMetrics } from "@/lib/delivery/metrics";
import { forgetSeries, readDeliveredPerMinute, readSeries, type TIntegrationSeries } from "@/lib/delivery/series";
import { enabledSources, ensureDeliveries, type TSourceFlags } from "@/lib/delivery/state";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { checkDataSources, integrationSchemas, type TIntegration } from "@/lib/integrations/schema";
import { serializeIntegration, type TIntegrationRow, type TLagBySource } from "@/lib/integrations/serializer";
import { logger } from "@/lib/logger";
import { sharedRedis } from "@/lib/redis";
import { testConnection, type TTestResult, type TTestTarget } from "@/lib/delivery/test-connection";
import { decryptToken, encryptToken, tokenHint } from "@/lib/security/token-cipher";
import { checkDestinationHost } from "@/lib/security/url-guard";
import { isUuid, parseOrThrow } from "@/lib/validation";

// A single account for now; every query is scoped to it so accounts can follow.
const ACCOUNT_ID = "default";

function nameKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

function duplicateName(name: string): AppError {
  return new AppError("conflict", `A connector named "${name}" already exists.`, [
    { name: "name", reason: "Connector Name is already used by another integration" },
  ]);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** What the operator allows for destinations (off by default): plain http and private networks. */
export function destinationPolicy() {
  const env = serverEnv();
  return { allowInsecureHttp: env.HEC_ALLOW_INSECURE_HTTP, allowPrivateNetworks: env.HEC_ALLOW_PRIVATE_NETWORKS };
}

function schemas() {
  return integrationSchemas(destinationPolicy());
}

/** Save-time guard: literal addresses and reserved names are refused before anything is stored. */
function checkDestination(ingestionUrl: string): void {
  const verdict = checkDestinationHost(new URL(ingestionUrl).hostname, destinationPolicy());
  if (!verdict.ok) {
    const reason = `Ingestion URL is not allowed: ${verdict.reason}`;
    throw new AppError("validation_failed", reason, [{ name: "ingestionUrl", reason }]);
  }
}

/**
 * Where a stored HEC token may go: the scheme, host, port and path prefix of the URL it
 * was entered for. Sending it anywhere else (an edited URL, a test against another URL)
 * needs the key entered again, so nobody who can edit an integration can make the
 * console hand its token to a host of their choosing.
 */
export function destinationOf(ingestionUrl: string): string {
  const url = new URL(ingestionUrl);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return `${url.protocol}//${url.hostname.toLowerCase()}:${port}${url.pathname.replace(/\/+$/, "")}`;
}

export const KEY_FOR_NEW_DESTINATION = "Enter the API key again to send data to a new destination";

function keyNeededForNewDestination(): AppError {
  return new AppError("validation_failed", `${KEY_FOR_NEW_DESTINATION}.`, [
    { name: "apiKey", reason: KEY_FOR_NEW_DESTINATION },
  ]);
}

function notFound(): AppError {
  return new AppError("not_found", "No integration has this id.");
}

function warnRedis(what: string) {
  return (error: unknown) => {
    logger.warn(`${what} unavailable`, { error: error instanceof Error ? error.message : String(error) });
  };
}

/**
 * Rows with their lag and last hour's deliveries, read concurrently; while Redis
 * cannot be reached lag is left out (null) and the per-minute deliveries are empty.
 */
async function withStatus(rows: TIntegrationRow[]): Promise<TIntegration[]> {
  let lags = new Map<string, { records: number; oldestAgeSeconds: number | null }>();
  let perMinute: number[][] = [];
  const positions = rows.flatMap((r) =>
    (r.deliveries ?? []).map((d) => ({ integrationId: r.id, source: d.source, marker: d.marker })),
  );
  if (rows.length > 0) {
    const redis = await sharedRedis(1000).catch((error: unknown) => {
      warnRedis("lag and series")(error);
      return null;
    });
    if (redis) {
      const integrations = rows.map((r) => ({ integrationId: r.id, sources: enabledSources(r) }));
      await Promise.all([
        positions.length > 0 ? readLags(redis, positions).then((read) => (lags = read), warnRedis("lag")) : undefined,
        readDeliveredPerMinute(redis, integrations).then((read) => (perMinute = read), warnRedis("series")),
      ]);
    }
  }
  return rows.map((row, i) => {
    const lag: TLagBySource = {};
    for (const d of row.deliveries ?? []) lag[d.source] = lags.get(lagKey(row.id, d.source));
    return serializeIntegration(row, lag, perMinute[i] ?? []);
  });
}

export async function findIntegrations(): Promise<TIntegration[]> {
  const rows = await db().integration.findMany({
    where: { accountId: ACCOUNT_ID },
    include: { deliveries: true },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
  });
  return withStatus(rows);
}

async function findRow(id: string): Promise<TIntegrationRow> {
  if (!isUuid(id)) throw notFound();
  const row = await db().integration.findFirst({ where: { id, accountId: ACCOUNT_ID }, include: { deliveries: true } });
  if (!row) throw notFound();
  return row;
}

export async function findIntegration(id: string): Promise<TIntegration> {
  const [integration] = await withStatus([await findRow(id)]);
  return integration!;
}

export type TIntegrationActivity = {
  attempts: TDeliveryAttempt[];
  setAside: { id: string; source: string; marker: string; reason: string; preview: string; createdAt: string }[];
};

/** The last delivery attempts and the records set aside, for the integration's page. */
export async function findIntegrationActivity(id: string): Promise<TIntegrationActivity> {
  await findRow(id);
  const setAside = await db().setAsideRecord.findMany({
    where: { integrationId: id },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  let attempts: TDeliveryAttempt[] = [];
  try {
    attempts = await readAttempts(await sharedRedis(1000), id);
  } catch {
    // Attempts live in Redis; without it the page shows the rest.
  }
  return {
    attempts,
    setAside: setAside.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
  };
}

/** The last hour of records delivered per minute and lag, for the integration's charts. */
export async function findIntegrationSeries(id: string): Promise<TIntegrationSeries> {
  const row = await findRow(id);
  try {
    return await readSeries(await sharedRedis(1000), id, enabledSources(row));
  } catch (error) {
    warnRedis("series")(error);
    throw new AppError("service_unavailable", "The throughput series are kept in Redis, which cannot be reached.");
  }
}

/**
 * Starts each enabled source at its feed's head. Without Redis the dispatcher does it
 * once Redis is back, so saving never fails for it.
 */
async function startDeliveries(id: string, flags: TSourceFlags, restart: TFeedName[] = []) {
  try {
    await ensureDeliveries(db(), await sharedRedis(1000), id, flags, restart);
  } catch (error) {
    logger.warn("deliveries not started yet", {
      integrationId: id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

export async function createIntegration(input: unknown, caller: TCaller): Promise<TIntegration> {
  const data = parseOrThrow(schemas().create, input);
  checkDestination(data.ingestionUrl);
  const id = randomUUID();
  try {
    const row = await db().$transaction(async (tx) => {
      const created = await tx.integration.create({
        data: {
          id,
          accountId: ACCOUNT_ID,
          app: data.app,
          auth: data.auth,
          name: data.name,
          nameKey: nameKey(data.name),
          description: data.description,
          ingestionUrl: data.ingestionUrl,
          tokenCiphertext: encryptToken(data.apiKey, serverEnv().encryptionKey, id),
          tokenHint: tokenHint(data.apiKey),
          index: data.index,
          events: data.events,
          flows: data.flows,
          audit: data.audit,
          eventFilter: data.eventFilter,
          errorEvents: data.errorEvents,
          indexerAck: data.indexerAck,
          paused: data.paused,
          hecHost: data.hecHost,
          hecSource: data.hecSource,
          sourcetypeEvents: data.sourcetypes.events,
          sourcetypeFlows: data.sourcetypes.flows,
          sourcetypeAudit: data.sourcetypes.audit,
        },
      });
      await recordAudit(tx, caller, {
        action: "integration.created",
        target: { type: "integration", id, label: data.name },
        details: {
          ingestionUrl: data.ingestionUrl,
          index: data.index,
          events: data.events,
          flows: data.flows,
          audit: data.audit,
          paused: data.paused,
          hecHost: data.hecHost,
          hecSource: data.hecSource,
          sourcetypes: data.sourcetypes,
        },
      });
      return created;
    });
    await startDeliveries(row.id, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(data.name);
    throw error;
  }
  return findIntegration(id);
}

/** Pause and resume have their own audit actions; any other change is an edit naming its fields. */
function updateAction(fields: string[], paused: boolean | undefined): TAuditAction {
  if (paused !== undefined && fields.length === 1 && fields[0] === "paused") {
    return paused ? "integration.paused" : "integration.resumed";
  }
  return "integration.updated";
}

type TChange = { from: unknown; to: unknown } | { secret: true };

/**
 * What an edit really changed, field by field: the panel sends every field, the trail
 * lists only those whose value differs, before → after. A new API key is named, never shown.
 */
function changesOf(data: Record<string, unknown>, current: Record<string, unknown>): Record<string, TChange> {
  const changes: Record<string, TChange> = {};
  for (const [field, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (field === "apiKey") {
      changes.apiKey = { secret: true };
      continue;
    }
    const before = current[field] ?? null;
    if (JSON.stringify(before) !== JSON.stringify(value)) changes[field] = { from: before, to: value };
  }
  return changes;
}

export async function updateIntegration(id: string, input: unknown, caller: TCaller): Promise<TIntegration> {
  const data = parseOrThrow(schemas().update, input);
  if (data.ingestionUrl !== undefined) checkDestination(data.ingestionUrl);
  if (!isUuid(id)) throw notFound();
  const current = await db().integration.findFirst({ where: { id, accountId: ACCOUNT_ID } });
  if (!current) throw notFound();

  if (
    data.ingestionUrl !== undefined &&
    data.apiKey === undefined &&
    destinationOf(data.ingestionUrl) !== destinationOf(current.ingestionUrl)
  ) {
    throw keyNeededForNewDestination();
  }

  const sourcesProblem = checkDataSources({
    events: data.events ?? current.events,
    flows: data.flows ?? current.flows,
    audit: data.audit ?? current.audit,
  });
  if (sourcesProblem) {
    throw new AppError("validation_failed", sourcesProblem, [{ name: "events", reason: sourcesProblem }]);
  }

  const destinationChanged = ["ingestionUrl", "apiKey", "index", "eventFilter", "paused"].some(
    (field) => data[field as keyof typeof data] !== undefined,
  );
  const changes = changesOf(data, current as unknown as Record<string, unknown>);
  const fields = Object.keys(changes);
  try {
    const row = await db().$transaction(async (tx) => {
      const updated = await tx.integration.update({
        where: { id: current.id },
        data: {
          ...(data.name !== undefined ? { name: data.name, nameKey: nameKey(data.name) } : {}),
          ...(data.description !== undefined ? { description: data.description } : {}),
          ...(data.ingestionUrl !== undefined ? { ingestionUrl: data.ingestionUrl } : {}),
          ...(data.apiKey !== undefined
            ? {
                tokenCiphertext: encryptToken(data.apiKey, serverEnv().encryptionKey, current.id),
                tokenHint: tokenHint(data.apiKey),
              }
            : {}),
          ...(data.index !== undefined ? { index: data.index } : {}),
          ...(data.events !== undefined ? { events: data.events } : {}),
          ...(data.flows !== undefined ? { flows: data.flows } : {}),
          ...(data.audit !== undefined ? { audit: data.audit } : {}),
          ...(data.eventFilter !== undefined ? { eventFilter: data.eventFilter } : {}),
          ...(data.errorEvents !== undefined ? { errorEvents: data.errorEvents } : {}),
          ...(data.indexerAck !== undefined ? { indexerAck: data.indexerAck } : {}),
          ...(data.paused !== undefined ? { paused: data.paused } : {}),
          ...(data.hecHost !== undefined ? { hecHost: data.hecHost } : {}),
          ...(data.hecSource !== undefined ? { hecSource: data.hecSource } : {}),
          // Sourcetypes left out of the object keep their stored values.
          ...(data.sourcetypes?.events !== undefined ? { sourcetypeEvents: data.sourcetypes.events } : {}),
          ...(data.sourcetypes?.flows !== undefined ? { sourcetypeFlows: data.sourcetypes.flows } : {}),
          ...(data.sourcetypes?.audit !== undefined ? { sourcetypeAudit: data.sourcetypes.audit } : {}),
          // A fix (new key, URL or index) or a resume is tried on the next batch, not after the backoff.
          ...(destinationChanged ? { deliveries: { updateMany: { where: {}, data: { nextAttemptAt: null } } } } : {}),
        },
      });
      await recordAudit(tx, caller, {
        action: updateAction(fields, data.paused),
        target: { type: "integration", id: current.id, label: updated.name },
        // The API key's value never enters the trail: only that it changed.
        details: { fields, changes } as Prisma.InputJsonObject,
      });
      return updated;
    });
    const switchedOn = enabledSources(row).filter((s) => !current[s]);
    await startDeliveries(row.id, row, switchedOn);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(data.name ?? current.name);
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") throw notFound();
    throw error;
  }
  return findIntegration(id);
}

/** Removes the connector here only; nothing is deleted in Splunk. */
export async function deleteIntegration(id: string, caller: TCaller): Promise<void> {
  if (!isUuid(id)) throw notFound();
  await db().$transaction(async (tx) => {
    const current = await tx.integration.findFirst({ where: { id, accountId: ACCOUNT_ID } });
    if (!current) throw notFound();
    const { count } = await tx.integration.deleteMany({ where: { id, accountId: ACCOUNT_ID } });
    if (count === 0) throw notFound();
    await recordAudit(tx, caller, {
      action: "integration.deleted",
      target: { type: "integration", id, label: current.name },
    });
  });
  // Its pumps stop at their next batch: they find no integration.
  await sharedRedis(1000)
    .then((redis) =>
      Promise.all([forgetAttempts(redis, id), forgetDeliveryMetrics(redis, id), forgetSeries(redis, id)]),
    )
    .catch(() => undefined);
}

/** Splits the test's own flag from the integration fields, so the fields keep their strict rules. */
function takeTestFlag(input: unknown): { sendTestEvent: boolean; rest: unknown } {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return { sendTestEvent: false, rest: input };
  const { sendTestEvent, ...rest } = input as Record<string, unknown>;
  if (sendTestEvent !== undefined && typeof sendTestEvent !== "boolean") {
    throw new AppError("validation_failed", "sendTestEvent must be true or false", [
      { name: "sendTestEvent", reason: "sendTestEvent must be true or false" },
    ]);
  }
  return { sendTestEvent: sendTestEvent === true, rest };
}

function runTest(target: TTestTarget, sendTestEvent: boolean) {
  const env = serverEnv();
  return testConnection(target, {
    sendTestEvent,
    allowPrivateNetworks: env.HEC_ALLOW_PRIVATE_NETWORKS,
    timeoutMs: Math.min(env.HEC_TIMEOUT_SECONDS, 15) * 1000,
  });
}

/** Every connection test is audited: who, which integration, the destination host, the result. */
async function auditTest(
  caller: TCaller,
  target: { id: string; label: string } | null,
  ingestionUrl: string,
  sendTestEvent: boolean,
  result: TTestResult,
): Promise<TTestResult> {
  await recordAudit(db(), caller, {
    action: "integration.tested",
    outcome: result.ok ? "success" : "failure",
    ...(target ? { target: { type: "integration", ...target } } : {}),
    details: {
      host: new URL(ingestionUrl).host,
      sendTestEvent,
      result: result.ok ? "passed" : "failed",
      ...(target ? {} : { saved: false }),
    },
  });
  return result;
}

/** Tests an integration that is not saved: the same body as a create, plus sendTestEvent. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export async function testNewIntegration(input: unknown, caller: TCaller): Promise<TTestResult> {
  const { sendTestEvent, rest } = takeTestFlag(input);
  // A destination can be tested before the connector has a name: the name plays no part.
  const named = isRecord(rest) && rest.name === undefined ? { ...rest, name: "Unnamed" } : rest;
  const data = parseOrThrow(schemas().create, named);
  checkDestination(data.ingestionUrl);
  const result = await runTest(
    {
      ingestionUrl: data.ingestionUrl,
      token: data.apiKey,
      index: data.index,
      indexerAck: data.indexerAck,
      hecHost: data.hecHost,
      hecSource: data.hecSource,
    },
    sendTestEvent,
  );
  return auditTest(caller, null, data.ingestionUrl, sendTestEvent, result);
}

/**
 * Tests a saved integration, with any unsaved changes from the body. No apiKey means the
 * stored one, which goes only to the destination it was saved for.
 */
export async function testSavedIntegration(id: string, input: unknown, caller: TCaller): Promise<TTestResult> {
  const { sendTestEvent, rest } = takeTestFlag(input ?? {});
  const data = parseOrThrow(schemas().update, rest);
  const row = await findRow(id);
  const ingestionUrl = data.ingestionUrl ?? row.ingestionUrl;
  checkDestination(ingestionUrl);
  let token = data.apiKey;
  if (token === undefined) {
    if (destinationOf(ingestionUrl) !== destinationOf(row.ingestionUrl)) throw keyNeededForNewDestination();
    try {
      token = decryptToken(row.tokenCiphertext, serverEnv().encryptionKey, row.id);
    } catch {
      throw new AppError("validation_failed", "The stored API key cannot be decrypted; enter it again.", [
        { name: "apiKey", reason: "The stored API key cannot be decrypted; enter it again" },
      ]);
    }
  }
  const result = await runTest(
    {
      ingestionUrl,
      token,
      index: data.index !== undefined ? data.index : row.index,
      indexerAck: data.indexerAck ?? row.indexerAck,
      hecHost: data.hecHost ?? row.hecHost,
      hecSource: data.hecSource ?? row.hecSource,
    },
    sendTestEvent,
  );
  return auditTest(caller, { id: row.id, label: row.name }, ingestionUrl, sendTestEvent, result);
}
