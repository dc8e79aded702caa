import { defineConfig } from "@playwright/test";
import { ADMIN_STATE, E2E_ADMIN } from "./e2e/accounts";
import { E2E_CATO } from "./e2e/cato";
import { chromiumExecutable } from "./e2e/browser";
import { E2E_CERT_DIR } from "./e2e/certificate-dir";
import { loadLoopbackCertificate } from "./lib/hec-receiver/certificate";
import { freePort } from "./scripts/lib/processes";

/**
 * Browser tests drive the real product as `npm start` runs it: embedded PostgreSQL
 * and Redis in a throw-away data directory, on ports free at start, the production
 * build, the worker. The product listens on E2E_PORT, or on a port free when the run
 * starts (kept in E2E_PORT for the test workers, which read this file again).
 */
process.env.E2E_PORT ||= String(await freePort());
const PORT = Number(process.env.E2E_PORT);
const BASE_URL = `http://127.0.0.1:${PORT}`;
/** The stand-in for Cato's API (npm run cato:mock), which the product reaches through CATO_API_URL. */
process.env.E2E_CATO_PORT ||= String(await freePort());
const CATO_PORT = Number(process.env.E2E_CATO_PORT);

/**
 * The CA of the test HEC receivers (e2e/delivery.spec.ts), made here before the
 * product starts: the product trusts it as an operator trusts a private CA, through
 * NODE_EXTRA_CA_CERTS, which Node reads only when a process starts.
 */
const certificate = await loadLoopbackCertificate(E2E_CERT_DIR);

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
      executablePath: chromiumExecutable(),
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
  projects: [
    { name: "sign-in", testMatch: /auth\.setup\.ts/, use: { browserName: "chromium" } },
    {
      name: "chromium",
      use: { browserName: "chromium", storageState: ADMIN_STATE },
      dependencies: ["sign-in"],
    },
  ],
  webServer: [
    {
      command: `node --import tsx scripts/cato-mock.ts --port ${CATO_PORT} --account-id ${E2E_CATO.accountId} --api-key ${E2E_CATO.apiKey} --backlog ${E2E_CATO.backlog} --rate 0`,
      port: CATO_PORT,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "rm -rf .e2e-data && node --import tsx scripts/start.ts",
      url: `${BASE_URL}/api/health/live`,
      // The simulator is off so that pages show only what each test puts in. The test
      // receivers listen on loopback, which only HEC_ALLOW_PRIVATE_NETWORKS lets through.
      env: {
        DATA_DIR: ".e2e-data",
        PORT: String(PORT),
        HOST: "127.0.0.1",
        DATABASE_URL: "",
        REDIS_URL: "",
        SIMULATOR: "off",
        NODE_EXTRA_CA_CERTS: certificate.caCertPath,
        HEC_ALLOW_PRIVATE_NETWORKS: "true",
        ADMIN_EMAIL: E2E_ADMIN.email,
        ADMIN_PASSWORD: E2E_ADMIN.password,
        CATO_API_URL: `http://127.0.0.1:${CATO_PORT}/api/v1/graphql2`,
        CATO_POLL_INTERVAL_MS: "1000",
      },
      reuseExistingServer: false,
      timeout: 300_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    },
  ],
});
