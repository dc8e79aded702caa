import { defineConfig } from "@playwright/test";

/**
 * Browser tests drive the real product as `npm start` runs it: embedded PostgreSQL
 * and Redis in a throw-away data directory, the production build, the worker.
 */
const PORT = Number(process.env.E2E_PORT ?? 3210);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "rm -rf .e2e-data && node --import tsx scripts/start.ts",
    url: `${BASE_URL}/api/health/live`,
    // The simulator is off so that pages show only what each test puts in.
    env: {
      DATA_DIR: ".e2e-data",
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATABASE_URL: "",
      REDIS_URL: "",
      SIMULATOR: "off",
    },
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
