import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";

type TRecord = Record<string, string>;

function uniqueToken(): string {
  return `e2e-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

async function ingest(request: APIRequestContext, records: TRecord[]) {
  const response = await request.post("/api/feeds/events", { data: records });
  expect(response.status(), await response.text()).toBe(200);
}

/**
 * The simulator appends events of its own meanwhile, so each test's events share a
 * sub-type of their own and the page is filtered down to them.
 */
async function openEvents(page: Page, subType: string) {
  await page.goto("/events");
  await expect(page.getByRole("heading", { name: "Events", level: 1 })).toBeVisible();
  // The sub-type filter applies after a short debounce; until its answer arrives the page
  // still shows (and pages through) the unfiltered list, so wait for the filtered one.
  const filtered = page.waitForResponse(
    (response) => response.url().includes(`subType=${encodeURIComponent(subType)}`) && response.ok(),
  );
  await page.getByLabel("Event Sub-Type").fill(subType);
  await filtered;
}

function eventRows(page: Page, token: string) {
  return page.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: token });
}

/** The expanded record of a row, found through its disclosure button. */
async function expandRecord(page: Page, row: Locator) {
  const button = row.getByRole("button", { name: /^(Show|Hide) details$/ });
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await expect(button).toHaveText(/Show details/);
  await button.click();
  await expect(button).toHaveAttribute("aria-expanded", "true");
  await expect(button).toHaveText(/Hide details/);
  const id = await button.getAttribute("aria-controls");
  expect(id).toBeTruthy();
  return page.locator(`[id="${id}"]`);
}

test("the page lists events newest first, filters by type, expands a record and fetches full raw_data", async ({
  page,
  request,
}) => {
  const token = uniqueToken();
  const t0 = Date.now() - 60_000;
  const rawData = `${token}:` + "x".repeat(10_000 - token.length - 5) + ":end";
  expect(rawData).toHaveLength(10_000);

  await ingest(request, [
    {
      event_type: "Security",
      event_sub_type: token,
      time: String(t0),
      action: "Block",
      rule_name: "Block gambling",
      src_ip: "10.0.0.5",
      dest_ip: "203.0.113.7",
      user_name: "Dana Levi",
      src_site_name: "Tel Aviv",
      event_message: `${token} first`,
    },
  ]);
  await ingest(request, [
    {
      event_type: "Connectivity",
      event_sub_type: token,
      time: String(t0 + 1_000),
      src_site_name: "London",
      pop_name: "London_DC1",
      event_message: `${token} second`,
    },
  ]);
  await ingest(request, [
    {
      event_type: "Detection and Response",
      event_sub_type: token,
      time: String(t0 + 2_000),
      event_message: `${token} third`,
      raw_data: rawData,
    },
  ]);

  await openEvents(page, token);
  const rows = eventRows(page, token);
  await expect(rows).toHaveText([/third/, /second/, /first/]);
  await expect(rows.nth(2)).toContainText("Security");
  await expect(rows.nth(2)).toContainText("Block · Rule: Block gambling");
  await expect(rows.nth(2)).toContainText("10.0.0.5 → 203.0.113.7");
  await expect(rows.nth(2)).toContainText(
    new Date(t0).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "medium" }),
  );
  await expect(page.getByText("Page 1")).toBeVisible();

  await page.getByLabel("Event Type").selectOption("Security");
  await expect(rows).toHaveText([/first/]);

  const record = await expandRecord(page, rows.first());
  const fields = await record.getByRole("term").allTextContents();
  expect(fields).toEqual([
    "action",
    "dest_ip",
    "event_message",
    "event_sub_type",
    "event_type",
    "rule_name",
    "src_ip",
    "src_site_name",
    "time",
    "user_name",
  ]);
  await expect(record.getByRole("definition")).toHaveText([
    "Block",
    "203.0.113.7",
    `${token} first`,
    token,
    "Security",
    "Block gambling",
    "10.0.0.5",
    "Tel Aviv",
    String(t0),
    "Dana Levi",
  ]);

  await page.getByLabel("Event Type").selectOption("Routing");
  await expect(page.getByText("No events match.")).toBeVisible();

  await page.getByLabel("Event Type").selectOption("Detection and Response");
  await expect(rows).toHaveText([/third/]);
  const detection = await expandRecord(page, rows.first());
  await expect(detection.getByText("raw_data truncated: showing 2,000 of 10,000 characters")).toBeVisible();
  const rawRegion = detection.getByRole("region", { name: "raw_data" });
  await expect(rawRegion).toHaveText(rawData.slice(0, 2_000));

  await detection.getByRole("button", { name: "Show full raw_data" }).click();
  await expect(detection.getByText("Full raw_data: 10,000 characters")).toBeVisible();
  await expect(rawRegion).toHaveText(rawData);
  await expect(detection.getByText("raw_data truncated")).toHaveCount(0);
});

test("Older and Newer page through the events", async ({ page, request }) => {
  const token = uniqueToken();
  const t0 = Date.now() - 120_000;
  // One more page than the 50 a page holds, plus five.
  const records = Array.from({ length: 55 }, (_, i) => ({
    event_type: "System",
    event_sub_type: token,
    time: String(t0 + i * 1_000),
    event_message: `${token} n=${String(i).padStart(2, "0")}`,
  }));
  await ingest(request, records);

  await openEvents(page, token);
  const rows = eventRows(page, token);
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText(`${token} n=54`);
  await expect(rows.last()).toContainText(`${token} n=05`);
  const newer = page.getByRole("button", { name: "Newer" });
  const older = page.getByRole("button", { name: "Older" });
  await expect(newer).toBeDisabled();

  await older.click();
  await expect(page.getByText("Page 2")).toBeVisible();
  await expect(rows).toHaveText([/n=04/, /n=03/, /n=02/, /n=01/, /n=00/]);

  await newer.click();
  await expect(page.getByText("Page 1")).toBeVisible();
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText(`${token} n=54`);
});

test("the first page refreshes itself as events arrive", async ({ page, request }) => {
  const token = uniqueToken();
  await openEvents(page, token);
  await expect(page.getByText("No events match.")).toBeVisible();
  await ingest(request, [
    { event_type: "Connectivity", event_sub_type: token, time: String(Date.now()), event_message: `${token} late` },
  ]);
  await expect(eventRows(page, token)).toHaveText([/late/], { timeout: 15_000 });
});

test("a record opens and its full raw_data loads from the keyboard", async ({ page, request }) => {
  const token = uniqueToken();
  await ingest(request, [
    {
      event_type: "Detection and Response",
      event_sub_type: token,
      time: String(Date.now()),
      event_message: `${token} keyboard`,
      raw_data: "k".repeat(2_500),
    },
  ]);
  await openEvents(page, token);
  const row = eventRows(page, token).first();
  await expect(row).toBeVisible();

  const details = row.getByRole("button", { name: /^(Show|Hide) details$/ });
  await details.focus();
  await page.keyboard.press("Enter");
  await expect(details).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Tab");
  const showFull = page.getByRole("button", { name: "Show full raw_data" });
  await expect(showFull).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("region", { name: "raw_data" })).toBeFocused();
  await expect(page.getByText("Full raw_data: 2,500 characters")).toBeVisible();

  await details.focus();
  await page.keyboard.press("Space");
  await expect(details).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByRole("region", { name: "raw_data" })).toHaveCount(0);
});

test("no serious or critical accessibility violations with a record expanded", async ({ page, request }) => {
  const token = uniqueToken();
  await ingest(request, [
    {
      event_type: "Detection and Response",
      event_sub_type: token,
      time: String(Date.now()),
      action: "Monitor",
      event_message: `${token} for the axe check`,
      raw_data: "r".repeat(3_000),
    },
  ]);
  await openEvents(page, token);
  const record = await expandRecord(page, eventRows(page, token).first());
  await expect(record.getByRole("button", { name: "Show full raw_data" })).toBeVisible();

  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
});

test("a wide record (990 fields, ~2 MB) is listed cut and opens whole on demand", async ({ page, request }) => {
  const token = uniqueToken();
  const wide: TRecord = {
    event_type: "Security",
    event_sub_type: token,
    time: String(Date.now()),
    action: "Block",
    event_message: `${token} wide`,
  };
  for (let f = 0; f < 990; f++) wide[`field_${String(f).padStart(3, "0")}`] = `${f}:`.padEnd(1999, "w");
  await ingest(request, [wide]);

  const listed = page.waitForResponse((r) => r.url().includes("/api/events?") && r.url().includes(token) && r.ok());
  await openEvents(page, token);
  expect((await (await listed).body()).length).toBeLessThan(64 * 1024);
  const row = eventRows(page, token).first();
  await expect(row).toContainText("Block");
  const record = await expandRecord(page, row);
  await expect(record.getByText("This record is large")).toBeVisible();
  await expect(record.getByRole("term").filter({ hasText: "field_989" })).toHaveCount(0);

  await record.getByRole("button", { name: "Show the full record" }).click();
  await expect(record.getByRole("term").filter({ hasText: /^field_\d{3}$/ })).toHaveCount(990);
  await expect(record.getByRole("definition").filter({ hasText: /^989:w+$/ })).toHaveCount(1);
  await expect(record.getByText("This record is large")).toHaveCount(0);
});
