import type { Redis } from "ioredis";
import { appendRecords } from "@/lib/feeds/feed-store";
import type { AuditEntry, PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Forwards the audit trail to the `audit` feed, from which each integration with the
 * Audit Trail data source delivers it to Splunk (sourcetype cato:audit) like any feed.
 *
 * An outbox: entries are written in the same transaction as the change they record
 * (lib/audit/record.ts) with `publishedAt` empty, and the worker appends them to the
 * feed afterwards. PostgreSQL stays the record of truth; the feed is the copy that
 * delivery reads, trimmed by the same retention as events and flows.
 */
export const AUDIT_PUBLISH_BATCH = 500;
/** Batches one run publishes at most, so a run ends soon even behind a large backlog. */
export const AUDIT_PUBLISH_MAX_BATCHES = 20;

/** The JSON that reaches Splunk for one audit entry. */
export type TAuditRecord = {
  /** The entry's id: the same entry published twice (after a crash) carries the same id. */
  audit_id: string;
  /** When it happened, ISO 8601 in UTC; also the HEC envelope's time. */
  time: string;
  action: string;
  outcome: string;
  /** Who: a user (name is the email), an API key (its name), anonymous (a failed sign-in: the email tried) or system. */
  actor: { type: string; id: string; name: string };
  /** What was acted on; null for actions without one, such as a sign-in. */
  target: { type: string; id: string; name: string } | null;
  src_ip: string | null;
  user_agent: string | null;
  /** Field names and reasons; never the value of a secret (recordAudit's callers guarantee that). */
  details: unknown;
};

type TAuditRow = Pick<
  AuditEntry,
  | "id"
  | "at"
  | "action"
  | "outcome"
  | "actorType"
  | "actorId"
  | "actorLabel"
  | "targetType"
  | "targetId"
  | "targetLabel"
  | "address"
  | "userAgent"
  | "details"
>;

/**
 * The record an analyst searches in Splunk. `time` comes right after `audit_id`, before
 * any nested object, which is where the HEC envelope's time is read from.
 */
export function toAuditRecord(entry: TAuditRow): TAuditRecord {
  return {
    audit_id: entry.id,
    time: entry.at.toISOString(),
    action: entry.action,
    outcome: entry.outcome,
    actor: { type: entry.actorType, id: entry.actorId, name: entry.actorLabel },
    target: entry.targetType ? { type: entry.targetType, id: entry.targetId, name: entry.targetLabel } : null,
    src_ip: entry.address || null,
    user_agent: entry.userAgent || null,
    details: entry.details ?? {},
  };
}

export type TPublishOptions = {
  /** The feed is trimmed to about this many records (0: no length cap), as for events and flows. */
  maxFeedLength: number;
  batchSize?: number;
};

/**
 * Appends up to one batch of unpublished entries to the audit feed, oldest first, and
 * marks them published. Returns how many it published.
 *
 * The rows are locked with FOR UPDATE SKIP LOCKED for the whole transaction: a second
 * publisher running at the same time skips them and takes the next ones (or none), so
 * two workers never publish the same entry. Their batches may then reach the feed in
 * either order; each record carries its own time, which is what Splunk orders by.
 *
 * At least once, never lost: the append to Redis happens before `publishedAt` is
 * committed. If the process dies, or the commit fails, between the two, the entries are
 * still unpublished in PostgreSQL and are appended again by the next run: Splunk may
 * then hold an entry twice (same audit_id), but never miss one.
 */
export async function publishAuditBatch(
  prisma: PrismaClient,
  redis: Redis,
  { maxFeedLength, batchSize = AUDIT_PUBLISH_BATCH }: TPublishOptions,
): Promise<number> {
  return prisma.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "AuditEntry"
        WHERE "publishedAt" IS NULL
        ORDER BY "seq"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return 0;
      const ids = locked.map((row) => row.id);
      const entries = await tx.auditEntry.findMany({ where: { id: { in: ids } }, orderBy: { seq: "asc" } });
      await appendRecords(
        redis,
        "audit",
        entries.map((entry) => ({ json: JSON.stringify(toAuditRecord(entry)) })),
        maxFeedLength,
      );
      await tx.auditEntry.updateMany({ where: { id: { in: ids } }, data: { publishedAt: new Date() } });
      return entries.length;
    },
    // Generous: a transaction that times out after its append only republishes (see above).
    { timeout: 30_000 },
  );
}

/** Publishes batch after batch until none is left, or AUDIT_PUBLISH_MAX_BATCHES were published. */
export async function publishAuditEntries(
  prisma: PrismaClient,
  redis: Redis,
  options: TPublishOptions & { maxBatches?: number },
): Promise<number> {
  const batchSize = options.batchSize ?? AUDIT_PUBLISH_BATCH;
  let published = 0;
  for (let i = 0; i < (options.maxBatches ?? AUDIT_PUBLISH_MAX_BATCHES); i++) {
    const count = await publishAuditBatch(prisma, redis, { ...options, batchSize });
    published += count;
    if (count < batchSize) break;
  }
  return published;
}
