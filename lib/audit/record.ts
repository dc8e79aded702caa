import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { TCaller } from "@/lib/auth/caller";

/** Every action the audit trail records, as stored and as forwarded to Splunk. */
export const AUDIT_ACTIONS = [
  "auth.setup",
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
  "auth.password_changed",
  "user.created",
  "user.updated",
  "user.deleted",
  "api_key.created",
  "api_key.revoked",
  "integration.created",
  "integration.updated",
  "integration.paused",
  "integration.resumed",
  "integration.deleted",
  "integration.tested",
  "cato_account.connected",
  "cato_account.updated",
  "cato_account.disconnected",
  "cato_account.tested",
] as const;
export type TAuditAction = (typeof AUDIT_ACTIONS)[number];

export type TAuditInput = {
  action: TAuditAction;
  outcome?: "success" | "failure";
  target?: { type: string; id: string; label: string };
  /** Field names, reasons: never the value of a secret. */
  details?: Prisma.InputJsonObject;
  /** Who, when the request carries no actor (a failed sign-in names the email tried). */
  actorLabel?: string;
};

type TAuditWriter = Pick<PrismaClient, "auditEntry"> | Prisma.TransactionClient;

/**
 * Writes one entry, in the caller's transaction when it passes one, so that a change
 * and its audit entry are stored together or not at all. The worker forwards entries
 * to the audit feed afterwards (lib/audit/publish.ts).
 */
export async function recordAudit(writer: TAuditWriter, caller: TCaller, input: TAuditInput): Promise<void> {
  const actor = caller.actor;
  await writer.auditEntry.create({
    data: {
      actorType: actor ? actor.type : input.actorLabel !== undefined ? "anonymous" : "system",
      actorId: actor?.id ?? "",
      actorLabel: (actor?.label ?? input.actorLabel ?? "system").slice(0, 254),
      action: input.action,
      outcome: input.outcome ?? "success",
      targetType: input.target?.type ?? "",
      targetId: input.target?.id ?? "",
      targetLabel: input.target?.label.slice(0, 254) ?? "",
      address: caller.address,
      userAgent: caller.userAgent,
      details: input.details ?? {},
    },
  });
}
