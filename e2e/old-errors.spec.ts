import { expect, test, type Page } from "@playwright/test";
import { E2E_CATO } from "./cato";
import { openNewPanel } from "./panel";
import { expectNoAxeViolations } from "./layout";

/**
 * A server error describes the attempt that failed, not the form from then on: the next
 * action (an edit, a button) takes it away. Each form's request is refused as when the
 * console cannot be reached, so nothing is saved; then the route is let through again.
 */

const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const UNREACHABLE = "The console could not be reached.";

function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Refuses the page's requests of this method to this address, as an unreachable console would. */
async function refuse(page: Page, url: string, method: string) {
  await page.route(url, (route) =>
    route.request().method() === method ? route.abort("connectionrefused") : route.fallback(),
  );
}

for (const viewport of [DESKTOP, PHONE]) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("the API key form's old server error clears with the next edit", async ({ page }) => {
      await page.goto("/access");
      const form = page.getByRole("form", { name: "Create API key" });
      await refuse(page, "**/api/api-keys", "POST");
      await form.getByLabel("Name").fill(`Old error ${uniqueSuffix()}`);
      await form.getByRole("button", { name: "Create API key" }).click();
      const error = form.getByRole("alert").filter({ hasText: UNREACHABLE });
      await expect(error).toBeVisible();
      await expectNoAxeViolations(page);
      await page.unroute("**/api/api-keys");

      await form.getByLabel("Role").selectOption("admin");
      await expect(error).toHaveCount(0);
    });

    test("the change password form's old server error clears with the next edit", async ({ page }) => {
      await page.goto("/account");
      await refuse(page, "**/api/auth/password", "POST");
      // Refused before it reaches the server: the administrator's password stays as it is.
      await page.getByLabel("Current password").fill("not the current password");
      await page.getByLabel("New password", { exact: true }).fill("a new password of enough length");
      await page.getByLabel("Confirm new password").fill("a new password of enough length");
      await page.getByRole("button", { name: "Change password" }).click();
      const error = page.getByRole("alert").filter({ hasText: UNREACHABLE });
      await expect(error).toBeVisible();
      await expectNoAxeViolations(page);
      await page.unroute("**/api/auth/password");

      await page.getByLabel("Current password").fill("");
      await expect(error).toHaveCount(0);
    });

    test("the integration panel's old server error clears with the next edit", async ({ page }) => {
      const panel = await openNewPanel(page);
      await refuse(page, "**/api/integrations", "POST");
      await panel.getByLabel("Connector Name").fill(`Old error ${uniqueSuffix()}`);
      await panel.getByLabel("Ingestion URL").fill("https://http-inputs-acme.splunkcloud.com");
      await panel.getByLabel("API Key").fill(TOKEN);
      await panel.getByRole("button", { name: "Save" }).click();
      const error = panel.getByRole("alert").filter({ hasText: UNREACHABLE });
      await expect(error).toBeVisible();
      await expectNoAxeViolations(page);
      await page.unroute("**/api/integrations");

      await panel.getByLabel("Description").fill("Retried once the console answers");
      await expect(error).toHaveCount(0);
      await expect(panel).toBeVisible();
    });

    test("the Cato account form's old errors clear with the next action", async ({ page }) => {
      await page.goto("/cato-account");
      const form = page.getByRole("form", { name: "Connection" });
      await refuse(page, "**/api/cato-account", "PUT");
      // The connection test gets a reply of its own, so that its error tells itself apart.
      await page.route("**/api/cato-account/test", (route) =>
        route.fulfill({
          status: 502,
          contentType: "application/problem+json",
          body: JSON.stringify({
            type: "about:blank",
            title: "Bad Gateway",
            status: 502,
            detail: "Proxy refused the test",
          }),
        }),
      );
      await form.getByLabel("Account ID").fill(E2E_CATO.accountId);
      await form.getByLabel("API Key").fill(E2E_CATO.apiKey);
      await form.getByRole("button", { name: "Connect" }).click();
      const error = form.getByRole("alert").filter({ hasText: UNREACHABLE });
      await expect(error).toHaveCount(1);
      await expectNoAxeViolations(page);

      // Another button is the next action: the save's error goes, the test's own comes.
      await form.getByRole("button", { name: "Test" }).click();
      const testError = form.getByRole("alert").filter({ hasText: "Proxy refused the test" });
      await expect(testError).toBeVisible();
      await expect(error).toHaveCount(0);
      await page.unroute("**/api/cato-account");
      await page.unroute("**/api/cato-account/test");

      await form.getByLabel("Account ID").fill("");
      await expect(testError).toHaveCount(0);
      await expect(page.getByTestId("cato-state")).toHaveText("Disabled");
    });
  });
}
