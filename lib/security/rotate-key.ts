import type { PrismaClient } from "@/lib/generated/prisma/client";
import { decryptCatoKey, encryptCatoKey } from "@/lib/cato/target";
import { decryptToken, encryptToken } from "@/lib/security/token-cipher";

export class KeyRotationError extends Error {
  override name = "KeyRotationError";
}

/**
 * Re-encrypts every stored HEC token from `oldKey` to `newKey` in one transaction:
 * all of them or none. A token the old key cannot decrypt stops the rotation, naming
 * the integration, so no token is left unreadable under either key.
 */
export async function rotateTokens(prisma: PrismaClient, oldKey: Buffer, newKey: Buffer): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.integration.findMany({ select: { id: true, name: true, tokenCiphertext: true } });
    for (const row of rows) {
      let token: string;
      try {
        token = decryptToken(row.tokenCiphertext, oldKey, row.id);
      } catch {
        throw new KeyRotationError(
          `The current key cannot decrypt the API key of "${row.name}" (${row.id}); nothing was changed.`,
        );
      }
      await tx.integration.update({
        where: { id: row.id },
        data: { tokenCiphertext: encryptToken(token, newKey, row.id) },
      });
    }
    // The Cato account's API key is sealed with the same key.
    const catoAccounts = await tx.catoAccount.findMany({ select: { accountId: true, apiKeyCiphertext: true } });
    for (const row of catoAccounts) {
      let apiKey: string;
      try {
        apiKey = decryptCatoKey(row.apiKeyCiphertext, oldKey, row.accountId);
      } catch {
        throw new KeyRotationError("The current key cannot decrypt the Cato account's API key; nothing was changed.");
      }
      await tx.catoAccount.update({
        where: { accountId: row.accountId },
        data: { apiKeyCiphertext: encryptCatoKey(apiKey, newKey, row.accountId) },
      });
    }
    return rows.length + catoAccounts.length;
  });
}
