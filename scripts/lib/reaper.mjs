// Watches the process that started it through its stdin: when that pipe closes (the
// parent exited, however it exited), stops the servers whose pid files are under the
// directory given as argument and removes the directory. Plain JavaScript: it must
// start fast and depend on nothing.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
process.on("SIGINT", () => undefined); // a Ctrl-C reaches the whole group; outlive it to clean up
process.on("SIGTERM", () => undefined);

function pidFrom(file) {
  if (!existsSync(file)) return 0;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0].trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function reap() {
  const servers = [
    [pidFrom(join(dir, "postgres", "postmaster.pid")), "SIGQUIT"],
    [pidFrom(join(dir, "redis", "redis.pid")), "SIGTERM"],
  ].filter(([pid]) => pid > 0 && alive(pid));
  for (const [pid, signal] of servers) process.kill(pid, signal);
  const deadline = Date.now() + 10_000;
  while (servers.some(([pid]) => alive(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const [pid] of servers) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

process.stdin.on("data", () => undefined);
process.stdin.on("end", () => void reap());
process.stdin.on("error", () => void reap());
process.stdin.on("close", () => void reap());
