import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

/**
 * The Users & API Keys page. The browser and the `request` fixture are signed in as an
 * Admin (the setup project); calls that must carry no session use a context of their own.
 */

function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function uniqueEmail(): string {
  return `e2e-${uniqueSuffix()}@example.com`;
}

function uniqueName(label: string): string {
  return `${label} ${uniqueSuffix()}`;
}

async function createUserThroughApi(request: APIRequestContext, role: "admin" | "viewer" = "viewer") {
  const response = await request.post("/api/users", {
    data: { email: uniqueEmail(), password: `pw-${uniqueSuffix()}-long`, role },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string; email: string; role: string };
}

async function storedUser(request: APIRequestContext, email: string) {
  const body = (await (await request.get("/api/users")).json()) as { users: { email: string; role: string }[] };
  return body.users.find((user) => user.email === email);
}

async function openAccess(page: Page) {
  await page.goto("/access");
  await expect(page.getByRole("heading", { name: "Users & API Keys", level: 1 })).toBeVisible();
}

function userRow(page: Page, email: string) {
  return page.getByRole("table", { name: "Users" }).getByRole("row").filter({ hasText: email });
}

function apiKeyRow(page: Page, name: string) {
  return page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: name });
}

test("an admin adds a Viewer through the form and sees it listed", async ({ page, request }) => {
  const email = uniqueEmail();
  await openAccess(page);
  const form = page.getByRole("form", { name: "Add user" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(`pw-${uniqueSuffix()}-long`);
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByRole("button", { name: "Add user" }).click();

  const row = userRow(page, email);
  await expect(row.getByRole("cell").first()).toHaveText("Viewer");
  await expect(row.getByRole("button", { name: `Make Admin: ${email}` })).toBeVisible();
  await expect(form.getByLabel("Email")).toHaveValue("");
  await expect(form.getByLabel("Password")).toHaveValue("");
  expect(await storedUser(request, email)).toMatchObject({ email, role: "viewer" });

  await page.reload();
  await expect(userRow(page, email)).toBeVisible();
});

test("a duplicate email shows the server's error next to the Email field", async ({ page, request }) => {
  const taken = await createUserThroughApi(request);
  await openAccess(page);
  const form = page.getByRole("form", { name: "Add user" });

  // The form checks what it can itself, with the schema the API uses.
  await form.getByLabel("Email").fill("not-an-email");
  await form.getByLabel("Password").fill("short");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByLabel("Email")).toHaveAccessibleDescription(/^Email must be an email address/);
  await expect(form.getByLabel("Password")).toHaveAccessibleDescription(/Password must be at least 12 characters/);

  // Only the server knows the email is taken.
  await form.getByLabel("Email").fill(taken.email);
  await form.getByLabel("Password").fill(`pw-${uniqueSuffix()}-long`);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByLabel("Email")).toHaveAccessibleDescription(
    `A user with the email ${taken.email} already exists`,
  );
  await expect(userRow(page, taken.email)).toHaveCount(1);
});

test("an admin changes a user's role, then deletes the user after confirming", async ({ page, request }) => {
  const user = await createUserThroughApi(request, "viewer");
  await openAccess(page);
  const row = userRow(page, user.email);

  await row.getByRole("button", { name: `Make Admin: ${user.email}` }).click();
  await expect(row.getByRole("button", { name: `Make Viewer: ${user.email}` })).toBeVisible();
  await expect(row.getByRole("cell").first()).toHaveText("Admin");
  expect(await storedUser(request, user.email)).toMatchObject({ role: "admin" });

  await row.getByRole("button", { name: `Make Viewer: ${user.email}` }).click();
  await expect(row.getByRole("cell").first()).toHaveText("Viewer");

  await row.getByRole("button", { name: `Delete ${user.email}` }).click();
  const dialog = page.getByRole("alertdialog", { name: "Delete user?" });
  await expect(dialog).toContainText(user.email);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toBeVisible();

  await row.getByRole("button", { name: `Delete ${user.email}` }).click();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  // The dialog closes once the server has deleted the user; while it is open the table
  // is hidden from the accessibility tree, so a row count then would prove nothing.
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  expect(await storedUser(request, user.email)).toBeUndefined();
});

