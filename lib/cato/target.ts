import { catoApiUrl } from "@/lib/cato/regions";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { decryptToken, encryptToken } from "@/lib/security/token-cipher";

/** The console account the Cato account belongs to (a single account for now). */
export const CONSOLE_ACCOUNT_ID = "default";

// The key is bound to its row like HEC tokens are to theirs: a ciphertext copied to an
// integration does not decrypt there (integration ids are UUIDs, never "cato:...").
const bindingOf = (accountId: string) => `cato:${accountId}`;

export function encryptCatoKey(apiKey: string, encryptionKey: Buffer, accountId = CONSOLE_ACCOUNT_ID): string {
  return encryptToken(apiKey, encryptionKey, bindingOf(accountId));
}

export function decryptCatoKey(sealed: string, encryptionKey: Buffer, accountId = CONSOLE_ACCOUNT_ID): string {
  return decryptToken(sealed, encryptionKey, bindingOf(accountId));
}

/** What the poller needs; the key is decrypted in the worker only. */
export type TPollTarget = {
  catoAccountId: string;
  apiKey: string;
  apiUrl: string;
  events: boolean;
  audit: boolean;
  enabled: boolean;
  /** Changes whenever the settings are saved. */
  version: string;
};

export async function loadPollTarget(
  prisma: PrismaClient,
  encryptionKey: Buffer,
  apiUrlOverride?: string,
): Promise<TPollTarget | null> {
  const row = await prisma.catoAccount.findUnique({ where: { accountId: CONSOLE_ACCOUNT_ID } });
  if (!row) return null;
  return {
    catoAccountId: row.catoAccountId,
    apiKey: decryptCatoKey(row.apiKeyCiphertext, encryptionKey, row.accountId),
    apiUrl: catoApiUrl(row.region, apiUrlOverride),
    events: row.events,
    audit: row.audit,
    enabled: row.enabled,
    version: row.updatedAt.toISOString(),
  };
}

/** Real and simulated data never mix: the simulator writes nothing while this is true. */
export async function isCatoAccountActive(prisma: PrismaClient): Promise<boolean> {
  const row = await prisma.catoAccount.findUnique({
    where: { accountId: CONSOLE_ACCOUNT_ID },
    select: { enabled: true },
  });
  return row?.enabled === true;
}
