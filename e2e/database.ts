import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { DATABASE, USER } from "../scripts/lib/embedded-postgres";

/**
 * The product's embedded PostgreSQL under test, for what a browser cannot do: letting
 * time pass on a session. Its port is in the server's postmaster.pid (fourth line).
 */
export async function withDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const dataDir = ".e2e-data";
  const port = readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8")
    .split("\n")[3]!
    .trim();
  const password = readFileSync(join(dataDir, "postgres-password"), "utf8").trim();
  const client = new pg.Client({ host: "127.0.0.1", port: Number(port), user: USER, password, database: DATABASE });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
