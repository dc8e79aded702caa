/**
 * Drives scripts/migrate.ts as a child process, the way CI and developers run it.
 * Uses the run's PostgreSQL server (TEST_PG_URL, set by test/global-setup.ts); works in its own scratch
 * database, and the runner makes and drops its own shadow databases.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const SERVER_URL = (() => {
  const url = process.env.TEST_PG_URL;
  if (!url) throw new Error("TEST_PG_URL is unset: run this file through vitest, whose global setup provides it");
  return url;
})();
const DB_NAME = `mig_test_${randomBytes(6).toString("hex")}`;
const DB_URL = (() => {
  const u = new URL(SERVER_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

type Run = { code: number; stdout: string; stderr: string };

function migrate(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["scripts/migrate.ts", ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: DB_URL }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function withServer<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let tmp: string;

beforeAll(async () => {
  await withServer(SERVER_URL, (c) => c.query(`CREATE DATABASE "${DB_NAME}"`));
  tmp = await mkdtemp(path.join(tmpdir(), "migrate-test-"));
});

afterAll(async () => {
  await withServer(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("scripts/migrate.ts", { timeout: 120_000 }, () => {
  it("check: prisma/schema.prisma agrees with prisma/migrations (run `create <name>` if this fails)", async () => {
    const run = await migrate("check");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("check: fails when the schema has a field no migration creates", async () => {
    const schema = await readFile(path.join(ROOT, "prisma/schema.prisma"), "utf8");
    const changed = schema.replace(/^model Integration \{$/m, "$&\n  migrateTestExtra String?");
    expect(changed).not.toBe(schema);
    const schemaPath = path.join(tmp, "schema.prisma");
    await writeFile(schemaPath, changed);

    const run = await migrate("check", "--schema", schemaPath);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/disagree/);
    expect(run.stdout).toMatch(/migrateTestExtra/);
  });

  it("deploy: creates the tables and records migrations once", async () => {
    const entries = await readdir(path.join(ROOT, "prisma/migrations"), { withFileTypes: true });
    const migrations = entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(migrations.length).toBeGreaterThan(0);

    const first = await migrate("deploy");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    for (const name of migrations) expect(first.stdout).toContain(`Applied ${name}`);

    const recorded = () =>
      withServer(DB_URL, async (c) => {
        const table = await c.query(`SELECT to_regclass('public."Integration"') IS NOT NULL AS present`);
        const rows = await c.query<{ migration_name: string }>(
          `SELECT migration_name FROM _prisma_migrations
            WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
        );
        return { table: table.rows[0]?.present, names: rows.rows.map((r) => r.migration_name) };
      });
    expect(await recorded()).toEqual({ table: true, names: migrations });

    const second = await migrate("deploy");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/No pending migrations/);
    expect(second.stdout).not.toMatch(/Applied/);
    expect(await recorded()).toEqual({ table: true, names: migrations });

    const status = await migrate("status");
    expect(status.code).toBe(0);
  });
});
