import { expect, test, type APIRequestContext } from "@playwright/test";
import { openNewPanel } from "./panel";
import { expectNoAxeViolations, sidewaysOverflow } from "./layout";

const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

function uniqueName(label: string): string {
  return `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function createThroughApi(request: APIRequestContext, overrides: Record<string, unknown> = {}) {
  const response = await request.post("/api/integrations", {
    data: {
      name: uniqueName("Layout"),
      ingestionUrl: "https://http-inputs-acme.splunkcloud.com",
      apiKey: TOKEN,
      ...overrides,
    },
  });
  expect(response.status()).toBe(201);
  return (await response.json()) as { id: string; name: string };
}

test.describe("on a phone", () => {
  // A phone's browser, not only a narrow window: it lays the page out as a phone does.
  test.use({ viewport: PHONE, isMobile: true, hasTouch: true });

  test("at phone width no page scrolls sideways and the navigation is a menu", async ({ page, request }) => {
    await createThroughApi(request, {
      description: "A long description that would otherwise widen the table well past a phone's screen",
      events: true,
      flows: true,
    });
    await request.post("/api/feeds/events", {
      data: [{ event_type: "Security", event_sub_type: "Internet Firewall", time: String(Date.now()) }],
    });
    for (const path of ["/integrations", "/events", "/audit", "/access", "/account"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Wait for the page's content, which is what may be too wide.
      await expect(
        path === "/account" ? page.getByLabel("Current password") : page.getByRole("table").first(),
      ).toBeVisible();
      await expect.poll(() => sidewaysOverflow(page, PHONE.width), { message: `${path} scrolls sideways` }).toBe(0);
      await expectNoAxeViolations(page);
    }

    // The navigation folds into a menu that opens on demand.
    await page.goto("/integrations");
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(nav.getByRole("link", { name: "Events" })).toBeHidden();
    await page.getByRole("button", { name: "Menu" }).click();
    await nav.getByRole("link", { name: "Events" }).click();
    await expect(page).toHaveURL(/\/events$/);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport();
  });

  test("at phone width the New Integration panel opens on screen, full width", async ({ page, request }) => {
    // A wide table behind the panel, as an account with integrations has.
    await createThroughApi(request, { description: "x".repeat(200), events: true, flows: true, audit: true });
    const panel = await openNewPanel(page);
    const box = await panel.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    expect(box!.width).toBeGreaterThanOrEqual(PHONE.width - 1);
    await expect(panel.getByLabel("Connector Name")).toBeInViewport();
    await expect(panel.getByRole("button", { name: "Save" })).toBeInViewport();
    await expectNoAxeViolations(page);
  });
});

test("at desktop width the Events and Integrations pages fit the window", async ({ page, request }) => {
  await createThroughApi(request, { events: true, flows: true, audit: true });
  await request.post("/api/feeds/events", {
    data: [
      {
        event_type: "Security",
        event_sub_type: "Internet Firewall",
        time: String(Date.now()),
        event_message: "x".repeat(400),
      },
    ],
  });
  await page.setViewportSize(DESKTOP);
  for (const path of ["/events", "/integrations"]) {
    await page.goto(path);
    await expect(page.getByRole("table")).toBeVisible();
    await expect.poll(() => sidewaysOverflow(page, DESKTOP.width), { message: `${path} scrolls sideways` }).toBe(0);
    await expectNoAxeViolations(page);
  }
});

test("focus returns to the control that opened the panel or the dialog", async ({ page, request }) => {
  const { name } = await createThroughApi(request);
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.goto("/integrations");

    // Esc on the New panel.
    const newButton = page.getByRole("button", { name: "New", exact: true });
    await newButton.click();
    await expect(page.getByRole("dialog", { name: "New Integration" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toBeHidden();
    await expect(newButton).toBeFocused();

    // Close on the Edit panel.
    const edit = page.getByRole("button", { name: `Edit ${name}` });
    await edit.click();
    await page.getByRole("dialog", { name: "Edit Integration" }).getByRole("button", { name: "Close panel" }).click();
    await expect(page.getByRole("dialog")).toBeHidden();
    await expect(edit).toBeFocused();

    // Save on the Edit panel.
    await edit.click();
    const panel = page.getByRole("dialog", { name: "Edit Integration" });
    await panel.getByLabel("Description").fill(`saved at ${viewport.width}`);
    await panel.getByRole("button", { name: "Save" }).click();
    await expect(panel).toBeHidden();
    await expect(edit).toBeFocused();

    // Cancel on the delete confirmation.
    const remove = page.getByRole("button", { name: `Delete ${name}` });
    await remove.click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("alertdialog")).toBeHidden();
    await expect(remove).toBeFocused();
    await expectNoAxeViolations(page);
  }
});

test("removing a filter condition moves focus to a neighbour, not the panel", async ({ page }) => {
  const panel = await openNewPanel(page);
  const add = panel.getByRole("button", { name: "Add condition" });
  await add.click();
  await add.click();
  await add.click();
  await panel.getByRole("button", { name: "Remove condition 2" }).click();
  // The condition that took its place.
  await expect(panel.getByRole("button", { name: "Remove condition 2" })).toBeFocused();
  await panel.getByRole("button", { name: "Remove condition 2" }).click();
  // The last one gone: the one before it.
  await expect(panel.getByRole("button", { name: "Remove condition 1" })).toBeFocused();
  await panel.getByRole("button", { name: "Remove condition 1" }).click();
  // None left: Add condition.
  await expect(add).toBeFocused();
});

test("deleting an integration returns focus to the table and says it was deleted", async ({ page, request }) => {
  const { name } = await createThroughApi(request);
  await page.goto("/integrations");
  const search = page.getByRole("searchbox", { name: "Search integrations" });
  await search.fill(name);
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("alertdialog")).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: `Deleted "${name}"` })).toBeVisible();
  await expect(search).toBeFocused();
});
