import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./processes";

const SOURCES = ["app", "components", "lib", "public"];
const FILES = ["next.config.ts", "package-lock.json", "postcss.config.mjs", "tsconfig.json"];
const STAMP = ".next/source-fingerprint";

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
}

/** Paths, sizes and modification times of what the web build is made from. */
function fingerprint(): string {
  const files: string[] = [...FILES];
  for (const dir of SOURCES) walk(dir, files);
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    if (!existsSync(file)) continue;
    const { size, mtimeMs } = statSync(file);
    hash.update(`${file}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest("hex");
}

/**
 * Builds the web app when there is no build or its sources changed since. Says so,
 * passes on Next's own steps, and every 20 s says it is still at it, so that a first
 * start of a few minutes does not look like a hang.
 */
export async function ensureBuild(
  env: NodeJS.ProcessEnv,
  say: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const current = fingerprint();
  const hasBuild = existsSync(".next/BUILD_ID");
  const built = hasBuild && existsSync(STAMP) ? readFileSync(STAMP, "utf8") : "";
  if (built === current) return;
  say(
    hasBuild
      ? "Building the web app (its sources changed; a few minutes)…"
      : "Building the web app (first start only, a few minutes)…",
  );
  const startedAt = Date.now();
  const heartbeat = setInterval(() => {
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    say(`  …still building (${Math.floor(seconds / 60)} min ${seconds % 60} s)`);
  }, 20_000);
  try {
    await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      onLine: (line) => {
        const step = line.trim();
        if (step) say(`  ${step}`);
      },
    });
  } finally {
    clearInterval(heartbeat);
  }
  writeFileSync(STAMP, current);
  say(`Web app built in ${Math.round((Date.now() - startedAt) / 1000)} s.`);
}
