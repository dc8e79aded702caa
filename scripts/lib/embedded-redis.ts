import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import { freePort, isAlive, startChild, stopChild, waitFor } from "./processes";

export class RedisUnavailableError extends Error {}

/** How to get redis-server; the README's Requirements section says the same. */
export const REDIS_INSTALL = {
  debian: "apt-get install redis-server",
  macos: "brew install redis",
} as const;

function findRedisServer(explicit?: string): string | null {
  if (explicit) return existsSync(explicit) ? explicit : null;
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : null;
}

/**
 * A Redis server of the app's own: data under `dir`, append-only file on so the
 * feeds and queues survive a restart, and noeviction as BullMQ requires. Tests pass
 * `persistent: false`: nothing written to disk.
 */
export async function startEmbeddedRedis(
  dir: string,
  binary?: string,
  fixedPort?: number,
  { persistent = true }: { persistent?: boolean } = {},
) {
  const bin = findRedisServer(binary);
  if (!bin) {
    throw new RedisUnavailableError(
      "Redis is needed and none was found. Either set REDIS_URL=redis://host:6379 to use a running Redis, " +
        `or install redis-server (Debian/Ubuntu: ${REDIS_INSTALL.debian}; macOS: ${REDIS_INSTALL.macos}) ` +
        "and run npm start again.",
    );
  }
  const redisDir = resolve(dir, "redis");
  mkdirSync(redisDir, { recursive: true, mode: 0o700 });
  const pidFile = join(redisDir, "redis.pid");
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    if (pid > 0 && isAlive(pid)) {
      process.kill(pid, "SIGTERM");
      await waitFor(async () => !isAlive(pid), 15_000, "the previous embedded Redis to stop");
    }
  }
  const port = fixedPort ?? (await freePort());
  const child: ChildProcess = startChild(
    "redis-server",
    bin,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      redisDir,
      "--pidfile",
      pidFile,
      ...(persistent ? ["--appendonly", "yes", "--appendfsync", "everysec"] : ["--appendonly", "no"]),
      "--save",
      "",
      "--maxmemory-policy",
      "noeviction",
      "--loglevel",
      "warning",
      "--logfile",
      join(redisDir, "redis.log"),
    ],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null)
        throw new Error(`redis-server exited (code ${child.exitCode}); see ${redisDir}/redis.log`);
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => undefined); // refused until the server listens; connect() reports it
      try {
        await probe.connect();
        return (await probe.ping()) === "PONG";
      } finally {
        probe.disconnect();
      }
    },
    30_000,
    "the embedded Redis",
  );
  return { url, pid: child.pid, stop: () => stopChild(child) };
}
