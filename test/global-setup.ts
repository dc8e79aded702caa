import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { loadLoopbackCertificate } from "@/lib/hec-receiver/certificate";

/**
 * Integration tests run against a real PostgreSQL: a fresh database per run on the
 * server at TEST_PG_URL (the machine's own by default), migrated with the project's
 * migrations, dropped afterwards. Redis is the one at TEST_REDIS_URL.
 */
export default async function setup() {
  const serverUrl = process.env.TEST_PG_URL ?? "postgresql://root@127.0.0.1:5432/root";
  const name = `sase_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  // A database of its own on the machine's Redis; tests flush it.
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/9";
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  // The HEC receiver's CA, trusted by the test processes the way an operator trusts a
  // private CA: NODE_EXTRA_CA_CERTS, read when each test process starts.
  const certDir = join(tmpdir(), "sase-test-hec-cert");
  const certificate = await loadLoopbackCertificate(certDir);
  process.env.TEST_HEC_CERT_DIR = certDir;
  process.env.NODE_EXTRA_CA_CERTS = certificate.caCertPath;
  process.env.HEC_ALLOW_PRIVATE_NETWORKS = "true";
  execFileSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "deploy"], {
    env: process.env,
    stdio: "pipe",
  });

  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  };
}
