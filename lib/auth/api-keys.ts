import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { ApiKey } from "@/lib/generated/prisma/client";
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
    const created = await tx.apiKey.create({
      data: {
        name: data.name,
        role: data.role,
        prefix: key.slice(0, 10),
        keyHash: secretHash(key),
        createdBy: caller.actor?.label ?? "system",
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
