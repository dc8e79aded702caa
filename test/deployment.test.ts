/**
 * The deployment files (Dockerfile, docker-compose.yml, .dockerignore) cannot be run here:
 * there is no Docker daemon on these machines. This checks what can be checked by reading
 * them: the compose services and their settings against lib/env.ts, and the image's steps
 * against package.json and the README. Reads files only.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

// js-yaml is in node_modules through ESLint (not a direct dependency) and ships no types.
const { load: parseYaml } = createRequire(import.meta.url)("js-yaml") as { load: (text: string) => unknown };

type TService = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, unknown>;
  ports?: unknown[];
  container_name?: string;
  healthcheck?: { test?: string | string[] };
  depends_on?: Record<string, { condition?: string }>;
};
type TCompose = { services: Record<string, TService> };

const compose = parseYaml(read("docker-compose.yml")) as TCompose;
const service = (name: string): TService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const words = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(" ") : (value ?? ""));
const APP_SERVICES = ["migrate", "web", "worker"];

/** Keys of the zod objects in lib/env.ts, with the text of each entry (it may span lines). */
function envEntries(): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of read("lib/env.ts").split("\n")) {
    const key = /^ {2}([A-Z][A-Z0-9_]*):/.exec(line)?.[1];
    if (key) current = key;
    else if (!/^ {4}/.test(line)) current = undefined;
    if (current) entries.set(current, `${entries.get(current) ?? ""}${line}\n`);
  }
  return entries;
}

