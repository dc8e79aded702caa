import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectNoAxeViolations } from "./layout";

const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

function uniqueToken(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function createThroughApi(request: APIRequestContext, data: Record<string, unknown>) {
  const response = await request.post("/api/integrations", {
    data: { ingestionUrl: "https://http-inputs-acme.splunkcloud.com", apiKey: TOKEN, ...data },
  });
  expect(response.status()).toBe(201);
  return (await response.json()) as { id: string; name: string };
}

function table(page: Page) {
  return page.getByRole("table", { name: /Integrated apps/ });
}

/** The connector names in the table's body, top to bottom. */
async function listedNames(page: Page, token: string): Promise<string[]> {
  const links = table(page).getByRole("link").filter({ hasText: token });
  return links.allTextContents();
}

test("the table searches by name, description and Ingestion URL, and sorts by name", async ({ page, request }) => {
  const token = uniqueToken();
  await createThroughApi(request, { name: `Bravo ${token}`, description: "Paris office" });
  await createThroughApi(request, {
    name: `Alpha ${token}`,
    ingestionUrl: `https://hec-${token}.example.com`,
  });
  await createThroughApi(request, { name: `Charlie ${token}` });

  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.goto("/integrations");
    const search = page.getByRole("searchbox", { name: "Search integrations" });
    await search.fill(token);
    await expect(table(page).getByRole("link").filter({ hasText: token })).toHaveCount(3);

    // Sorted by name on request, both ways.
    const byName = table(page).getByRole("button", { name: /Connector Name/ });
    await byName.click();
    await expect.poll(() => listedNames(page, token)).toEqual([`Alpha ${token}`, `Bravo ${token}`, `Charlie ${token}`]);
    await expect(table(page).getByRole("columnheader", { name: /Connector Name/ })).toHaveAttribute(
      "aria-sort",
      "ascending",
    );
    await byName.click();
    await expect.poll(() => listedNames(page, token)).toEqual([`Charlie ${token}`, `Bravo ${token}`, `Alpha ${token}`]);
    await expect(page).toHaveURL(/sort=name/);

    // The description and the Ingestion URL's host are searched too.
    await search.fill(`paris office`);
    await expect(table(page).getByRole("link", { name: `Bravo ${token}` })).toBeVisible();
    await expect(table(page).getByRole("link", { name: `Alpha ${token}` })).toBeHidden();
    await search.fill(`hec-${token}`);
    await expect(table(page).getByRole("link", { name: `Alpha ${token}` })).toBeVisible();
    await expect(table(page).getByRole("link", { name: `Bravo ${token}` })).toBeHidden();
    await expect(
      table(page)
        .getByRole("row")
        .filter({ hasText: `Alpha ${token}` }),
    ).toContainText(`hec-${token}.example.com`);
    await search.fill(`nothing-${token}`);
    await expect(table(page)).toContainText("No integrations match");
    await expectNoAxeViolations(page);
  }
});

test("a row's actions sit in one line and its times name their time zone", async ({ page, request }) => {
  const token = uniqueToken();
  const { name } = await createThroughApi(request, { name: `Row ${token}` });
  await page.setViewportSize(DESKTOP);
  await page.goto("/integrations");
  const row = table(page).getByRole("row").filter({ hasText: name });
  const edit = await row.getByRole("button", { name: `Edit ${name}` }).boundingBox();
  const pause = await row.getByRole("button", { name: `Pause ${name}` }).boundingBox();
  const remove = await row.getByRole("button", { name: `Delete ${name}` }).boundingBox();
  expect(Math.abs(edit!.y - pause!.y)).toBeLessThan(2);
  expect(Math.abs(edit!.y - remove!.y)).toBeLessThan(2);
  // The browser runs in UTC here; the zone is spelled out.
  await expect(row.locator("time").first()).toHaveText(/UTC|GMT/);
});

test("saving says so, and the integration's page deletes it too", async ({ page, request }) => {
  const token = uniqueToken();
  const { id, name } = await createThroughApi(request, { name: `Notice ${token}` });
  await page.goto("/integrations");
  await page.getByRole("button", { name: `Edit ${name}` }).click();
  const panel = page.getByRole("dialog", { name: "Edit Integration" });
  await panel.getByLabel("Description").fill("changed");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved "${name}"` })).toBeVisible();

  await page.goto(`/integrations/${id}`);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/integrations$/);
  await expect(page.getByRole("status").filter({ hasText: `Deleted "${name}"` })).toBeVisible();
  expect((await request.get(`/api/integrations/${id}`)).status()).toBe(404);
});

test("when refreshes fail the table and the page say the data is old", async ({ page, request }) => {
  const token = uniqueToken();
  const { id, name } = await createThroughApi(request, { name: `Stale ${token}` });
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.goto("/integrations");
    await expect(table(page).getByRole("link", { name })).toBeVisible();
    await page.route("**/api/integrations", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/problem+json",
        body: JSON.stringify({ title: "Unavailable", status: 503 }),
      }),
    );
    await expect(page.getByRole("alert").filter({ hasText: /Not updated since .+ retrying/ })).toBeVisible({
      timeout: 20_000,
    });
    await expectNoAxeViolations(page);
    await page.unroute("**/api/integrations");
    await expect(page.getByRole("alert").filter({ hasText: /Not updated since/ })).toBeHidden({ timeout: 20_000 });

    await page.goto(`/integrations/${id}`);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await page.route(`**/api/integrations/${id}`, (route) => route.abort("connectionrefused"));
    await expect(page.getByRole("alert").filter({ hasText: /Not updated since .+ retrying/ })).toBeVisible({
      timeout: 20_000,
    });
    await page.unroute(`**/api/integrations/${id}`);
  }
});

test("the Events page says when the events cannot be loaded instead of loading forever", async ({ page }) => {
  // An API that never answers, as when the network between browser and console drops.
  const events = /\/api\/events(\?|$)/;
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.route(events, () => undefined);
    await page.goto("/events");
    await expect(page.getByRole("alert").filter({ hasText: "The events could not be loaded" })).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.getByText("Loading events…")).toBeHidden();
    await expectNoAxeViolations(page);
    await page.unrouteAll({ behavior: "ignoreErrors" });
  }
});
