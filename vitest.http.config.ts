import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * API tests over HTTP against the running product (test/http/client.ts says how to write
 * one). test/http/global-setup.ts starts web and worker once per run.
 */
export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    alias: { "server-only": fileURLToPath(new URL("./test/server-only-stub.ts", import.meta.url)) },
  },
  test: {
    include: ["test/http/**/*.test.ts"],
    globalSetup: ["./test/http/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
