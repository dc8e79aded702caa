import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { E2E_CATO } from "./cato";
import { expectNoAxeViolations, sidewaysOverflow } from "./layout";

/**
 * The Cato Account page against the stand-in for Cato's API that the product polls
 * (playwright.config.ts starts it with a backlog of events and points CATO_API_URL at it).
 * Each test leaves no account connected, so the other pages see only their own data.
 */
test.afterEach(async ({ request }) => {
  await request.delete("/api/cato-account");
});

test("an admin connects the Cato account, tests it, sees its status, and disconnects it", async ({ page, request }) => {
  await page.goto("/cato-account");
  await expect(page.getByRole("heading", { name: "Cato Account", level: 1 })).toBeVisible();
  await expect(page.getByTestId("cato-state")).toHaveText("Disabled");

  const form = page.getByRole("form", { name: "Connection" });
  await form.getByRole("button", { name: "Connect" }).click();
  await expect(form.getByText("Account ID is the number Cato shows for the account")).toBeVisible();

  await form.getByLabel("Account ID").fill(E2E_CATO.accountId);
  await form.getByLabel("API Key").fill("not-the-key-0000");
  await form.getByRole("button", { name: "Test" }).click();
  await expect(form.getByRole("status")).toHaveText("Cato refused the call: permission denied: invalid API key");

  await form.getByLabel("API Key").fill(E2E_CATO.apiKey);
  await form.getByRole("button", { name: "Test" }).click();
  await expect(form.getByRole("status")).toHaveText(`Connected: ${E2E_CATO.backlog} events available.`);

  await expect(form.getByLabel("API region")).toHaveValue("eu");
  await expect(form.getByLabel("Events")).toBeChecked();
  await form.getByRole("button", { name: "Connect" }).click();

  // The worker polls the stand-in and pulls its backlog into the events feed.
  await expect(page.getByTestId("cato-state")).toHaveText("Caught up", { timeout: 30_000 });
  await expect(page.getByTestId("cato-fetched-events")).toHaveText(String(E2E_CATO.backlog));
  await expect(page.getByText("Behind Cato").locator("xpath=following-sibling::dd[1]")).toHaveText("Caught up");
  // The key is never shown again; the field is empty and its hint names only the last four characters.
  await expect(form.getByLabel("API Key")).toHaveValue("");
  await expect(page.locator("body")).not.toContainText(E2E_CATO.apiKey);
  const stored = await (await request.get("/api/cato-account")).text();
  expect(stored).not.toContain(E2E_CATO.apiKey);

  const accessibility = await new AxeBuilder({ page }).analyze();
  expect(accessibility.violations).toEqual([]);

  await page.goto("/events");
  await expect(page.getByRole("note")).toContainText("Flows come only through the ingest API");

  await page.goto("/cato-account");
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByTestId("cato-state")).toHaveText("Disabled");
  await expect(page.getByRole("form", { name: "Connection" }).getByRole("button", { name: "Connect" })).toBeVisible();
});

test("at 390 px the Cato Account page fits the screen and is accessible, before and after connecting", async ({
  page,
  request,
}) => {
  const width = 390;
  await page.setViewportSize({ width, height: 844 });
  await page.goto("/cato-account");
  await expect(page.getByTestId("cato-state")).toHaveText("Disabled");
  expect(await sidewaysOverflow(page, width)).toBe(0);
  await expectNoAxeViolations(page);

  // Connected: the status grows by the poller's figures and the form by Disconnect.
  const connected = await request.put("/api/cato-account", {
    data: { accountId: E2E_CATO.accountId, apiKey: E2E_CATO.apiKey, region: "eu", events: true, audit: true },
  });
  expect(connected.status(), await connected.text()).toBe(200);
  await page.reload();
  await expect(page.getByTestId("cato-state")).toHaveText("Caught up", { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Disconnect" })).toBeVisible();
  expect(await sidewaysOverflow(page, width)).toBe(0);
  await expectNoAxeViolations(page);
});
