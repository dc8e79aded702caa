import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import type { AuditEntry, Prisma } from "@/lib/generated/prisma/client";
import { parseOrThrow } from "@/lib/validation";
import { AUDIT_ACTIONS } from "./record";

export type TAuditEntry = {
  id: string;
  seq: string;
  at: string;
  actorType: string;
  actorLabel: string;
  action: string;
  outcome: string;
  targetType: string;
  targetId: string;
  targetLabel: string;
  address: string;
  userAgent: string;
  details: unknown;
};

export function serializeAuditEntry(row: AuditEntry): TAuditEntry {
  return {
    id: row.id,
    seq: row.seq.toString(),
    at: row.at.toISOString(),
    actorType: row.actorType,
    actorLabel: row.actorLabel,
    action: row.action,
    outcome: row.outcome,
    targetType: row.targetType,
    targetId: row.targetId,
    targetLabel: row.targetLabel,
    address: row.address,
    userAgent: row.userAgent,
    details: row.details,
  };
}

export const ZAuditQuery = z.strictObject({
  actor: z.string().trim().max(254, "actor must be at most 254 characters").optional(),
  action: z.enum(AUDIT_ACTIONS, { error: `action must be one of ${AUDIT_ACTIONS.join(", ")}` }).optional(),
  before: z
    .string()
    .regex(/^\d{1,18}$/, "before must be the seq of an entry (a whole number)")
    .optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be between 1 and 200")
    .max(200, "limit must be between 1 and 200")
    .default(50),
});

export type TAuditPage = { entries: TAuditEntry[]; next: string | null; actors: string[] };

/** Newest first, filtered by who (email or key name, exact) and by action; `before` pages on. */
export async function findAuditEntries(params: unknown): Promise<TAuditPage> {
  const query = parseOrThrow(ZAuditQuery, params);
  const where: Prisma.AuditEntryWhereInput = {
    ...(query.actor
      ? {
          actorLabel:
            query.actor.toLowerCase() === query.actor ? query.actor : { equals: query.actor, mode: "insensitive" },
        }
      : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.before ? { seq: { lt: BigInt(query.before) } } : {}),
  };
  const [rows, actors] = await Promise.all([
    db().auditEntry.findMany({ where, orderBy: { seq: "desc" }, take: query.limit + 1 }),
    db().auditEntry.findMany({
      distinct: ["actorLabel"],
      select: { actorLabel: true },
      orderBy: { actorLabel: "asc" },
      take: 200,
    }),
  ]);
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map(serializeAuditEntry),
    next: rows.length > query.limit ? page[page.length - 1]!.seq.toString() : null,
    actors: actors.map((a) => a.actorLabel),
  };
}
