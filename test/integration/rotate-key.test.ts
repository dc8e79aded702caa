import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { createIntegration } from "@/lib/integrations/service";
import { KeyRotationError, rotateTokens } from "@/lib/security/rotate-key";
import { decryptToken, encryptToken } from "@/lib/security/token-cipher";
import { SYSTEM_CALLER } from "@/lib/auth/caller";

const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const TOKENS = ["11111111-2222-3333-4444-555555550001", "11111111-2222-3333-4444-555555550002"];

beforeEach(async () => {
  await sql.query(`DELETE FROM "Integration"`);
});

afterAll(async () => {
  await sql.end();
  await disconnectDb();
});

async function stored() {
  const { rows } = await sql.query<{ id: string; tokenCiphertext: string }>(
    `SELECT id, "tokenCiphertext" FROM "Integration" ORDER BY name`,
  );
  return rows;
}

describe("rotating the encryption key", () => {
  it("re-encrypts every token with the new key, which alone can read them afterwards", async () => {
    for (const [i, token] of TOKENS.entries()) {
      await createIntegration(
        { name: `Rotate ${i}`, ingestionUrl: "https://splunk.example.com", apiKey: token },
        SYSTEM_CALLER,
      );
    }
    const oldKey = serverEnv().encryptionKey;
    const newKey = randomBytes(32);
    expect(await rotateTokens(db(), oldKey, newKey)).toBe(2);
    const rows = await stored();
    expect(rows.map((r) => decryptToken(r.tokenCiphertext, newKey, r.id))).toEqual(TOKENS);
    expect(() => decryptToken(rows[0]!.tokenCiphertext, oldKey, rows[0]!.id)).toThrow();
  });

  it("changes nothing when one token cannot be read with the current key", async () => {
    await createIntegration(
      { name: "Rotate a", ingestionUrl: "https://splunk.example.com", apiKey: TOKENS[0] },
      SYSTEM_CALLER,
    );
    const b = await createIntegration(
      {
        name: "Rotate b",
        ingestionUrl: "https://splunk.example.com",
        apiKey: TOKENS[1],
      },
      SYSTEM_CALLER,
    );
    await sql.query(`UPDATE "Integration" SET "tokenCiphertext" = $1 WHERE id = $2`, [
      encryptToken("x", randomBytes(32), b.id),
      b.id,
    ]);
    const before = await stored();
    await expect(rotateTokens(db(), serverEnv().encryptionKey, randomBytes(32))).rejects.toThrow(KeyRotationError);
    expect(await stored()).toEqual(before);
  });
});
