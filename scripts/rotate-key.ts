/**
 * `npm run rotate-key -- --new-key-file <path>` (or `--new-key <base64>`): re-encrypts
 * every stored HEC token with a new encryption key, all or nothing. The current key
 * comes from ENCRYPTION_KEY / ENCRYPTION_KEY_FILE as for the app; DATABASE_URL names
 * the database. Afterwards, point ENCRYPTION_KEY(_FILE) at the new key and restart the
 * web app and the workers (docs/operations.md).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { db, disconnectDb } from "@/lib/db";
import { ConfigError, parseEncryptionKey, serverEnv } from "@/lib/env";
import { KeyRotationError, rotateTokens } from "@/lib/security/rotate-key";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { "new-key": { type: "string" }, "new-key-file": { type: "string" } } });
  const raw = values["new-key"] ?? (values["new-key-file"] ? readFileSync(values["new-key-file"], "utf8") : undefined);
  if (!raw) {
    process.stderr.write("Give the new key: --new-key-file <path> or --new-key <base64> (openssl rand -base64 32)\n");
    return 2;
  }
  const newKey = parseEncryptionKey(raw, values["new-key"] ? "--new-key" : "--new-key-file");
  const oldKey = serverEnv().encryptionKey;
  if (newKey.equals(oldKey)) {
    process.stderr.write("The new key is the current key; nothing to do.\n");
    return 2;
  }
  const count = await rotateTokens(db(), oldKey, newKey);
  process.stdout.write(
    `Re-encrypted ${count} API key${count === 1 ? "" : "s"}. Now set ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE) to the new key and restart the web app and the workers.\n`,
  );
  return 0;
}

main()
  .catch((error: unknown) => {
    const known = error instanceof ConfigError || error instanceof KeyRotationError;
    process.stderr.write(`${known ? (error as Error).message : String(error)}\n`);
    return 1;
  })
  .then(async (code) => {
    await disconnectDb();
    process.exit(code);
  });
