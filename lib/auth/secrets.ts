import { createHash, randomBytes } from "node:crypto";

/** Session cookies and API keys: 256 random bits behind a short prefix that names the kind. */
export function newSecret(prefix: "ses" | "sck"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** How secrets are stored: high-entropy values need no slow hash, only one that cannot be reversed. */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
