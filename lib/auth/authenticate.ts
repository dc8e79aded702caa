import "server-only";
import { db } from "@/lib/db";
import type { TActor } from "./caller";
import { sessionTokenFromCookieHeader } from "./cookies";
import { secretHash } from "./secrets";
import { resolveSession } from "./sessions";

const API_KEY_TOUCH_EVERY_MS = 60_000;

/** The API key behind `Authorization: Bearer <key>`, or null when unknown or revoked. */
export async function resolveApiKey(key: string): Promise<TActor | null> {
  if (!key.startsWith("sck_") || key.length > 100) return null;
  const row = await db().apiKey.findUnique({ where: { keyHash: secretHash(key) } });
  if (!row || row.revokedAt) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > API_KEY_TOUCH_EVERY_MS) {
    await db().apiKey.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastUsedAt: new Date(now) } });
  }
  return { type: "api_key", id: row.id, label: row.name, role: row.role };
}

/**
 * Who sent the request: an API key when an Authorization header is present (and
 * nothing else then, so a bad key is never rescued by a cookie), else the session.
 */
export async function authenticate(headers: Headers): Promise<TActor | null> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? resolveApiKey(match[1]!) : null;
  }
  const token = sessionTokenFromCookieHeader(headers.get("cookie"));
  return token ? resolveSession(token) : null;
}
