import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN } from "./accounts";
import { withDatabase } from "./database";

/**
 * Signing in and out, sessions that end, what a Viewer sees, and the audit trail of
 * what was just done. The default browser is the signed-in admin (auth.setup.ts);
 * other people get browsers of their own.
 */
const PASSWORD = "viewer passphrase 2026";

function unique(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function createUser(request: APIRequestContext, role: "admin" | "viewer") {
  const email = `${unique(role)}@example.com`;
  const response = await request.post("/api/users", { data: { email, password: PASSWORD, role } });
  expect(response.status(), await response.text()).toBe(201);
  return email;
}

/** A browser of its own for someone else: no cookies from the admin's state. */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  return context.newPage();
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a user signs in, lands where they were going, and signs out", async ({ browser, request }) => {
  const email = await createUser(request, "viewer");
  const page = await freshPage(browser);

  await page.goto("/events");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fevents$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "critical")).toEqual([]);

  await signIn(page, email, "not the password at all");
  await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");

  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/events$/);
  await expect(page.getByTestId("signed-in-user")).toContainText(email);
  await expect(page.getByTestId("signed-in-user")).toContainText("Viewer");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/integrations");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fintegrations$/);
  expect((await page.request.get("/api/integrations")).status()).toBe(401);
  await page.context().close();
});

test("a user changes their own password on the Account page and signs in with it", async ({ browser, request }) => {
  const email = await createUser(request, "viewer");
  const page = await freshPage(browser);
  await page.goto("/sign-in");
  await signIn(page, email, PASSWORD);
  await page.getByRole("link", { name: "Account", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();

  await page.getByLabel("Current password").fill("not the password at all");
  await page.getByLabel("New password", { exact: true }).fill("my own new passphrase");
  await page.getByLabel("Confirm new password").fill("my own new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByLabel("Current password")).toHaveAccessibleDescription("Current password is not correct");

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "critical")).toEqual([]);

  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, email, PASSWORD);
  await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
  await signIn(page, email, "my own new passphrase");
  await expect(page).toHaveURL(/\/integrations$/);
  await page.context().close();
});

test("an expired session returns to sign-in, from an open page and on the next visit", async ({ browser, request }) => {
  const email = await createUser(request, "viewer");
  const page = await freshPage(browser);
  await page.goto("/sign-in");
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/integrations$/);
  await expect(page.getByRole("table")).toBeVisible();

  // Time passes: the session's absolute end is now behind it.
  await withDatabase((db) =>
    db.query(
      `UPDATE "Session" SET "expiresAt" = now() - interval '1 second' WHERE "userId" = (SELECT id FROM "User" WHERE email = $1)`,
      [email],
    ),
  );
  // The table refreshes itself; its next call is refused and the page goes to sign-in.
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fintegrations$/, { timeout: 20_000 });
  await page.goto("/events");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.context().close();
});

test("a Viewer sees integrations and status but no New, Edit, Pause or Delete", async ({ browser, request }) => {
  const created = await request.post("/api/integrations", {
    data: {
      name: unique("Viewer sees"),
      ingestionUrl: "https://http-inputs-acme.splunkcloud.com",
      apiKey: "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b",
    },
  });
  expect(created.status()).toBe(201);
  const integration = (await created.json()) as { id: string; name: string };
  const email = await createUser(request, "viewer");
  const page = await freshPage(browser);
  await page.goto("/sign-in");
  await signIn(page, email, PASSWORD);

  const row = page.getByRole("row").filter({ hasText: integration.name });
  await expect(row).toContainText("Pending");
  await expect(page.getByRole("button", { name: "New", exact: true })).toHaveCount(0);
  await expect(row.getByRole("button")).toHaveCount(0);
  await expect(page.getByText("5a6b")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Users & API Keys" })).toHaveCount(0);

  await page.goto(`/integrations/${integration.id}`);
  await expect(page.getByRole("heading", { name: integration.name })).toBeVisible();
  await expect(page.getByRole("button", { name: /Edit|Pause|Resume|Delete/ })).toHaveCount(0);

  // The API holds the line too.
  const patch = await page.request.patch(`/api/integrations/${integration.id}`, { data: { paused: true } });
  expect(patch.status()).toBe(403);
  await page.context().close();
});

test("the Audit Trail page shows the actions just made, filterable by user and action", async ({ page, request }) => {
  const name = unique("Audited");
  const created = await request.post("/api/integrations", {
    data: {
      name,
      ingestionUrl: "https://http-inputs-acme.splunkcloud.com",
      apiKey: "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b",
    },
  });
  const { id } = (await created.json()) as { id: string };
  expect((await request.patch(`/api/integrations/${id}`, { data: { paused: true } })).status()).toBe(200);
  expect((await request.patch(`/api/integrations/${id}`, { data: { description: "changed" } })).status()).toBe(200);

  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit Trail" })).toBeVisible();
  const entries = page.getByRole("row").filter({ hasText: name });
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toContainText("Integration edited");
  // Only what changed, before → after.
  await expect(entries.nth(0)).toContainText("Description: none → changed");
  await expect(entries.nth(1)).toContainText("Integration paused");
  await expect(entries.nth(2)).toContainText("Integration created");
  await expect(entries.nth(2)).toContainText(E2E_ADMIN.email);

  await page.getByLabel("Action").selectOption({ label: "Integration paused" });
  await expect(entries).toHaveCount(1);
  await expect(page.getByRole("row").filter({ hasText: "Integration created" })).toHaveCount(0);
  await page.getByLabel("User").selectOption(E2E_ADMIN.email);
  await expect(entries).toHaveCount(1);
  await page.getByLabel("Action").selectOption({ label: "Signed in" });
  await expect(page.getByRole("row").filter({ hasText: "Signed in" }).first()).toContainText(E2E_ADMIN.email);

  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
});
