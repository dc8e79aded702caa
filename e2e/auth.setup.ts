import { expect, test as setup } from "@playwright/test";
import { ADMIN_STATE, E2E_ADMIN } from "./accounts";

/** Signs the first administrator in through the sign-in page and keeps the session for the other tests. */
setup("sign in as the administrator", async ({ page }) => {
  await page.goto("/integrations");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fintegrations$/);
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/integrations$/);
  await expect(page.getByTestId("signed-in-user")).toContainText(E2E_ADMIN.email);
  await page.context().storageState({ path: ADMIN_STATE });
});
