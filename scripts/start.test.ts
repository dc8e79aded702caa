/**
 * `npm start` refuses to start, with a message saying what to do, when a prerequisite
 * is missing or its port is taken: before it starts any database or builds anything.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "./lib/processes";

type Run = { code: number | null; stdout: string; stderr: string };

function start(env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/start.ts"],
      { env, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

const dirs: string[] = [];
let holder: Server | undefined;
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((r) => (holder ? holder.close(() => r()) : r()));
  holder = undefined;
});

function baseEnv(): NodeJS.ProcessEnv {
  const dataDir = mkdtempSync(join(tmpdir(), "start-test-"));
  dirs.push(dataDir);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    NODE_ENV: "production",
  };
}

describe("npm start", () => {
  it("stops with a clear error and a non-zero exit when PORT is taken", async () => {
    holder = createServer();
    await new Promise<void>((r) => holder!.listen(0, "127.0.0.1", () => r()));
    const port = (holder.address() as { port: number }).port;
    const run = await start({ ...baseEnv(), PORT: String(port) });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use by another program`);
    expect(run.stderr).toContain("set PORT to a free port");
    expect(run.stdout).not.toContain("Embedded PostgreSQL running");
  });

  it("without redis-server on the PATH nor REDIS_URL: names the package to install, or REDIS_URL", async () => {
    // A PATH with a shell and nothing else.
    const bin = mkdtempSync(join(tmpdir(), "start-test-bin-"));
    dirs.push(bin);
    symlinkSync("/bin/sh", join(bin, "sh"));
    const env = baseEnv();
    const run = await start({
      ...env,
      PATH: bin,
      PORT: String(await freePort()),
      // A database given, so that only Redis is missing (nothing listens there: never reached).
      DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none",
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("apt-get install redis-server");
    expect(run.stderr).toContain("brew install redis");
    expect(run.stderr).toContain("REDIS_URL=");
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it("names the setting and its rule when a setting is invalid, without a stack trace", async () => {
    const run = await start({ ...baseEnv(), PORT: "0" });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/PORT/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
