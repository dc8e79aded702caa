import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { freePort, stopChild, waitFor } from "../scripts/lib/processes";
import { expectNoAxeViolations, sidewaysOverflow } from "./layout";

/**
 * The first-run /setup page. The product under test has its administrator from
 * ADMIN_EMAIL, so /setup never shows there: this spec starts a second product, as
 * `npm start` runs on a first start (same build, a data directory of its own, no
 * administrator), and creates the first administrator in it with the setup code.
 */

const DATA_DIR = join(".e2e-data", "first-run");
const PHONE = { width: 390, height: 844 };

let product: ChildProcess | undefined;
let address = "";

test.use({ storageState: { cookies: [], origins: [] } });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  address = `http://127.0.0.1:${port}`;
  let output = "";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: "",
    REDIS_URL: "",
    SIMULATOR: "off",
  };
  // No administrator from the environment: the product writes a setup code to DATA_DIR.
  for (const name of ["ADMIN_EMAIL", "ADMIN_PASSWORD", "SETUP_CODE_FILE"]) delete env[name];
  product = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [product.stdout, product.stderr]) stream?.on("data", (chunk: Buffer) => (output += chunk));
  try {
    await waitFor(async () => (await fetch(`${address}/api/health/live`)).ok, 100_000, "the first-run product");
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${output}`);
  }
});

test.afterAll(async () => {
  await stopChild(product, 20_000);
});

test("the first-run setup form shows every error at once in its own words, then creates the administrator", async ({
  page,
}) => {
  await page.setViewportSize(PHONE);
  await page.goto(`${address}/setup`);
  await expect(page.getByRole("heading", { name: "Create the first administrator" })).toBeVisible();

  // Nothing filled in but a malformed email, a short password and a different confirmation.
  await page.getByLabel("Email").fill("soc-at-example");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("shorter");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByLabel("Setup code")).toHaveAccessibleDescription(
    /Setup code is required: copy it from the setup-code file/,
  );
  await expect(page.getByLabel("Email")).toHaveAccessibleDescription(
    "Email must be an email address, such as soc@example.com",
  );
  await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(
    /Password must be at least 12 characters/,
  );
  await expect(page.getByLabel("Confirm password")).toHaveAccessibleDescription(
    "Confirm password must match the password",
  );
  // In the screen's words: the API's field keys never show.
  await expect(page.locator("form")).not.toContainText("setupCode");
  expect(await sidewaysOverflow(page, PHONE.width)).toBe(0);
  await expectNoAxeViolations(page);

  // A wrong code is the server's to say, at its field.
  const password = "first administrator passphrase";
  await page.getByLabel("Setup code").fill("0000-0000-0000-0000-0000-0000");
  await page.getByLabel("Email").fill("first-admin@example.com");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByLabel("Setup code")).toHaveAccessibleDescription(
    /Setup code does not match the code in the setup file/,
  );

  await page.getByLabel("Setup code").fill(readFileSync(join(DATA_DIR, "setup-code"), "utf8").trim());
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page).toHaveURL(`${address}/integrations`);
  await expect(page.getByTestId("signed-in-user")).toContainText("first-admin@example.com");
});
