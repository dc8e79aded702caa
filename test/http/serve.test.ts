/** The web server as `npm run web` starts it, when its port is taken. */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EXIT_CONFIG } from "../../scripts/lib/supervisor";
import { product } from "./client";

describe("scripts/serve.ts", () => {
  it("exits with a clear message and EXIT_CONFIG when its port is taken, instead of living on unheard", async () => {
    const { baseUrl, databaseUrl, redisUrl } = product();
    const port = new URL(baseUrl).port; // the running product holds it
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "scripts/serve.ts"],
        {
          timeout: 50_000,
          env: {
            ...process.env,
            NODE_ENV: "production",
            PORT: port,
            HOST: "127.0.0.1",
            DATABASE_URL: databaseUrl,
            REDIS_URL: redisUrl,
            ENCRYPTION_KEY: randomBytes(32).toString("base64"),
            SIMULATOR: "off",
          },
        },
        (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
      );
    });
    expect(run.code).toBe(EXIT_CONFIG);
    expect(run.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use by another program`);
    // The product that holds the port still answers.
    expect((await fetch(`${baseUrl}/api/health/live`)).status).toBe(200);
  });
});
