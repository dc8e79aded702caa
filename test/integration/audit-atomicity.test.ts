import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { createUser, deleteUser, updateUser } from "@/lib/auth/users";
import { disconnectDb } from "@/lib/db";
import { createIntegration, deleteIntegration, updateIntegration } from "@/lib/integrations/service";

/**
 * A change and its audit entry are stored together or not at all. The database is made
 * to refuse one side at commit time (a deferred constraint trigger armed per table and
 * operation), and the other side must not be left behind:
 * - the audit entry fails: the integration, user or API-key change is rolled back;
 * - the change fails: no audit entry claims it happened. Failing at commit (after the
 *   entry was written) is what tells the transaction's client from the plain one.
 */
const sql = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const GUARDED = ["AuditEntry", "Integration", "User", "ApiKey"];
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  await sql.query(`CREATE TABLE IF NOT EXISTS audit_atomicity_fault (tbl text NOT NULL, op text NOT NULL)`);
  await sql.query(`
    CREATE OR REPLACE FUNCTION audit_atomicity_fail() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM audit_atomicity_fault WHERE tbl = TG_TABLE_NAME AND op = TG_OP) THEN
        RAISE EXCEPTION 'refused by the test: % on %', TG_OP, TG_TABLE_NAME;
      END IF;
      RETURN NULL;
    END $$`);
  for (const table of GUARDED) {
    await sql.query(`DROP TRIGGER IF EXISTS audit_atomicity_fail ON "${table}"`);
    await sql.query(`
      CREATE CONSTRAINT TRIGGER audit_atomicity_fail AFTER INSERT OR UPDATE OR DELETE ON "${table}"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_atomicity_fail()`);
  }
});

beforeEach(async () => {
  await sql.query(`DELETE FROM audit_atomicity_fault`);
});

afterAll(async () => {
  for (const table of GUARDED) await sql.query(`DROP TRIGGER IF EXISTS audit_atomicity_fail ON "${table}"`);
  await sql.query(`DROP FUNCTION IF EXISTS audit_atomicity_fail()`);
  await sql.query(`DROP TABLE IF EXISTS audit_atomicity_fault`);
  await sql.end();
  await disconnectDb();
});

async function arm(table: string, op: "INSERT" | "UPDATE" | "DELETE") {
  await sql.query(`INSERT INTO audit_atomicity_fault (tbl, op) VALUES ($1, $2)`, [table, op]);
}

async function rows(query: string, params: unknown[]) {
  return (await sql.query(query, params)).rows;
}

/** Entries for the action about the target: by id, or by label for a creation (whose id is new). */
async function auditEntries(action: string, target: { id?: string; label?: string }) {
  if (action.endsWith(".created")) target = { label: target.label };
  else target = { id: target.id };
  return rows(
    `SELECT action FROM "AuditEntry" WHERE action = $1 AND ($2::text IS NULL OR "targetId" = $2)
       AND ($3::text IS NULL OR "targetLabel" = $3)`,
    [action, target.id ?? null, target.label ?? null],
  );
}

const unique = () => randomUUID().slice(0, 8);

type TCase = {
  action: string;
  /** The table the change writes and how. */
  change: { table: string; op: "INSERT" | "UPDATE" | "DELETE" };
  /** Creates what the change needs; returns the target the audit entry names. */
  prepare: () => Promise<{ id?: string; label?: string }>;
  act: (target: { id?: string; label?: string }) => Promise<unknown>;
  /** The stored rows the change would touch. */
  state: (target: { id?: string; label?: string }) => Promise<unknown>;
};

async function newIntegration() {
  const name = `Audit ${unique()}`;
  const created = await createIntegration(
    { name, ingestionUrl: "https://splunk.example.com", apiKey: randomUUID() },
    SYSTEM_CALLER,
  );
  return { id: created.id, label: name };
}

const integrationRow = ({ id, label }: { id?: string; label?: string }) =>
  rows(`SELECT id, name, description, paused, "tokenCiphertext" FROM "Integration" WHERE id = $1 OR name = $2`, [
    id ?? null,
    label ?? null,
  ]);

async function newUser(role: "admin" | "viewer" = "viewer") {
  const email = `audit-${unique()}@example.com`;
  const created = await createUser({ email, password: PASSWORD, role }, SYSTEM_CALLER);
  return { id: created.id, label: email };
}

