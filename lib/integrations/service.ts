import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import {
  checkDataSources,
  ZCreateIntegrationInput,
  ZUpdateIntegrationInput,
  type TIntegration,
} from "@/lib/integrations/schema";
import { serializeIntegration } from "@/lib/integrations/serializer";
import { encryptToken, tokenHint } from "@/lib/security/token-cipher";
import { parseOrThrow } from "@/lib/validation";

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

function notFound(): AppError {
  return new AppError("not_found", "No integration has this id.");
}

export async function findIntegrations(): Promise<TIntegration[]> {
  const rows = await db().integration.findMany({
    where: { accountId: ACCOUNT_ID },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
  });
  return rows.map(serializeIntegration);
}

export async function findIntegration(id: string): Promise<TIntegration> {
  const row = await db().integration.findFirst({ where: { id, accountId: ACCOUNT_ID } });
  if (!row) throw notFound();
  return serializeIntegration(row);
}

export async function createIntegration(input: unknown): Promise<TIntegration> {
  const data = parseOrThrow(ZCreateIntegrationInput, input);
  const id = randomUUID();
  try {
    const row = await db().integration.create({
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
        eventFilter: data.eventFilter,
        errorEvents: data.errorEvents,
      },
    });
    return serializeIntegration(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(data.name);
    throw error;
  }
}

export async function updateIntegration(id: string, input: unknown): Promise<TIntegration> {
  const data = parseOrThrow(ZUpdateIntegrationInput, input);
  const current = await db().integration.findFirst({ where: { id, accountId: ACCOUNT_ID } });
  if (!current) throw notFound();

  const sourcesProblem = checkDataSources({
    events: data.events ?? current.events,
    flows: data.flows ?? current.flows,
  });
  if (sourcesProblem) {
    throw new AppError("validation_failed", sourcesProblem, [{ name: "events", reason: sourcesProblem }]);
  }

  try {
    const row = await db().integration.update({
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
        ...(data.eventFilter !== undefined ? { eventFilter: data.eventFilter } : {}),
        ...(data.errorEvents !== undefined ? { errorEvents: data.errorEvents } : {}),
      },
    });
    return serializeIntegration(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(data.name ?? current.name);
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") throw notFound();
    throw error;
  }
}

/** Removes the connector here only; nothing is deleted in Splunk. */
export async function deleteIntegration(id: string): Promise<void> {
  const { count } = await db().integration.deleteMany({ where: { id, accountId: ACCOUNT_ID } });
  if (count === 0) throw notFound();
}