/** Variables the web app and the worker read (ZServerEnv) that have neither a default nor `.optional()`. */
function requiredServerVariables(): string[] {
  const text = read("lib/env.ts");
  const start = text.indexOf("const ZServerEnv = z.object({");
  const end = text.indexOf("\n});", start);
  expect(start, "lib/env.ts defines ZServerEnv").toBeGreaterThan(-1);
  const block = text.slice(start, end);
  const required: string[] = [];
  let key: string | undefined;
  let body = "";
  const flush = () => {
    if (key && !/\.default\(|\.optional\(\)/.test(body)) required.push(key);
  };
  for (const line of block.split("\n").slice(1)) {
    const next = /^ {2}([A-Z][A-Z0-9_]*):/.exec(line)?.[1];
    if (next) {
      flush();
      key = next;
      body = "";
    }
    body += line;
  }
  flush();
  return required;
}

/** Every `${NAME...}` or `$NAME` that compose would interpolate, in any string of the file. */
function interpolatedNames(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    for (const match of value.matchAll(/(?<!\$)\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(match[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) interpolatedNames(item, out);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      interpolatedNames(key, out);
      interpolatedNames(item, out);
    }
  }
  return out;
}

/** The Dockerfile as instructions: continuation lines joined, comments dropped. */
function dockerfileInstructions(): { op: string; args: string }[] {
  const logical = read("Dockerfile")
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  return logical
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = "", ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

/** Names of package.json scripts run with `npm run <name>` in a text. */
const npmRuns = (text: string) => [...text.matchAll(/npm(?:",\s*"|\s+)run(?:",\s*"|\s+)([\w:-]+)/g)].map((m) => m[1]!);

// Besides lib/env.ts: Node's own CA setting, and what the runtime sets for Next.js.
const NON_APP_VARIABLES = ["NODE_EXTRA_CA_CERTS", "NODE_ENV", "HOST", "PORT", "NEXT_TELEMETRY_DISABLED"];
// Interpolated for the postgres service and, to match, in DATABASE_URL; the app never reads it.
const COMPOSE_ONLY_VARIABLES = ["POSTGRES_PASSWORD"];

describe("docker-compose.yml", () => {
  it("has PostgreSQL, Redis, the one-shot migration, the web app and the worker", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["migrate", "postgres", "redis", "web", "worker"]);
  });

  it("runs PostgreSQL 17 with a healthcheck, and Redis with an append-only file and noeviction", () => {
    expect(service("postgres").image).toBe("postgres:17");
    expect(words(service("postgres").healthcheck?.test)).toContain("pg_isready");
    const redis = words(service("redis").command);
    expect(redis).toMatch(/--appendonly yes\b/);
    expect(redis).toMatch(/--maxmemory-policy noeviction\b/);
    expect(words(service("redis").healthcheck?.test)).toMatch(/redis-cli ping/);
  });

  it("runs each role from the same image with an npm script of package.json", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    const expected: Record<string, string> = { migrate: "db:migrate", web: "web", worker: "worker" };
    for (const name of APP_SERVICES) {
      const app = service(name);
      expect(app.build, `${name} builds the Dockerfile`).toBe(".");
      expect(app.image).toBe(service("web").image);
      expect(npmRuns(words(app.command)), name).toEqual([expected[name]]);
      expect(scripts[expected[name]!], `package.json script ${expected[name]}`).toBeDefined();
    }
  });

  it("starts web and worker only after the migration has completed and the stores are healthy", () => {
    for (const name of ["web", "worker"]) {
      expect(service(name).depends_on).toMatchObject({
        migrate: { condition: "service_completed_successfully" },
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
      });
    }
    expect(service("migrate").depends_on).toMatchObject({ postgres: { condition: "service_healthy" } });
  });

  it("lets the worker scale: no container_name and no published ports", () => {
    expect(service("worker").container_name).toBeUndefined();
    expect(service("worker").ports).toBeUndefined();
  });

  it("serves the web app on port 3000 on all of the container's addresses, with a liveness healthcheck", () => {
    const web = service("web");
    expect(web.environment?.HOST).toBe("0.0.0.0");
    expect(web.environment?.PORT).toBe("${PORT:-3000}");
    expect(web.ports).toEqual(["127.0.0.1:${PORT:-3000}:${PORT:-3000}"]);
    expect(words(web.healthcheck?.test)).toContain("/api/health/live");
  });

  it("sets every variable the app requires in production for web, worker and migrate", () => {
    const required = requiredServerVariables();
    // If lib/env.ts gains a required variable, this list and the compose file must follow.
    expect(required.sort()).toEqual(["DATABASE_URL", "REDIS_URL"]);
    for (const name of APP_SERVICES) {
      const env = service(name).environment ?? {};
      for (const variable of required) {
        expect(typeof env[variable] === "string" && env[variable] !== "", `${name} ${variable}`).toBe(true);
      }
      expect(env.DATABASE_URL).toMatch(/^postgresql:\/\/cato:\$\{POSTGRES_PASSWORD:-[^}]*\}@postgres:5432\/cato$/);
      expect(env.REDIS_URL).toBe("redis://redis:6379");
      // The key has no default: the operator supplies it, and compose stops without it.
      expect(env.ENCRYPTION_KEY ?? env.ENCRYPTION_KEY_FILE, `${name} encryption key`).toMatch(
        /^\$\{ENCRYPTION_KEY(_FILE)?:\?.+\}$/,
      );
    }
    const postgres = service("postgres").environment ?? {};
    expect(postgres).toMatchObject({ POSTGRES_USER: "cato", POSTGRES_DB: "cato" });
    expect(postgres.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:-[^}]*\}$/);
  });

  it("uses only variables that lib/env.ts (or Node) knows", () => {
    const known = new Set([...envEntries().keys(), ...NON_APP_VARIABLES]);
    for (const name of APP_SERVICES) {
      for (const variable of Object.keys(service(name).environment ?? {})) {
        expect(known.has(variable), `${name}: ${variable} is not read by lib/env.ts`).toBe(true);
      }
    }
    for (const variable of interpolatedNames(compose)) {
      expect(
        known.has(variable) || COMPOSE_ONLY_VARIABLES.includes(variable),
        `\${${variable}} is not a setting of the app`,
      ).toBe(true);
    }
  });

  it("defaults each setting to the README's default, except the simulator, off in production", () => {
    const readmeDefaults = new Map(
      [...read("README.md").matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\| `([^`]+)`/gm)].map((m) => [m[1]!, m[2]!]),
    );
    expect(readmeDefaults.get("HEC_BATCH_MAX_BYTES"), "README configuration table").toBe("1000000");
    const deliberate: Record<string, string> = { SIMULATOR: "off" };
    let compared = 0;
    for (const name of APP_SERVICES) {
      for (const [variable, value] of Object.entries(service(name).environment ?? {})) {
        const fallback = /^\$\{([A-Z0-9_]+):-([^}]*)\}$/.exec(String(value));
        if (!fallback || fallback[1] !== variable || !readmeDefaults.has(variable)) continue;
        expect(fallback[2], `${name} ${variable}`).toBe(deliberate[variable] ?? readmeDefaults.get(variable));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(10);
  });
});

describe("Dockerfile", () => {
  const instructions = dockerfileInstructions();
  const runs = instructions.filter((i) => i.op === "RUN").map((i) => i.args);
  const stages = instructions.filter((i) => i.op === "FROM");

  it("builds on node:20-bookworm-slim in stages", () => {
    const base = instructions.find((i) => i.op === "ARG" && i.args.startsWith("NODE_IMAGE="));
    expect(base?.args).toBe("NODE_IMAGE=node:20-bookworm-slim");
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.args).toMatch(/^\$\{NODE_IMAGE\} AS \w+$/);
  });

  it("installs with npm ci, then runs the production build, with Next.js telemetry off", () => {
    const install = runs.findIndex((r) => /^npm ci\b/.test(r));
    const build = runs.findIndex((r) => /^npm run build\b/.test(r));
    expect(install).toBeGreaterThan(-1);
    expect(build).toBeGreaterThan(install);
    const buildAt = instructions.findIndex((i) => i.op === "RUN" && /^npm run build\b/.test(i.args));
    const stageAt = instructions.slice(0, buildAt).findLastIndex((i) => i.op === "FROM");
    const env = instructions.slice(stageAt, buildAt).filter((i) => i.op === "ENV");
    expect(env.map((i) => i.args).join(" ")).toMatch(/\bNEXT_TELEMETRY_DISABLED=1\b/);
  });

  it("copies the schema before npm ci, since postinstall runs prisma generate", () => {
    const install = instructions.findIndex((i) => i.op === "RUN" && /^npm ci\b/.test(i.args));
    const copied = instructions
      .slice(0, install)
      .filter((i) => i.op === "COPY")
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(copied).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "prisma", "prisma.config.ts"]));
    expect(read("package.json")).toMatch(/"postinstall": ".*PRISMA_SCHEMA_ENGINE_BINARY=.*prisma generate/);
  });

  it("runs as a non-root user and starts the web app by default", () => {
    const last = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));
    const user = last.filter((i) => i.op === "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const cmd = last.filter((i) => i.op === "CMD").at(-1)?.args;
    expect(cmd && (JSON.parse(cmd) as string[])).toEqual(["npm", "run", "web"]);
  });

  it("uses the npm scripts the README documents, and package.json defines", () => {
    const readme = read("README.md");
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    const dockerfile = instructions.filter((i) => i.op === "RUN" || i.op === "CMD").map((i) => i.args);
    const commands = Object.values(compose.services).map((s) => words(s.command));
    const used = new Set([...dockerfile, ...commands].flatMap(npmRuns));
    expect([...used].sort()).toEqual(["build", "db:migrate", "web", "worker"]);
    for (const script of used) {
      expect(scripts[script], `package.json script ${script}`).toBeDefined();
      expect(readme, `README mentions npm run ${script}`).toContain(`npm run ${script}`);
    }
  });

  it("copies into the image only files that exist and that .dockerignore lets through", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    for (const entry of ["node_modules", ".next", "data", ".e2e-data", ".e2e-cert", "test-results", ".git"]) {
      expect(ignored, `.dockerignore ${entry}`).toContain(entry);
    }
    const fromContext = instructions
      .filter((i) => i.op === "COPY" && !i.args.startsWith("--from"))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext.filter((s) => s !== ".")) {
      expect(existsSync(path.join(ROOT, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
  });
});