const userRow = ({ id, label }: { id?: string; label?: string }) =>
  rows(`SELECT id, email, role, "passwordHash" FROM "User" WHERE id = $1 OR email = $2`, [id ?? null, label ?? null]);

async function newApiKey() {
  const name = `audit ${unique()}`;
  const created = await createApiKey({ name, role: "viewer" }, SYSTEM_CALLER);
  return { id: created.apiKey.id, label: name };
}

const apiKeyRow = ({ id, label }: { id?: string; label?: string }) =>
  rows(`SELECT id, name, "revokedAt" FROM "ApiKey" WHERE id = $1 OR name = $2`, [id ?? null, label ?? null]);

const CASES: TCase[] = [
  {
    action: "integration.created",
    change: { table: "Integration", op: "INSERT" },
    prepare: async () => ({ label: `Audit ${unique()}` }),
    act: ({ label }) =>
      createIntegration(
        { name: label, ingestionUrl: "https://splunk.example.com", apiKey: randomUUID() },
        SYSTEM_CALLER,
      ),
    state: integrationRow,
  },
  {
    action: "integration.updated",
    change: { table: "Integration", op: "UPDATE" },
    prepare: newIntegration,
    act: ({ id }) => updateIntegration(id!, { name: `Renamed ${unique()}`, apiKey: randomUUID() }, SYSTEM_CALLER),
    state: integrationRow,
  },
  {
    action: "integration.paused",
    change: { table: "Integration", op: "UPDATE" },
    prepare: newIntegration,
    act: ({ id }) => updateIntegration(id!, { paused: true }, SYSTEM_CALLER),
    state: integrationRow,
  },
  {
    action: "integration.deleted",
    change: { table: "Integration", op: "DELETE" },
    prepare: newIntegration,
    act: ({ id }) => deleteIntegration(id!, SYSTEM_CALLER),
    state: integrationRow,
  },
  {
    action: "user.created",
    change: { table: "User", op: "INSERT" },
    prepare: async () => ({ label: `audit-${unique()}@example.com` }),
    act: ({ label }) => createUser({ email: label, password: PASSWORD, role: "viewer" }, SYSTEM_CALLER),
    state: userRow,
  },
  {
    action: "user.updated",
    change: { table: "User", op: "UPDATE" },
    prepare: () => newUser("viewer"),
    act: ({ id }) => updateUser(id!, { role: "admin", password: `${PASSWORD} again` }, SYSTEM_CALLER),
    state: userRow,
  },
  {
    action: "user.deleted",
    change: { table: "User", op: "DELETE" },
    prepare: () => newUser("viewer"),
    act: ({ id }) => deleteUser(id!, SYSTEM_CALLER),
    state: userRow,
  },
  {
    action: "api_key.created",
    change: { table: "ApiKey", op: "INSERT" },
    prepare: async () => ({ label: `audit ${unique()}` }),
    act: ({ label }) => createApiKey({ name: label, role: "viewer" }, SYSTEM_CALLER),
    state: apiKeyRow,
  },
  {
    action: "api_key.revoked",
    change: { table: "ApiKey", op: "UPDATE" },
    prepare: newApiKey,
    act: ({ id }) => revokeApiKey(id!, SYSTEM_CALLER),
    state: apiKeyRow,
  },
];

describe("a change and its audit entry", () => {
  it.each(CASES)("$action: when the audit entry cannot be stored, the change is rolled back", async (c) => {
    const target = await c.prepare();
    const before = await c.state(target);
    await arm("AuditEntry", "INSERT");

    await expect(c.act(target)).rejects.toThrow();

    expect(await c.state(target)).toEqual(before);
    expect(await auditEntries(c.action, target)).toEqual([]);
  });

  it.each(CASES)("$action: when the change cannot be stored, no audit entry says it happened", async (c) => {
    const target = await c.prepare();
    const before = await c.state(target);
    await arm(c.change.table, c.change.op);

    await expect(c.act(target)).rejects.toThrow();

    expect(await c.state(target)).toEqual(before);
    expect(await auditEntries(c.action, target)).toEqual([]);
  });

  it.each(CASES)("$action: with nothing refused, the change and its entry are both stored", async (c) => {
    const target = await c.prepare();
    const before = await c.state(target);

    await c.act(target);

    expect(await c.state(target)).not.toEqual(before);
    const after = await auditEntries(c.action, target);
    expect(after).toHaveLength(1);
  });
});
