import "server-only";
import { readFileSync, rmSync } from "node:fs";
import { timingSafeEqual } from "node:crypto";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { sharedRedis } from "@/lib/redis";
import { parseOrThrow } from "@/lib/validation";
import { SYSTEM_CALLER, type TCaller } from "./caller";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password";
import { clearFailures, countFailure, secondsBlocked, type TLimit } from "./rate-limit";
import { ZChangePassword, ZCreateUser, ZSetup, ZSignIn } from "./schema";
import { secretHash } from "./secrets";
import { createSession } from "./sessions";
import { lockUsers, serializeUser, type TUser } from "./users";

/** One reply for an unknown email and a wrong password, so that replies do not reveal accounts. */
export const SIGN_IN_REFUSED = "Email or password is incorrect.";

export type TSignedIn = { token: string; user: TUser; maxAgeSeconds: number };

function limitsFor(email: string, address: string): TLimit[] {
  const env = serverEnv();
  return [
    { key: `signin:fail:account:${secretHash(email)}`, max: env.SIGNIN_MAX_FAILURES_PER_ACCOUNT },
    { key: `signin:fail:address:${secretHash(address || "unknown")}`, max: env.SIGNIN_MAX_FAILURES_PER_ADDRESS },
  ];
}

async function rateLimiter() {
  try {
    return await sharedRedis(1500);
  } catch {
    // Without its counters the limit cannot hold, so sign-in waits for Redis rather than go unguarded.
    throw new AppError(
      "service_unavailable",
      "Sign-in is unavailable: Redis, which counts failed attempts, cannot be reached.",
    );
  }
}

