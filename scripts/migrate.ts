/**
 * Offline Prisma migration runner.
 *
 *   npx tsx scripts/migrate.ts deploy|status|check|create <name> [--schema <path>] [--migrations <dir>] [--verbose]
 *
 * The `prisma` CLI downloads a native schema engine for `migrate`, which fails without network.
 * This drives the same engine compiled to WebAssembly (@prisma/schema-engine-wasm) through the
 * node-postgres driver adapter. It reads and writes the standard layout
 * (`<migrations>/<timestamp>_<name>/migration.sql`, `migration_lock.toml`, the `_prisma_migrations`
 * table), so `prisma migrate deploy` accepts the same folder and database.
 * Connection: DATABASE_URL. See /work/shared/PLATFORM.md, "Prisma 7 without network".
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import pg from "pg";

const USAGE =
  "usage: tsx scripts/migrate.ts <deploy|status|check|create <name>> [--schema <path>] [--migrations <dir>] [--verbose]";
const LOCKFILE = "migration_lock.toml";
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Bad invocation: exit 2 with the message. */
class UsageError extends Error {}
/** Command failed: exit 1 with the (already one-line) message. */
class Failure extends Error {}

// ---------------------------------------------------------------------------------------------
// pg: adapter-pg rejects some catalogue column types the engine reads ("Column type 'name' could
// not be deserialized", prisma/orm#27403). Their text form is plain text, so relabel them before
// pg picks parsers and adapter-pg picks column types. Process-wide, which is fine for this CLI.
const RELABEL = new Map([
  [18, 25], // "char" -> text
  [19, 25], // name -> text
  [194, 25], // pg_node_tree -> text
  [1002, 1009], // "char"[] -> text[]
  [1003, 1009], // name[] -> text[]
]);
type ResultInternals = { addFields(fields: { dataTypeID: number }[]): void };
const resultProto = pg.Result.prototype as unknown as ResultInternals;
const addFields = resultProto.addFields;
resultProto.addFields = function (fields) {
  for (const field of fields) field.dataTypeID = RELABEL.get(field.dataTypeID) ?? field.dataTypeID;
  addFields.call(this, fields);
};

/**
 * adapter-pg's executeScript splits on every ";" (breaking semicolons inside strings and function
 * bodies) and runs statements one by one. The native engine sends the whole script in one simple
 * query, which PostgreSQL runs as one implicit transaction; do the same so migrations behave as
 * they will under `prisma migrate deploy`.
 */
function wholeScripts(adapter: Awaited<ReturnType<PrismaPg["connect"]>>): SqlDriverAdapter {
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (e) {
      if (!(e instanceof pg.DatabaseError)) throw e;
      // As a DriverAdapterError the engine sees a database error with its code; anything else
      // reaches it only as an opaque "External error id#N".
      throw new DriverAdapterError({
        kind: "postgres",
        code: e.code ?? "",
        severity: e.severity ?? "ERROR",
        message: e.message,
        detail: e.detail,
        column: e.column,
        hint: e.hint,
      });
    }
  };
  return adapter;
}

/**
 * Connections for the engine. adapter-pg's own connectToShadowDb connects to the wrong database
 * when given a connectionString and drops the database while its pool is still open, so scratch
 * databases (shadow, and `create`'s stand-in main database) are created here, reached with
 * discrete fields, and dropped WITH (FORCE) once done. `dropScratchDbs` also covers runs where
 * the engine fails before disposing.
 */
class PgMigrationFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";
  private readonly scratchDbs = new Set<string>();
  private scratchMain: string | undefined;

  constructor(private readonly url: string) {}

  /** Point `connect()` at a new empty database instead of DATABASE_URL's. */
  async useScratchMain(): Promise<void> {
    this.scratchMain = await this.createScratchDb();
  }

  async connect(): Promise<SqlDriverAdapter> {
    if (this.scratchMain) return this.connectTo(this.scratchMain);
    return wholeScripts(await new PrismaPg({ connectionString: this.url }).connect());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = await this.createScratchDb();
    const adapter = await this.connectTo(name);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await this.dropScratchDb(name);
    };
    return adapter;
  }

  async dropScratchDbs(): Promise<void> {
    for (const name of this.scratchDbs) await this.dropScratchDb(name);
  }

  private async connectTo(database: string): Promise<SqlDriverAdapter> {
    const u = new URL(this.url);
    const adapter = await new PrismaPg({
      host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: u.port ? Number(u.port) : 5432,
      user: decodeURIComponent(u.username) || undefined,
      password: decodeURIComponent(u.password) || undefined,
      database,
    }).connect();
    return wholeScripts(adapter);
  }

  private async createScratchDb(): Promise<string> {
    const name = `mig_scratch_${randomBytes(8).toString("hex")}`;
    await this.admin(`CREATE DATABASE "${name}"`);
    this.scratchDbs.add(name);
    return name;
  }

  private async dropScratchDb(name: string): Promise<void> {
    if (!this.scratchDbs.delete(name)) return;
    await this.admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }

  /** CREATE/DROP DATABASE cannot run in a transaction or a pool the engine uses. */
  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Engine loading. Node 20 cannot import .wasm modules, so instantiate it by hand the way the
