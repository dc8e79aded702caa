import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WORKER_NODE_FLAGS, workerArgs, workerEnv } from "./worker-flags";

describe("worker flags", () => {
  it("are the ones `npm run worker` uses, so production runs the worker as measured", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.worker).toBe(`MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-1} node ${workerArgs().join(" ")}`);
    expect(WORKER_NODE_FLAGS).toContain("--max-old-space-size=192");
  });

  it("run the worker with one malloc arena unless the operator says otherwise", () => {
    expect(workerEnv({ PATH: "/bin" })).toEqual({ PATH: "/bin", MALLOC_ARENA_MAX: "1" });
    expect(workerEnv({ MALLOC_ARENA_MAX: "4" }).MALLOC_ARENA_MAX).toBe("4");
  });
});