test("an admin resets a user's password and the user signs in with the new one", async ({
  page,
  request,
  playwright,
  baseURL,
}) => {
  const user = await createUserThroughApi(request);
  await openAccess(page);
  await userRow(page, user.email)
    .getByRole("button", { name: `Reset password for ${user.email}` })
    .click();
  const dialog = page.getByRole("dialog", { name: "Reset password" });
  await expect(dialog).toContainText(user.email);

  await dialog.getByLabel("New password").fill("short");
  await dialog.getByRole("button", { name: "Set password" }).click();
  await expect(dialog.getByLabel("New password")).toHaveAccessibleDescription(
    /password must be at least 12 characters/,
  );

  const password = `reset-${uniqueSuffix()}-long`;
  await dialog.getByLabel("New password").fill(password);
  await dialog.getByRole("button", { name: "Set password" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: `The password of ${user.email} was reset` })).toBeVisible();

  const fresh = await playwright.request.newContext({ baseURL });
  try {
    const signIn = await fresh.post("/api/auth/sign-in", { data: { email: user.email, password } });
    expect(signIn.status(), await signIn.text()).toBe(200);
  } finally {
    await fresh.dispose();
  }
});

test("an API key is shown once, works as a Bearer token, and stops working when revoked", async ({
  page,
  playwright,
  baseURL,
}) => {
  const name = uniqueName("SOAR playbook");
  await openAccess(page);
  const form = page.getByRole("form", { name: "Create API key" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByRole("button", { name: "Create API key" }).click();

  const notice = page.getByRole("status").filter({ hasText: "Copy this key now: it will not be shown again." });
  await expect(notice).toContainText(name);
  const keyField = notice.getByLabel("New API key");
  await expect(keyField).toBeFocused();
  const key = await keyField.inputValue();
  expect(key).toMatch(/^sck_[A-Za-z0-9_-]{40,}$/);
  const prefix = `${key.slice(0, 10)}…`;

  const row = apiKeyRow(page, name);
  await expect(row).toContainText(prefix);
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Never");
  await expect(row).not.toContainText(key);

  await notice.getByRole("button", { name: "Dismiss" }).click();
  await expect(notice).toHaveCount(0);
  await expect(form.getByLabel("Name")).toBeFocused();

  await page.reload();
  await expect(apiKeyRow(page, name)).toContainText(prefix);
  await expect(page.getByLabel("New API key")).toHaveCount(0);
  expect(await page.content()).not.toContain(key);

  // A context of its own: no session cookie, so the key alone authenticates.
  const api = await playwright.request.newContext({ baseURL });
  try {
    const authorization = { authorization: `Bearer ${key}` };
    expect((await api.get("/api/integrations", { headers: authorization })).status()).toBe(200);

    await row.getByRole("button", { name: `Revoke ${name}` }).click();
    const dialog = page.getByRole("alertdialog", { name: "Revoke API key?" });
    await expect(dialog).toContainText(name);
    await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
    await expect(dialog).toBeHidden();

    await expect(row).toContainText("Revoked");
    await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
    // The call above was the key's first use.
    await expect(row).not.toContainText("Never");

    expect((await api.get("/api/integrations", { headers: authorization })).status()).toBe(401);
  } finally {
    await api.dispose();
  }
});

test("no serious or critical accessibility violations on the Users & API Keys page", async ({ page }) => {
  const serious = (violations: { impact?: string | null }[]) =>
    violations.filter((v) => v.impact === "serious" || v.impact === "critical");

  await openAccess(page);
  await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
  await expect(page.getByRole("table", { name: "API keys" })).toBeVisible();
  const pageResults = await new AxeBuilder({ page }).analyze();
  expect(serious(pageResults.violations), JSON.stringify(serious(pageResults.violations), null, 2)).toEqual([]);

  // With field errors showing and the one-time key on screen.
  const addUser = page.getByRole("form", { name: "Add user" });
  await addUser.getByRole("button", { name: "Add user" }).click();
  await expect(addUser.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  const createKey = page.getByRole("form", { name: "Create API key" });
  await createKey.getByLabel("Name").fill(uniqueName("Axe"));
  await createKey.getByRole("button", { name: "Create API key" }).click();
  await expect(page.getByLabel("New API key")).toBeVisible();
  const formResults = await new AxeBuilder({ page }).analyze();
  expect(serious(formResults.violations), JSON.stringify(serious(formResults.violations), null, 2)).toEqual([]);
});
