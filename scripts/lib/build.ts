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

/** Builds the web app when there is no build or its sources changed since. */
export async function ensureBuild(env: NodeJS.ProcessEnv): Promise<void> {
  const current = fingerprint();
  const built = existsSync(".next/BUILD_ID") && existsSync(STAMP) ? readFileSync(STAMP, "utf8") : "";
  if (built === current) return;
  process.stdout.write("Building the web app (first start or sources changed)…\n");
  await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], { env });
  writeFileSync(STAMP, current);
}
