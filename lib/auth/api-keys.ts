import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { ApiKey, Prisma } from "@/lib/generated/prisma/client";
import { isUuid, parseOrThrow } from "@/lib/validation";
import type { TCaller, TRole } from "./caller";
import { ZCreateApiKey } from "./schema";
import { newSecret, secretHash } from "./secrets";

export type TApiKey = {
  id: string;
  name: string;
  role: TRole;
  /** The key's first characters, to tell keys apart; the key itself is shown once, at creation. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

function serializeApiKey(row: ApiKey): TApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export async function listApiKeys(): Promise<TApiKey[]> {
  const rows = await db().apiKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  return rows.map(serializeApiKey);
}

/** Creates a key and returns it once; only its SHA-256 is stored. */
export async function createApiKey(input: unknown, caller: TCaller): Promise<{ key: string; apiKey: TApiKey }> {
  const data = parseOrThrow(ZCreateApiKey, input);
  const key = newSecret("sck");
  const row = await db().$transaction(async (tx) => {
    // A key made with a key answers to the user behind that one.
    const actor = caller.actor;
    const createdById =
      actor?.type === "user"
        ? actor.id
        : actor?.type === "api_key"
          ? ((await tx.apiKey.findUnique({ where: { id: actor.id } }))?.createdById ?? null)
          : null;
    const created = await tx.apiKey.create({
      data: {
        name: data.name,
        role: data.role,
        prefix: key.slice(0, 10),
        keyHash: secretHash(key),
        createdBy: caller.actor?.label ?? "system",
        createdById,
      },
    });
    await recordAudit(tx, caller, {
      action: "api_key.created",
      target: { type: "api_key", id: created.id, label: created.name },
      details: { role: created.role },
    });
    return created;
  });
  return { key, apiKey: serializeApiKey(row) };
}

/** Revokes a key: it stops working at once and stays listed, revoked, for the record. */
export async function revokeApiKey(id: string, caller: TCaller): Promise<TApiKey> {
  if (!isUuid(id)) throw new AppError("not_found", "No API key has this id.");
  return db().$transaction(async (tx) => {
    const current = await tx.apiKey.findUnique({ where: { id } });
    if (!current) throw new AppError("not_found", "No API key has this id.");
    if (current.revokedAt) return serializeApiKey(current);
    const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, caller, {
      action: "api_key.revoked",
      target: { type: "api_key", id, label: current.name },
    });
    return serializeApiKey(revoked);
  });
}

/**
 * Revokes, in the caller's transaction, the live keys a user's authority made: all of them
 * when the user is deleted, the Admin ones when the user is made a Viewer. Each is audited.
 */
export async function revokeKeysOf(
  tx: Prisma.TransactionClient,
  caller: TCaller,
  user: { id: string; email: string },
  reason: "user deleted" | "user made a Viewer",
): Promise<number> {
  const where = {
    createdById: user.id,
    revokedAt: null,
    ...(reason === "user made a Viewer" ? { role: "admin" as const } : {}),
  };
  const keys = await tx.apiKey.findMany({ where, select: { id: true, name: true } });
  if (keys.length === 0) return 0;
  await tx.apiKey.updateMany({ where: { id: { in: keys.map((k) => k.id) } }, data: { revokedAt: new Date() } });
  for (const key of keys) {
    await recordAudit(tx, caller, {
      action: "api_key.revoked",
      target: { type: "api_key", id: key.id, label: key.name },
      details: { reason, createdBy: user.email },
    });
  }
  return keys.length;
}
