import "server-only";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TActor, TCaller } from "./caller";
import { newSecret, secretHash } from "./secrets";

/**
 * Browser sessions. The cookie holds a random token; the database holds its SHA-256,
 * the user, an absolute end (SESSION_MAX_HOURS) and the last activity, which ends the
 * session after SESSION_IDLE_MINUTES without a request.
 */
const TOUCH_EVERY_MS = 60_000;

export async function createSession(tx: Prisma.TransactionClient, userId: string, caller: TCaller): Promise<string> {
  const token = newSecret("ses");
  const now = new Date();
  await tx.session.create({
    data: {
      id: secretHash(token),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + serverEnv().SESSION_MAX_HOURS * 3_600_000),
      address: caller.address,
      userAgent: caller.userAgent,
    },
  });
  return token;
}

/** The signed-in user behind a session token, or null when it is unknown, expired or idle too long. */
export async function resolveSession(token: string): Promise<TActor | null> {
  if (!token.startsWith("ses_") || token.length > 100) return null;
  const id = secretHash(token);
  const session = await db().session.findUnique({ where: { id }, include: { user: true } });
  if (!session) return null;
  const now = Date.now();
  const idleLimit = serverEnv().SESSION_IDLE_MINUTES * 60_000;
  if (session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + idleLimit <= now) {
    await db().session.deleteMany({ where: { id } });
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db().session.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } });
  }
  return { type: "user", id: session.user.id, label: session.user.email, role: session.user.role };
}

export async function endSession(token: string): Promise<void> {
  await db().session.deleteMany({ where: { id: secretHash(token) } });
}

/** Drops sessions that ended, so that the table holds only live ones. */
export async function pruneSessions(): Promise<number> {
  const { count } = await db().session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
  return count;
}
