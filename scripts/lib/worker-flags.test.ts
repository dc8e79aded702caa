import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WORKER_NODE_FLAGS, workerArgs } from "./worker-flags";

describe("worker flags", () => {
  it("are the ones `npm run worker` uses, so production runs the worker as measured", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.worker).toBe(`node ${workerArgs().join(" ")}`);
    expect(WORKER_NODE_FLAGS).toContain("--max-old-space-size=192");
  });
});
