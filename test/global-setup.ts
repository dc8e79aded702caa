import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { loadLoopbackCertificate } from "@/lib/hec-receiver/certificate";
import { startTestServices } from "../scripts/lib/test-services";

/**
 * Integration tests run against a real PostgreSQL and Redis: the servers at
 * TEST_PG_URL / TEST_REDIS_URL when set, otherwise ones this run starts and stops
 * itself (scripts/lib/test-services.ts). A fresh database per run, migrated with the
 * project's migrations, dropped afterwards. TEST_PG_URL and TEST_REDIS_URL are set
 * for the test files to whatever servers the run uses.
 */
export default async function setup() {
  const services = await startTestServices();
  process.env.TEST_PG_URL = services.pgUrl;
  process.env.TEST_REDIS_URL = services.redisUrl;
  const serverUrl = services.pgUrl;
  const name = `sase_test_${randomBytes(6).toString("hex")}`;
  try {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();

    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    // The run's own Redis database; tests flush it.
    process.env.REDIS_URL = services.redisUrl;
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
  } catch (error) {
    await services.stop();
    throw error;
  }

  return async () => {
    try {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    } finally {
      await services.stop();
    }
  };
}
