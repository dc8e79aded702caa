import type { Page } from "@playwright/test";

/** Opens the New Integration panel on the Integrations page and chooses Splunk. */
export async function openNewPanel(page: Page) {
  await page.goto("/integrations");
  await page.getByRole("button", { name: "New", exact: true }).click();
  const panel = page.getByRole("dialog", { name: "New Integration" });
  await panel.getByRole("button", { name: /^Splunk/ }).click();
  return panel;
}
