import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./accounts";
import { openNewPanel } from "./panel";
import { expectNoAxeViolations } from "./layout";

const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

for (const viewport of [DESKTOP, PHONE]) {
  test(`at ${viewport.width} px Test connection runs without a name and reads in plain words`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const panel = await openNewPanel(page);
    await panel.getByLabel("Ingestion URL").fill("https://hec.splunk-test.invalid");
    await panel.getByLabel("API Key").fill(TOKEN);
    await panel.getByRole("button", { name: "Test connection" }).click();

    const status = panel.getByRole("status", { name: "Connection test" });
    await expect(status).toContainText("The connection test failed.", { timeout: 30_000 });
    // No Connector Name was needed to test the destination.
    await expect(panel.getByLabel("Connector Name")).not.toHaveAttribute("aria-invalid", "true");
    const steps = status.getByRole("listitem");
    await expect(steps.first()).toContainText(
      "Address Failed: Host not found: no DNS record for hec.splunk-test.invalid",
    );
    await expect(status).not.toContainText("getaddrinfo");
    await expect(steps.nth(1)).toContainText("Skipped: an earlier step failed");
    await expect(status).not.toContainText("Skipped: Skipped");
    // Where it can be read: in the panel's body, which scrolls with the fields, not in its
    // footer beside the buttons, and on screen.
    const nameField = await panel.getByLabel("Connector Name").elementHandle();
    const isInBody = await status.evaluate((element, field) => {
      let node = element.parentElement;
      while (node && !["auto", "scroll"].includes(getComputedStyle(node).overflowY)) node = node.parentElement;
      return node !== null && node.contains(field);
    }, nameField);
    expect(isInBody).toBe(true);
    await expect(steps.last()).toBeInViewport();
    await expectNoAxeViolations(page);
  });
}

test("the console has a favicon, and the integration's page is titled with its name", async ({ page, request }) => {
  const name = `Titled ${Date.now().toString(36)}`;
  const created = await request.post("/api/integrations", {
    data: { name, ingestionUrl: "https://http-inputs-acme.splunkcloud.com", apiKey: TOKEN },
  });
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/integrations/${id}`);
  await expect(page).toHaveTitle(new RegExp(`^${name}`));
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  expect((await request.get(href!)).status()).toBe(200);
});

test("at 390 px button labels stay on one line, even beside a long message", async ({ browser, request }) => {
  // A user of its own, whose password this test may change.
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const email = `one-line-${suffix}@example.com`;
  const password = `pw-${suffix}-long-enough`;
  const created = await request.post("/api/users", { data: { email, password, role: "viewer" } });
  expect(created.status(), await created.text()).toBe(201);
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, viewport: PHONE });
  try {
    expect((await context.request.post("/api/auth/sign-in", { data: { email, password } })).status()).toBe(200);
    const page = await context.newPage();
    await page.goto("/account");
    await page.getByLabel("Current password").fill(password);
    await page.getByLabel("New password", { exact: true }).fill(`${password}-changed`);
    await page.getByLabel("Confirm new password").fill(`${password}-changed`);
    const button = page.getByRole("button", { name: "Change password" });
    await button.click();
    // The message beside the button takes the row's room: the button keeps its label on one line.
    await expect(page.getByText("Password changed. Your other sessions were signed out.")).toBeVisible();
    const box = await button.boundingBox();
    const lineHeight = await button.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    // One line of text plus the button's padding.
    expect(box!.height).toBeLessThan(lineHeight * 2);
  } finally {
    await context.close();
  }
});

for (const viewport of [DESKTOP, PHONE]) {
  test(`at ${viewport.width} px making yourself a Viewer asks first`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.goto("/access");
    const self = page.getByRole("button", { name: `Make Viewer: ${E2E_ADMIN.email}` });
    await self.click();
    const dialog = page.getByRole("alertdialog", { name: "Make yourself a Viewer?" });
    await expect(dialog).toBeVisible();
    await expectNoAxeViolations(page);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(self).toBeFocused();
    const users = page.getByRole("table", { name: "Users" });
    await expect(users.getByRole("row").filter({ hasText: E2E_ADMIN.email })).toContainText("Admin");
  });
}
