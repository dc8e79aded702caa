import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma, type User } from "@/lib/generated/prisma/client";
import { isUuid, parseOrThrow } from "@/lib/validation";
import type { TCaller, TRole } from "./caller";
import { revokeKeysOf } from "./api-keys";
import { hashPassword } from "./password";
import { ZCreateUser, ZUpdateUser } from "./schema";

export type TUser = { id: string; email: string; role: TRole; createdAt: string; updatedAt: string };

export function serializeUser(user: User): TUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

const userNotFound = () => new AppError("not_found", "No user has this id.");

/** Serialises changes to the set of users, so that two requests cannot remove the last admin together. */
export async function lockUsers(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('console.users'))`;
}

export async function countUsers(): Promise<number> {
  return db().user.count();
}

export async function listUsers(): Promise<TUser[]> {
  const users = await db().user.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return users.map(serializeUser);
}

function duplicateEmail(email: string) {
  const reason = `A user with the email ${email} already exists`;
  return new AppError("conflict", `${reason}.`, [{ name: "email", reason }]);
}

export async function createUser(input: unknown, caller: TCaller): Promise<TUser> {
  const data = parseOrThrow(ZCreateUser, input);
  const passwordHash = await hashPassword(data.password);
  try {
    const user = await db().$transaction(async (tx) => {
      await lockUsers(tx);
      const created = await tx.user.create({ data: { email: data.email, passwordHash, role: data.role } });
      await recordAudit(tx, caller, {
        action: "user.created",
        target: { type: "user", id: created.id, label: created.email },
        details: { role: created.role },
      });
      return created;
    });
    return serializeUser(user);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw duplicateEmail(data.email);
    throw error;
  }
}

async function assertAnotherAdmin(tx: Prisma.TransactionClient, userId: string, doing: string) {
  const others = await tx.user.count({ where: { role: "admin", id: { not: userId } } });
  if (others === 0) {
    throw new AppError("conflict", `The last Admin cannot be ${doing}; make another user Admin first.`, [
      { name: "role", reason: `the last Admin cannot be ${doing}` },
    ]);
  }
}

/** Changes a user's role or password; a new password ends the user's sessions. */
export async function updateUser(id: string, input: unknown, caller: TCaller): Promise<TUser> {
  const data = parseOrThrow(ZUpdateUser, input);
  if (!isUuid(id)) throw userNotFound();
  const passwordHash = data.password !== undefined ? await hashPassword(data.password) : undefined;
  const user = await db().$transaction(async (tx) => {
    await lockUsers(tx);
    const current = await tx.user.findUnique({ where: { id } });
    if (!current) throw userNotFound();
    if (data.role === "viewer" && current.role === "admin") await assertAnotherAdmin(tx, id, "made a Viewer");
    const updated = await tx.user.update({
      where: { id },
      data: { ...(data.role ? { role: data.role } : {}), ...(passwordHash ? { passwordHash } : {}) },
    });
    if (passwordHash) await tx.session.deleteMany({ where: { userId: id } });
    if (data.role === "viewer" && current.role === "admin") {
      await revokeKeysOf(tx, caller, current, "user made a Viewer");
    }
    const fields = [...(data.role !== undefined ? ["role"] : []), ...(passwordHash ? ["password"] : [])];
    await recordAudit(tx, caller, {
      action: "user.updated",
      target: { type: "user", id, label: current.email },
      details: {
        fields,
        ...(data.role !== undefined && data.role !== current.role
          ? { role: { from: current.role, to: data.role } }
          : {}),
      },
    });
    return updated;
  });
  return serializeUser(user);
}

/** Removes a user and their sessions; the last Admin stays. */
export async function deleteUser(id: string, caller: TCaller): Promise<void> {
  if (!isUuid(id)) throw userNotFound();
  await db().$transaction(async (tx) => {
    await lockUsers(tx);
    const current = await tx.user.findUnique({ where: { id } });
    if (!current) throw userNotFound();
    if (current.role === "admin") await assertAnotherAdmin(tx, id, "deleted");
    await tx.user.delete({ where: { id } });
    await revokeKeysOf(tx, caller, current, "user deleted");
    await recordAudit(tx, caller, {
      action: "user.deleted",
      target: { type: "user", id, label: current.email },
    });
  });
}