// package's own schema_engine.js would.
declare global {
  var PRISMA_WASM_PANIC_REGISTRY: { message: string; get(): string; set_message(m: string): void };
}
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  message: "",
  get() {
    return this.message;
  },
  set_message(m) {
    this.message = m;
  },
};

async function startEngine(
  schemaPath: string,
  schemaText: string,
  adapter: ReturnType<typeof bindMigrationAwareSqlAdapterFactory>,
  verbose: boolean,
): Promise<SchemaEngine> {
  const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const jsPath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = await readFile(path.join(path.dirname(jsPath), "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, {
    "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
  const log = (line: string) => {
    if (verbose) process.stderr.write(`${line}\n`);
  };
  return bg.SchemaEngine.new({ datamodels: [[schemaPath, schemaText]] }, log, adapter);
}

/** The migrations folder as the engine wants it, read like the Prisma CLI reads it. */
async function listMigrations(dir: string): Promise<MigrationList> {
  const baseDir = path.resolve(dir);
  const lockContent = await readFile(path.join(baseDir, LOCKFILE), "utf8").catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(path.join(baseDir, name, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (e: Error) => ({ tag: "error" as const, value: e.message }),
        ),
      },
    })),
  );
  return {
    baseDir,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

// ---------------------------------------------------------------------------------------------
type Ctx = { engine: SchemaEngine; schemaPath: string; schemaText: string; migrationsDir: string };

async function deploy({ engine, migrationsDir }: Ctx): Promise<number> {
  const migrationsList = await listMigrations(migrationsDir);
  const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
  if (appliedMigrationNames.length === 0) console.log("No pending migrations to apply.");
  for (const name of appliedMigrationNames) console.log(`Applied ${name}`);
  return 0;
}

async function create(ctx: Ctx, migrationName: string): Promise<number> {
  const migrationsList = await listMigrations(ctx.migrationsDir);
  // The wasm engine's createMigration has no shadow database of its own: it reads the folder's
  // schema from a cache that devDiagnostic fills, keyed by the migrations applied to the main
  // database. main() has pointed the engine at an empty scratch database; bring it to the head of
  // the folder so that key covers every migration, whatever state DATABASE_URL's database is in.
  await ctx.engine.applyMigrations({ migrationsList, filters: NO_FILTER });
  await ctx.engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
  const out = await ctx.engine.createMigration({
    draft: false,
    migrationName,
    migrationsList,
    schema: { files: [{ path: ctx.schemaPath, content: ctx.schemaText }] },
    filters: NO_FILTER,
  });
  if (out.migrationScript === null) {
    console.log(`No changes: ${ctx.schemaPath} already matches ${ctx.migrationsDir}. Nothing written.`);
    return 0;
  }
  const dir = path.join(migrationsList.baseDir, out.generatedMigrationName);
  await mkdir(migrationsList.baseDir, { recursive: true });
  await mkdir(dir); // not recursive: an existing folder is an error, never overwritten
  await writeFile(path.join(dir, `migration.${out.extension}`), out.migrationScript);
  if (migrationsList.lockfile.content === null) {
    await writeFile(
      path.join(migrationsList.baseDir, LOCKFILE),
      "# Please do not edit this file manually\n" +
        "# It should be added in your version-control system (e.g., Git)\n" +
        `provider = "${out.connectorType}"\n`,
    );
  }
  console.log(`Created ${path.relative(process.cwd(), path.join(dir, `migration.${out.extension}`))}`);
  return 0;
}

async function status({ engine, migrationsDir }: Ctx): Promise<number> {
  const migrationsList = await listMigrations(migrationsDir);
  const d = await engine.diagnoseMigrationHistory({
    migrationsList,
    optInToShadowDatabase: false,
    filters: NO_FILTER,
  });
  const h = d.history;
  const pending = h && h.diagnostic !== "migrationsDirectoryIsBehind" ? h.unappliedMigrationNames : [];
  const missing = h && h.diagnostic !== "databaseIsBehind" ? h.unpersistedMigrationNames : [];
  const failed = new Set(d.failedMigrationNames);
  const local = migrationsList.migrationDirectories.map((m) => m.path);
  for (const name of local) {
    const state = pending.includes(name) ? "pending" : failed.has(name) ? "FAILED" : "applied";
    console.log(`${state.padEnd(8)} ${name}`);
  }
  for (const name of missing) console.log(`${"missing".padEnd(8)} ${name} (in the database, not in ${migrationsDir})`);
  for (const name of d.editedMigrationNames) console.log(`edited   ${name} (changed after it was applied)`);

  const problems = [
    pending.length && `${pending.length} pending`,
    failed.size && `${failed.size} failed`,
    missing.length && `${missing.length} missing from ${migrationsDir}`,
    d.editedMigrationNames.length && `${d.editedMigrationNames.length} edited after being applied`,
  ].filter(Boolean);
  if (problems.length === 0) {
    console.log(`Database is up to date (${local.length} migration${local.length === 1 ? "" : "s"}).`);
    return 0;
  }
  console.error(`migrate status: ${problems.join(", ")}.`);
  return 1;
}

async function check({ engine, schemaPath, schemaText, migrationsDir }: Ctx): Promise<number> {
  const migrationsList = await listMigrations(migrationsDir);
  const { exitCode, stdout } = await engine.diff({
    from: { tag: "migrations", ...migrationsList },
    to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schemaText }] },
    script: false,
    exitCode: true,
    filters: NO_FILTER,
  });
  if (exitCode === 0) {
    console.log(`${schemaPath} matches ${migrationsDir}.`);
    return 0;
  }
  if (stdout) process.stdout.write(stdout);
  console.error(
    `migrate check: ${schemaPath} and ${migrationsDir} disagree; run \`npx tsx scripts/migrate.ts create <name>\`.`,
  );
  return exitCode;
}

