/**
 * `npm start`: the whole product on embedded defaults, nothing to configure.
 * PostgreSQL and Redis of its own when DATABASE_URL / REDIS_URL are unset (data
 * under DATA_DIR), an encryption key generated on first start, migrations, the
 * web app and the worker. Ctrl-C or SIGTERM stops everything cleanly.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { ConfigError, readStartEnv } from "@/lib/env";
import { ensureBuild } from "./lib/build";
import { startEmbeddedPostgres } from "./lib/embedded-postgres";
import { RedisUnavailableError, startEmbeddedRedis } from "./lib/embedded-redis";
import { assertPortFree, PortTakenError, run, startChild, stopChild, waitFor } from "./lib/processes";
import { nodeVersionProblem } from "./lib/node-version";
import { supervise } from "./lib/supervisor";
import { workerArgs, workerEnv } from "./lib/worker-flags";

/** A secret kept in the data directory, readable by its owner only; made on first use. */
function ownerOnlySecret(path: string, make: () => string): string {
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
  chmodSync(path, 0o600);
  return readFileSync(path, "utf8").trim();
}

/** Tells a newcomer how to get in: the setup page and where its code is, or the sign-in page. */
async function signInHint(address: string, setupCodeFile: string): Promise<string> {
  try {
    const status = (await (await fetch(`${address}/api/auth/setup`)).json()) as { needed?: boolean };
    if (status.needed) {
      return `No administrator yet: open ${address}/setup and enter the setup code from ${setupCodeFile}\n(for example: cat ${setupCodeFile}).\n`;
    }
  } catch {
    // The hint is a courtesy; the console runs without it.
  }
  return `Sign in at ${address}/sign-in\n`;
}

async function main(): Promise<void> {
  const nodeProblem = nodeVersionProblem();
  if (nodeProblem) throw new ConfigError(nodeProblem);
  const env = readStartEnv();
  const dataDir = resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stops: (() => Promise<void>)[] = [];
  const supervised: { stop: () => ChildProcess }[] = [];
  let isStopping = false;

  const shutdown = async (code: number) => {
    if (isStopping) return;
    isStopping = true;
    process.stdout.write("Stopping…\n");
    await Promise.all(supervised.map((s) => stopChild(s.stop())));
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.stdout.write("Stopped.\n");
    process.exit(code);
  };
  process.once("SIGINT", () => void shutdown(0));
  process.once("SIGTERM", () => void shutdown(0));

  try {
    await assertPortFree(env.PORT, env.HOST);
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const password = ownerOnlySecret(join(dataDir, "postgres-password"), () => randomBytes(24).toString("hex"));
      const pg = await startEmbeddedPostgres(dataDir, password);
      stops.push(pg.stop);
      databaseUrl = pg.url;
      process.stdout.write(`Embedded PostgreSQL running (data in ${join(dataDir, "postgres")})\n`);
    }
    let redisUrl = env.REDIS_URL;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis(dataDir, env.REDIS_SERVER_BIN);
      stops.push(redis.stop);
      redisUrl = redis.url;
      process.stdout.write(`Embedded Redis running (data in ${join(dataDir, "redis")})\n`);
    }
    const keyFile = env.ENCRYPTION_KEY || env.ENCRYPTION_KEY_FILE ? undefined : join(dataDir, "encryption.key");
    if (keyFile) ownerOnlySecret(keyFile, () => randomBytes(32).toString("base64"));

    // First run without ADMIN_EMAIL/ADMIN_PASSWORD: the setup page asks for this code, which
    // only whoever can read the data directory knows (lib/auth/sign-in.ts).
    const setupCodeFile = process.env.SETUP_CODE_FILE || join(dataDir, "setup-code");
    ownerOnlySecret(setupCodeFile, () => randomBytes(12).toString("hex").match(/.{4}/g)!.join("-"));

    const childEnv: NodeJS.ProcessEnv = {
      SETUP_CODE_FILE: setupCodeFile,
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      ...(keyFile ? { ENCRYPTION_KEY_FILE: keyFile } : {}),
    };
    await run(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "deploy"], { env: childEnv });
    await ensureBuild(childEnv);

    const keep = (name: string, start: () => ChildProcess) =>
      supervised.push(
        supervise({
          name,
          start,
          log: (line) => process.stderr.write(`${line}\n`),
          onGiveUp: (reason) => {
            process.stderr.write(`${reason} Stopping the console.\n`);
            void shutdown(1);
          },
        }),
      );
    keep("web", () => startChild("web", process.execPath, ["--import", "tsx", "scripts/serve.ts"], { env: childEnv }));
    keep("worker", () => startChild("worker", process.execPath, workerArgs(), { env: workerEnv(childEnv) }));
    const address = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${env.PORT}`;
    await waitFor(async () => (await fetch(`${address}/api/health/live`)).ok, 120_000, "the web app");
    process.stdout.write(
      `\nThe console is ready at ${address}\n${await signInHint(address, setupCodeFile)}(Ctrl-C stops it.)\n\n`,
    );
  } catch (error) {
    const known =
      error instanceof ConfigError || error instanceof RedisUnavailableError || error instanceof PortTakenError;
    process.stderr.write(`\nStart-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!known && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    await shutdown(1);
  }
}

main().catch((error: unknown) => {
  // Settings read before anything starts: a message naming the setting, not a stack trace.
  process.stderr.write(`\nStart-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  if (!(error instanceof ConfigError) && error instanceof Error && error.stack)
    process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
