import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stopChild, waitFor } from "./processes";
import { EXIT_CONFIG, supervise } from "./supervisor";

/** Real child processes: a Node one-liner each. */
const node = (code: string) => () => spawn(process.execPath, ["-e", code], { stdio: "ignore" });
const fast = { initialDelayMs: 10, maxDelayMs: 50, fastCrashMs: 10_000, maxFastCrashes: 4 };

let dir: string | undefined;
let stopLast: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopLast?.();
  stopLast = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("supervise", () => {
  it("restarts a process that dies, saying why, and keeps the new one", async () => {
    dir = mkdtempSync(join(tmpdir(), "supervisor-test-"));
    const marker = join(dir, "crashed-once");
    // Dies by SIGABRT on its first run (as V8 does at its heap limit), then stays up.
    const code = `const fs=require("fs");if(!fs.existsSync(${JSON.stringify(marker)})){fs.writeFileSync(${JSON.stringify(marker)},"");process.kill(process.pid,"SIGABRT")}else setInterval(()=>{},1000)`;
    const lines: string[] = [];
    const gaveUp: string[] = [];
    const supervisor = supervise({
      name: "worker",
      start: node(code),
      log: (l) => lines.push(l),
      onGiveUp: (r) => gaveUp.push(r),
      ...fast,
    });
    stopLast = () => stopChild(supervisor.stop());
    const first = supervisor.current();
    await waitFor(
      async () => supervisor.current() !== first && supervisor.current().pid !== undefined,
      20_000,
      "a new process",
    );
    expect(first.signalCode).toBe("SIGABRT");
    expect(existsSync(marker)).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^The worker process stopped unexpectedly \(killed by SIGABRT\); restarting it in/);
    // The second run stays up: no further restart, no giving up.
    await new Promise((r) => setTimeout(r, 500));
    expect(supervisor.current().exitCode).toBeNull();
    expect(supervisor.restarts()).toBe(1);
    expect(gaveUp).toEqual([]);
  });

  it("gives up after repeated fast crashes, with a message saying why", async () => {
    const lines: string[] = [];
    let reason = "";
    const supervisor = supervise({
      name: "web",
      start: node("process.exit(3)"),
      log: (l) => lines.push(l),
      onGiveUp: (r) => (reason = r),
      ...fast,
    });
    stopLast = () => stopChild(supervisor.stop());
    await waitFor(async () => reason !== "", 30_000, "the supervisor to give up");
    expect(reason).toBe(
      "The web process stopped 4 times in a row, each within 10 s of starting (last: exit code 3); it is not restarted again.",
    );
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.includes("(exit code 3); restarting it in"))).toBe(true);
    // Backoff: each delay at least the one before.
    const delays = lines.map((l) => Number(/in ([\d.]+) s/.exec(l)![1]));
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    // Nothing restarts after giving up.
    const count = supervisor.restarts();
    await new Promise((r) => setTimeout(r, 300));
    expect(supervisor.restarts()).toBe(count);
  });

  it("gives up at once when the process says its configuration cannot work", async () => {
    let reason = "";
    const lines: string[] = [];
    const supervisor = supervise({
      name: "web",
      start: node(`process.exit(${EXIT_CONFIG})`),
      log: (l) => lines.push(l),
      onGiveUp: (r) => (reason = r),
      ...fast,
    });
    stopLast = () => stopChild(supervisor.stop());
    await waitFor(async () => reason !== "", 20_000, "the supervisor to give up");
    expect(reason).toMatch(/^The web process cannot run as configured \(exit code 78\)/);
    expect(lines).toEqual([]);
    expect(supervisor.restarts()).toBe(0);
  });
});