// ---------------------------------------------------------------------------------------------
/**
 * One line from an engine error. Engine errors carry a tracing span dump after the message, adapter
 * failures that are not database errors arrive as "External error id#N" (the real error waits in
 * the adapter factory's registry), and a Rust panic surfaces as a bare wasm trap.
 */
function describe(e: unknown, registry: ErrorRegistry): string {
  if (e instanceof WebAssembly.RuntimeError && globalThis.PRISMA_WASM_PANIC_REGISTRY.message) {
    return `schema engine panicked: ${globalThis.PRISMA_WASM_PANIC_REGISTRY.message}`;
  }
  const err = e as { message?: unknown; code?: unknown } | null;
  const full = typeof err?.message === "string" ? err.message : String(e);
  const [text = "", spans = ""] = full.split(/\n\s*0: /);
  let line = text.replace(/External error id#(\d+)/g, (match, id: string) => {
    const cause = registry.consumeError(Number(id))?.error;
    return cause instanceof Error ? cause.message : match;
  });
  const migration = /migration_name="([^"]+)"/.exec(spans)?.[1];
  if (migration && !line.includes(migration)) line += ` (migration ${migration})`;
  const code = typeof err?.code === "string" ? `${err.code}: ` : "";
  return code + line.replace(/\s*\n\s*/g, " ").trim();
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        schema: { type: "string", default: "prisma/schema.prisma" },
        migrations: { type: "string", default: "prisma/migrations" },
        verbose: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const { positionals, values } = parsed;
  const [command, name, ...rest] = positionals;
  const commands: Record<string, (ctx: Ctx) => Promise<number>> = {
    deploy,
    status,
    check,
    create: (ctx) => create(ctx, name ?? ""),
  };
  const run = command === undefined ? undefined : commands[command];
  if (!run || rest.length > 0 || (command === "create") !== (name !== undefined)) throw new UsageError(USAGE);
  if (command === "create" && !/^[A-Za-z0-9_]+$/.test(name ?? "")) {
    throw new UsageError(`migration name must be letters, digits and underscores, got "${name}"`);
  }
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) throw new UsageError("DATABASE_URL must be a postgresql:// URL");
  const schemaText = await readFile(values.schema, "utf8").catch((e: Error) => {
    throw new UsageError(`cannot read schema ${values.schema}: ${e.message}`);
  });

  const factory = new PgMigrationFactory(url);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  try {
    // create must not depend on what DATABASE_URL's database holds; see create().
    if (command === "create") await factory.useScratchMain();
    const engine = await startEngine(values.schema, schemaText, adapter, values.verbose);
    return await run({ engine, schemaPath: values.schema, schemaText, migrationsDir: values.migrations });
  } catch (e) {
    if (values.verbose) console.error(e);
    throw new Failure(`migrate ${command} failed: ${describe(e, adapter.errorRegistry)}`);
  } finally {
    await factory.dropScratchDbs();
  }
}

// The engine leaves timers and pg leaves idle sockets, so always end with process.exit.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof UsageError || e instanceof Failure ? e.message : e);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
