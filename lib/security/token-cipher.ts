import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for HEC tokens at rest. The integration id is bound in as associated
 * data, so a ciphertext copied onto another row does not decrypt.
 * Format: v1.<iv>.<tag>.<ciphertext>, each base64url.
 */
const VERSION = "v1";

export function encryptToken(token: string, key: Buffer, integrationId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(`integration:${integrationId}`));
  const data = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, tag, data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptToken(sealed: string, key: Buffer, integrationId: string): string {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined) {
    throw new Error("The stored token is not in a known format");
  }
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(`integration:${integrationId}`));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

/** The last four characters, and only for tokens long enough that four say little. */
export function tokenHint(token: string): string {
  return token.length >= 12 ? token.slice(-4) : "";
}
