/**
 * Starts the product once per HTTP test run, as `npm run web` and `npm run worker`
 * serve it (scripts/serve.ts in front of Next, proxy.ts, real routing), on a free port,
 * on the run's PostgreSQL and Redis (scripts/lib/test-services.ts), with a production
 * build (built when missing or stale, cached in .next). Hands the tests its address and
 * accounts through `provide` (read them with test/http/client.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { loadLoopbackCertificate } from "@/lib/hec-receiver/certificate";
import { ensureBuild } from "../../scripts/lib/build";
import { freePort, run, stopChild, waitFor } from "../../scripts/lib/processes";
import { startTestServices } from "../../scripts/lib/test-services";
import { workerArgs, workerEnv } from "../../scripts/lib/worker-flags";
import type { HttpProduct } from "./product";

export default async function setup(project: TestProject) {
  const services = await startTestServices();
  const name = `sase_http_${randomBytes(6).toString("hex")}`;
  const logDir = mkdtempSync(join(tmpdir(), "sase-http-logs-"));
  const children: ChildProcess[] = [];
  const teardown = async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    const client = new pg.Client({ connectionString: services.pgUrl });
    await client.connect().then(
      () => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      () => undefined,
    );
    await client.end().catch(() => undefined);
    await services.stop();
    if (!process.env.KEEP_HTTP_LOGS) rmSync(logDir, { recursive: true, force: true });
  };
  try {
    const admin = new pg.Client({ connectionString: services.pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const databaseUrl = new URL(services.pgUrl);
    databaseUrl.pathname = `/${name}`;

    const certDir = join(tmpdir(), "sase-test-hec-cert");
    const certificate = await loadLoopbackCertificate(certDir);
    const port = await freePort();
    const accounts = {
      admin: { email: "admin@http.test", password: `admin ${randomBytes(9).toString("hex")}` },
      viewer: { email: "viewer@http.test", password: `viewer ${randomBytes(9).toString("hex")}` },
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: services.redisUrl,
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      HOST: "127.0.0.1",
      PORT: String(port),
      TRUST_PROXY_HOPS: "0",
      SIMULATOR: "off",
      ADMIN_EMAIL: accounts.admin.email,
      ADMIN_PASSWORD: accounts.admin.password,
      SETUP_CODE_FILE: join(logDir, "setup-code"),
      NODE_EXTRA_CA_CERTS: certificate.caCertPath,
      HEC_ALLOW_PRIVATE_NETWORKS: "true",
    };
    await run(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "deploy"], { env, stdio: "ignore" });
    await ensureBuild(env);

    const webLog = join(logDir, "web.log");
    const workerLog = join(logDir, "worker.log");
    const start = (args: string[], childEnv: NodeJS.ProcessEnv, log: string) => {
      const child = spawn(process.execPath, args, { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
      const out = createWriteStream(log);
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      children.push(child);
      return child;
    };
    const web = start(["--import", "tsx", "scripts/web.ts"], env, webLog);
    const worker = start(workerArgs(), workerEnv(env), workerLog);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        for (const [what, child] of [
          ["web", web],
          ["worker", worker],
        ] as const) {
          if (child.exitCode !== null || child.signalCode !== null) {
            const log = readFileSync(what === "web" ? webLog : workerLog, "utf8");
            throw new Error(`The ${what} process exited during start-up:\n${log.slice(-4000)}`);
          }
        }
        return (await fetch(`${baseUrl}/api/health/ready`)).ok;
      },
      180_000,
      "the product to be ready",
    ).catch((error: unknown) => {
      const log = readFileSync(webLog, "utf8") + readFileSync(workerLog, "utf8");
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${log.slice(-4000)}`);
    });

    // The Viewer and one API key per role, made through the API by the Admin.
    const signIn = await fetch(`${baseUrl}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(accounts.admin),
    });
    if (!signIn.ok) throw new Error(`Admin sign-in failed: ${signIn.status} ${await signIn.text()}`);
    const cookie = signIn.headers.getSetCookie()[0]!.split(";")[0]!;
    const asAdmin = async (path: string, body: unknown) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    await asAdmin("/api/users", { ...accounts.viewer, role: "viewer" });
    const adminKey = String((await asAdmin("/api/api-keys", { name: "http tests admin", role: "admin" })).key);
    const viewerKey = String((await asAdmin("/api/api-keys", { name: "http tests viewer", role: "viewer" })).key);
    await fetch(`${baseUrl}/api/auth/sign-out`, { method: "POST", headers: { cookie } });

    const product: HttpProduct = {
      baseUrl,
      accounts,
      apiKeys: { admin: adminKey, viewer: viewerKey },
      databaseUrl: databaseUrl.toString(),
      redisUrl: services.redisUrl,
      logs: { web: webLog, worker: workerLog },
    };
    project.provide("httpProduct", product);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
