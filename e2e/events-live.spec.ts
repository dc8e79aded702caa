import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectNoAxeViolations } from "./layout";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

function uniqueToken(): string {
  return `Live-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function ingest(request: APIRequestContext, subType: string, message: string) {
  const response = await request.post("/api/feeds/events", {
    data: [{ event_type: "Security", event_sub_type: subType, time: String(Date.now()), event_message: message }],
  });
  expect(response.status(), await response.text()).toBe(200);
}

function rows(page: Page, token: string) {
  return page.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: token });
}

for (const viewport of [DESKTOP, PHONE]) {
  test(`at ${viewport.width} px the Events page holds still on request and keeps its view in the address`, async ({
    page,
    request,
  }) => {
    const token = uniqueToken();
    await ingest(request, token, `${token} one`);
    await ingest(request, token, `${token} two`);
    await page.setViewportSize(viewport);

    // A shared address opens the same view; the sub-type matches in any case.
    await page.goto(`/events?type=Security&subType=${encodeURIComponent(token.toLowerCase())}`);
    await expect(page.getByLabel("Event Type")).toHaveValue("Security");
    await expect(page.getByLabel("Event Sub-Type")).toHaveValue(token.toLowerCase());
    await expect(rows(page, token)).toHaveText([/two/, /one/]);

    // Paused, new events are counted, not pushed in.
    await page.getByRole("button", { name: "Pause live updates" }).click();
    await ingest(request, token, `${token} three`);
    const showNew = page.getByRole("button", { name: "Show 1 new event" });
    await expect(showNew).toBeVisible({ timeout: 15_000 });
    await expect(rows(page, token)).toHaveText([/two/, /one/]);
    await expectNoAxeViolations(page);
    await showNew.click();
    await expect(rows(page, token)).toHaveText([/three/, /two/, /one/]);
    await page.getByRole("button", { name: "Resume live updates" }).click();

    // An open record holds the list still too.
    const first = rows(page, token).first();
    await first.getByRole("button", { name: "Show details" }).click();
    await expect(first.getByRole("button", { name: "Hide details" })).toBeVisible();
    await ingest(request, token, `${token} four`);
    await expect(page.getByText(/Held while a record is open: 1 new event since/)).toBeVisible({ timeout: 15_000 });
    await expect(rows(page, token).first()).toContainText("three");

    // The filter the reader types goes into the address.
    await page.getByLabel("Event Type").selectOption("");
    await expect(page).toHaveURL(new RegExp(`subType=${token.toLowerCase()}`));
    await expect(page).not.toHaveURL(/type=Security/);
  });
}