function tooMany(seconds: number) {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return new AppError(
    "too_many_requests",
    `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    [],
    { "retry-after": String(seconds) },
  );
}

function sessionMaxAge(): number {
  return serverEnv().SESSION_MAX_HOURS * 3600;
}

export async function signIn(input: unknown, caller: TCaller): Promise<TSignedIn> {
  const data = parseOrThrow(ZSignIn, input);
  const email = data.email.trim().toLowerCase();
  const redis = await rateLimiter();
  const limits = limitsFor(email, caller.address);
  const blocked = await secondsBlocked(redis, limits);
  if (blocked > 0) {
    await recordAudit(db(), caller, {
      action: "auth.sign_in_failed",
      outcome: "failure",
      actorLabel: email,
      details: { reason: "rate_limited" },
    });
    throw tooMany(blocked);
  }

  const user = await db().user.findUnique({ where: { email } });
  const valid = user
    ? await verifyPassword(data.password, user.passwordHash)
    : (await burnPasswordCheck(data.password), false);
  if (!user || !valid) {
    await countFailure(redis, limits, serverEnv().SIGNIN_WINDOW_MINUTES * 60_000);
    await recordAudit(db(), caller, {
      action: "auth.sign_in_failed",
      outcome: "failure",
      actorLabel: email,
      details: { reason: user ? "wrong_password" : "unknown_email" },
    });
    throw new AppError("unauthorized", SIGN_IN_REFUSED);
  }

  await clearFailures(redis, [limits[0]!.key]);
  const actorCaller = { ...caller, actor: { type: "user" as const, id: user.id, label: user.email, role: user.role } };
  const token = await db().$transaction(async (tx) => {
    const created = await createSession(tx, user.id, actorCaller);
    await recordAudit(tx, actorCaller, {
      action: "auth.sign_in",
      target: { type: "user", id: user.id, label: user.email },
    });
    return created;
  });
  return { token, user: serializeUser(user), maxAgeSeconds: sessionMaxAge() };
}

export async function recordSignOut(caller: TCaller): Promise<void> {
  if (!caller.actor) return;
  await recordAudit(db(), caller, {
    action: "auth.sign_out",
    target: { type: caller.actor.type, id: caller.actor.id, label: caller.actor.label },
  });
}

/**
 * First run: while no user exists, the setup page creates the first Admin. It asks for
 * the setup code that `npm start` writes to a file only the operator can read
 * (SETUP_CODE_FILE), so that whoever reaches the port first cannot take the console.
 */
function readSetupCode(): string | null {
  const file = serverEnv().SETUP_CODE_FILE;
  if (!file) return null;
  try {
    const code = readFileSync(file, "utf8").trim();
    return code.length >= 16 ? code : null;
  } catch {
    return null;
  }
}

export type TSetupStatus = { needed: boolean; available: boolean };

export async function setupStatus(): Promise<TSetupStatus> {
  const needed = (await db().user.count()) === 0;
  return { needed, available: needed && readSetupCode() !== null };
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(secretHash(a), "hex"), Buffer.from(secretHash(b), "hex"));
}

export async function completeSetup(input: unknown, caller: TCaller): Promise<TSignedIn> {
  const data = parseOrThrow(ZSetup, input);
  const expected = readSetupCode();
  if (expected === null) {
    throw new AppError(
      "conflict",
      "Setup through this page is not enabled on this server: set ADMIN_EMAIL and ADMIN_PASSWORD, or start it with `npm start`.",
    );
  }
  if (!sameSecret(data.setupCode.trim(), expected)) {
    const reason = "setupCode does not match the code in the setup file";
    throw new AppError("validation_failed", `${reason}.`, [{ name: "setupCode", reason }]);
  }
  const passwordHash = await hashPassword(data.password);
  const { user, token } = await db().$transaction(async (tx) => {
    await lockUsers(tx);
    if ((await tx.user.count()) > 0) throw new AppError("conflict", "Setup is done: an administrator exists. Sign in.");
    const created = await tx.user.create({ data: { email: data.email, passwordHash, role: "admin" } });
    const actorCaller = {
      ...caller,
      actor: { type: "user" as const, id: created.id, label: created.email, role: created.role },
    };
    await recordAudit(tx, actorCaller, {
      action: "auth.setup",
      target: { type: "user", id: created.id, label: created.email },
    });
    return { user: created, token: await createSession(tx, created.id, actorCaller) };
  });
  removeSetupCode();
  return { token, user: serializeUser(user), maxAgeSeconds: sessionMaxAge() };
}

/** The code has done its job once an administrator exists: it must not lie on disk. */
function removeSetupCode(): void {
  const file = serverEnv().SETUP_CODE_FILE;
  if (!file) return;
  try {
    rmSync(file, { force: true });
  } catch (error) {
    logger.warn("the setup code file could not be removed", {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * ADMIN_EMAIL / ADMIN_PASSWORD: the first administrator, created at start-up when no user
 * exists. Once any Admin exists (made here, on the setup page, or on an earlier start),
 * the setup code file is removed.
 */
export async function ensureInitialAdmin(): Promise<"created" | "exists" | "not_configured"> {
  const result = await createInitialAdmin();
  if ((await db().user.count({ where: { role: "admin" } })) > 0) removeSetupCode();
  return result;
}

async function createInitialAdmin(): Promise<"created" | "exists" | "not_configured"> {
  const env = serverEnv();
  if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) {
    return (await db().user.count()) > 0 ? "exists" : "not_configured";
  }
  const result = ZCreateUser.safeParse({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, role: "admin" });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = issue.path[0] === "email" ? "ADMIN_EMAIL" : "ADMIN_PASSWORD";
    throw new AppError("validation_failed", `${variable}: ${issue.message}`);
  }
  const passwordHash = await hashPassword(result.data.password);
  return db().$transaction(async (tx) => {
    await lockUsers(tx);
    if ((await tx.user.count()) > 0) return "exists" as const;
    const created = await tx.user.create({ data: { email: result.data.email, passwordHash, role: "admin" } });
    await recordAudit(tx, SYSTEM_CALLER, {
      action: "user.created",
      target: { type: "user", id: created.id, label: created.email },
      details: { role: "admin", from: "ADMIN_EMAIL" },
    });
    logger.info("first administrator created from ADMIN_EMAIL", { email: created.email });
    return "created" as const;
  });
}

/**
 * A signed-in user changes their own password: the current one first (failures count
 * against the account's sign-in limit, so a stolen session cannot guess it), then the
 * new one; every other session of the user ends, this one stays.
 */
export async function changeOwnPassword(input: unknown, caller: TCaller, currentToken: string | null): Promise<void> {
  const actor = caller.actor;
  if (!actor || actor.type !== "user") {
    throw new AppError("forbidden", "Only a signed-in user has a password to change; API keys have none.");
  }
  const data = parseOrThrow(ZChangePassword, input);
  const redis = await rateLimiter();
  const limits = limitsFor(actor.label, caller.address);
  const blocked = await secondsBlocked(redis, limits);
  if (blocked > 0) throw tooMany(blocked);
  const user = await db().user.findUnique({ where: { id: actor.id } });
  if (!user || !(await verifyPassword(data.currentPassword, user.passwordHash))) {
    await countFailure(redis, limits, serverEnv().SIGNIN_WINDOW_MINUTES * 60_000);
    await recordAudit(db(), caller, {
      action: "auth.password_changed",
      outcome: "failure",
      target: { type: "user", id: actor.id, label: actor.label },
      details: { reason: "wrong_current_password" },
    });
    const reason = "Current password is not correct";
    throw new AppError("validation_failed", `${reason}.`, [{ name: "currentPassword", reason }]);
  }
  const passwordHash = await hashPassword(data.newPassword);
  const keep = currentToken ? secretHash(currentToken) : "";
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const { count } = await tx.session.deleteMany({ where: { userId: user.id, id: { not: keep } } });
    await recordAudit(tx, caller, {
      action: "auth.password_changed",
      target: { type: "user", id: user.id, label: user.email },
      details: { otherSessionsEnded: count },
    });
  });
}
