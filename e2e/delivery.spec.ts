import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { E2E_CERT_DIR } from "./certificate-dir";
import { loadLoopbackCertificate } from "@/lib/hec-receiver/certificate";
import { startHecReceiver, type THecReceiver } from "@/lib/hec-receiver/receiver";
import { openNewPanel } from "./panel";
import { sidewaysOverflow } from "./layout";

/**
 * Delivery to Splunk, against a HEC receiver of our own that speaks the protocol. The
 * product trusts its CA and may reach loopback (see playwright.config.ts). Delivery is
 * dispatched twice a second and the table refreshes every 5 s, hence the long waits.
 */
const DELIVERY_TIMEOUT = 30_000;

type TIntegrationBody = { id: string; name: string; ingestionUrl: string };

const test = base.extend<{ receiver: THecReceiver }>({
  receiver: async ({ request }, provide) => {
    const receiver = await startHecReceiver({ certificate: await loadLoopbackCertificate(E2E_CERT_DIR) });
    await provide(receiver);
    // Otherwise the product keeps retrying a receiver that is gone, for the rest of the run.
    const list = (await (await request.get("/api/integrations")).json()) as { integrations: TIntegrationBody[] };
    for (const integration of list.integrations.filter((i) => i.ingestionUrl === receiver.url)) {
      await request.delete(`/api/integrations/${integration.id}`);
    }
    await receiver.stop();
  },
});

function uniqueName(label: string): string {
  return `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function uniqueToken(): string {
  return `e2e-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** Appends `count` events whose sub-type is `token`, so the receiver's share of them can be counted. */
async function ingest(request: APIRequestContext, token: string, count: number, extra: Record<string, string> = {}) {
  const records = Array.from({ length: count }, (_, i) => ({
    event_type: "Security",
    event_sub_type: token,
    time: String(Date.now()),
    event_message: `${token} n=${i}`,
    ...extra,
  }));
  const response = await request.post("/api/feeds/events", { data: records });
  expect(response.status(), await response.text()).toBe(200);
}

async function createThroughApi(request: APIRequestContext, receiver: THecReceiver): Promise<TIntegrationBody> {
  const response = await request.post("/api/integrations", {
    data: { name: uniqueName("HEC"), ingestionUrl: receiver.url, apiKey: receiver.token },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as TIntegrationBody;
}

/** The envelopes the receiver accepted that carry events with this sub-type. */
function receivedWith(receiver: THecReceiver, token: string) {
  return receiver.received().filter((envelope) => JSON.stringify(envelope.event).includes(token));
}

function row(page: Page, name: string) {
  return page.getByRole("table", { name: "Integrated apps" }).getByRole("row").filter({ hasText: name });
}

function cell(integrationRow: Locator, column: "Status" | "Last Delivered" | "Delivered" | "Lag") {
  const index = { Status: 5, "Last Delivered": 6, Delivered: 7, Lag: 8 }[column];
  return integrationRow.getByRole("cell").nth(index);
}

async function leadingNumber(locator: Locator): Promise<number> {
  const text = await locator.textContent();
  const match = /([\d,]+)/.exec(text ?? "");
  return match ? Number(match[1]!.replace(/,/g, "")) : Number.NaN;
}

/** The value of a term in a description list. */
function definition(list: Locator, term: string) {
  return list.locator(`dt:text-is("${term}") + dd`);
}

function testSteps(panel: Locator) {
  return panel.getByRole("status", { name: "Connection test" }).getByRole("listitem");
}

test("an integration made in the panel delivers events to Splunk and the table follows", async ({
  page,
  request,
  receiver,
}) => {
  const name = uniqueName("SOC Splunk");
  await page.goto("/integrations");
  await expect(page.getByRole("complementary", { name: "Destination policy" })).toHaveText(
    "Private network destinations are allowed (HEC_ALLOW_PRIVATE_NETWORKS)",
  );
  const panel = await openNewPanel(page);
  await panel.getByLabel("Connector Name").fill(name);
  await panel.getByLabel("Ingestion URL").fill(receiver.url);
  await panel.getByLabel("API Key").fill(receiver.token);
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel).toBeHidden();

  const created = row(page, name);
  await expect(created).toBeVisible();

  const token = uniqueToken();
  await ingest(request, token, 3);
  await expect(cell(created, "Status")).toContainText("Healthy", { timeout: DELIVERY_TIMEOUT });
  await expect
    .poll(() => leadingNumber(cell(created, "Delivered")), { timeout: DELIVERY_TIMEOUT })
    .toBeGreaterThanOrEqual(3);
  await expect(cell(created, "Last Delivered")).not.toHaveText("Never");
  await expect.poll(() => receivedWith(receiver, token).length, { timeout: DELIVERY_TIMEOUT }).toBe(3);
  expect(receivedWith(receiver, token)[0]).toMatchObject({ sourcetype: "cato:events" });

  const before = await leadingNumber(cell(created, "Delivered"));
  await ingest(request, token, 2);
  await expect
    .poll(() => leadingNumber(cell(created, "Delivered")), { timeout: DELIVERY_TIMEOUT })
    .toBeGreaterThanOrEqual(before + 2);
  await expect(cell(created, "Delivered")).toContainText(/\d+(\.\d)? (bytes|kB)/);
  await expect(cell(created, "Lag")).toHaveText("0 behind", { timeout: DELIVERY_TIMEOUT });
  expect(receivedWith(receiver, token)).toHaveLength(5);
  await expect(
    cell(created, "Delivered").getByRole("img", {
      name: /^Records delivered per minute, last hour: [1-9][\d,]* in total/,
    }),
  ).toBeVisible({ timeout: DELIVERY_TIMEOUT });
});

test("a rejected API key shows Error and raises an event; re-entering the key recovers", async ({
  page,
  request,
  receiver,
}) => {
  const integration = await createThroughApi(request, receiver);
  await page.goto("/integrations");
  const created = row(page, integration.name);
  await ingest(request, uniqueToken(), 1);
  await expect(cell(created, "Status")).toContainText("Healthy", { timeout: DELIVERY_TIMEOUT });

  receiver.setFault({ kind: "invalid-token" });
  const token = uniqueToken();
  await ingest(request, token, 2);
  await expect(cell(created, "Status")).toContainText("Error", { timeout: DELIVERY_TIMEOUT });
  await expect(cell(created, "Status")).toContainText("Splunk rejected the API key: invalid token");
  await expect(cell(created, "Status")).toContainText("Last error");

  await page.goto("/events");
  await page.getByLabel("Event Sub-Type").fill("Integration API Key Rejected");
  const errorEvent = page.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: integration.name });
  await expect(errorEvent).toContainText("System", { timeout: 15_000 });
  await expect(errorEvent).toContainText("Integration API Key Rejected");
  await expect(errorEvent).toContainText("Splunk rejected the API key: invalid token");

  // The key is fine again; saving it makes the product try at once rather than in a minute.
  receiver.setFault({ kind: "none" });
  await page.goto("/integrations");
  await page.getByRole("button", { name: `Edit ${integration.name}` }).click();
  const panel = page.getByRole("dialog", { name: "Edit Integration" });
  await panel.getByLabel("API Key").fill(receiver.token);
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel).toBeHidden();
  await expect(cell(created, "Status")).toContainText("Healthy", { timeout: DELIVERY_TIMEOUT });
  await expect.poll(() => receivedWith(receiver, token).length, { timeout: DELIVERY_TIMEOUT }).toBe(2);
});

test("Pause holds delivery back and Resume sends what waited", async ({ page, request, receiver }) => {
  const integration = await createThroughApi(request, receiver);
  await page.goto("/integrations");
  const created = row(page, integration.name);

  await page.getByRole("button", { name: `Pause ${integration.name}` }).click();
  await expect(cell(created, "Status")).toContainText("Paused");
  await expect(cell(created, "Status")).toContainText("nothing is sent until it is resumed");
  const resume = page.getByRole("button", { name: `Resume ${integration.name}` });
  await expect(resume).toBeVisible();
  const stored = (await (await request.get(`/api/integrations/${integration.id}`)).json()) as { paused: boolean };
  expect(stored.paused).toBe(true);

  // While paused the events wait in the feed: the lag counts them and Splunk gets none.
  const token = uniqueToken();
  await ingest(request, token, 2);
  await expect.poll(() => leadingNumber(cell(created, "Lag")), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  expect(receivedWith(receiver, token)).toHaveLength(0);

  await resume.click();
  await expect(page.getByRole("button", { name: `Pause ${integration.name}` })).toBeVisible();
  await expect(cell(created, "Status")).toContainText("Healthy", { timeout: DELIVERY_TIMEOUT });
  await expect.poll(() => receivedWith(receiver, token).length, { timeout: DELIVERY_TIMEOUT }).toBe(2);
});

test("the integration's page shows its delivery, recent attempts and records set aside", async ({
  page,
  request,
  receiver,
}) => {
  const integration = await createThroughApi(request, receiver);
  await page.goto("/integrations");
  await page.getByRole("link", { name: integration.name }).click();
  await expect(page).toHaveURL(`/integrations/${integration.id}`);
  await expect(page.getByRole("heading", { name: integration.name, level: 1 })).toBeVisible();

  const token = uniqueToken();
  await ingest(request, token, 2);
  const attempts = page.getByRole("table", { name: "Recent delivery attempts" });
  const accepted = attempts.getByRole("row").filter({ hasText: "Accepted" }).first();
  await expect(accepted).toContainText("Events", { timeout: DELIVERY_TIMEOUT });
  await expect(accepted.getByRole("cell").nth(3)).toHaveText("200");
  await expect(accepted.getByRole("cell").nth(4)).toHaveText("0");
  // The console's one table: captioned, figures aligned right, scrolling in a frame of its own.
  expect(await attempts.evaluate((table) => (table as HTMLTableElement).caption?.textContent)).toBe(
    "Recent delivery attempts",
  );
  await expect(attempts.getByRole("columnheader", { name: "Records" })).toHaveCSS("text-align", "right");
  await expect(accepted.getByRole("cell").nth(6)).toHaveCSS("text-align", "right");
  await expect(page.getByRole("main")).toContainText("Healthy");
  const events = page.getByRole("region", { name: "Events", exact: true });
  await expect(events).toContainText("Delivered");
  await expect(events).toContainText("0 behind");
  await expect(page.getByText("No records set aside.")).toBeVisible();
  await expect(page.getByRole("figure", { name: /^Records delivered per minute \(last hour\)/ })).toContainText(
    /Events: [1-9][\d,]* records? in the last hour/,
    { timeout: DELIVERY_TIMEOUT },
  );
  await expect(page.getByRole("figure", { name: /^Lag \(records behind the feed, last hour\)/ })).toBeVisible();

  // A record larger than the destination takes is set aside; the rest keep flowing.
  receiver.setMaxContentLength(2_000);
  const big = uniqueToken();
  await ingest(request, big, 1, { raw_data: randomBytes(8_000).toString("base64") });
  const setAside = page.getByRole("region", { name: "Records set aside" }).getByRole("listitem");
  await expect(setAside.first()).toContainText("Events", { timeout: DELIVERY_TIMEOUT });
  await expect(setAside.first().getByRole("region")).toContainText(big);
  await expect(attempts.getByRole("row").filter({ hasText: "Too large" }).first()).toContainText("413");
  await expect(definition(events, "Set aside")).toHaveText("1 record");
  expect(receivedWith(receiver, big)).toHaveLength(0);
  const after = uniqueToken();
  await ingest(request, after, 3);
  await expect.poll(() => receivedWith(receiver, after).length, { timeout: DELIVERY_TIMEOUT }).toBe(3);
  await expect(definition(events, "Set aside")).toHaveText("1 record");

  await page.getByRole("button", { name: `Pause ${integration.name}` }).click();
  await expect(page.getByRole("button", { name: `Resume ${integration.name}` })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("Paused: nothing is sent until it is resumed");

  await page.getByRole("button", { name: `Edit ${integration.name}` }).click();
  const panel = page.getByRole("dialog", { name: "Edit Integration" });
  await expect(panel.getByLabel("Connector Name")).toHaveValue(integration.name);
  await panel.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("link", { name: "Back to Integrations" }).click();
  await expect(page).toHaveURL("/integrations");
});

test("an unknown integration id says so", async ({ page }) => {
  await page.goto("/integrations/7d0e4a52-0000-4000-8000-000000000000");
  await expect(page.getByText("No integration has this id.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to Integrations" })).toBeVisible();
});

test("Test connection checks every step of a new integration, and names a wrong API key", async ({
  page,
  request,
  receiver,
}) => {
  const panel = await openNewPanel(page);
  const name = uniqueName("Tested");

  // It validates as Save does, before sending anything, but a destination can be tested
  // before the connector has a name.
  await panel.getByRole("button", { name: "Test connection" }).click();
  await expect(panel.getByLabel("Ingestion URL")).toHaveAttribute("aria-invalid", "true");
  await expect(panel.getByLabel("Connector Name")).not.toHaveAttribute("aria-invalid", "true");
  await expect(testSteps(panel)).toHaveCount(0);

  await panel.getByLabel("Ingestion URL").fill(receiver.url);
  await panel.getByLabel("API Key").fill(receiver.token);
  await panel.getByLabel("Send a test event").check();
  await panel.getByRole("button", { name: "Test connection" }).click();

  const status = panel.getByRole("status", { name: "Connection test" });
  await expect(status).toContainText("The connection test passed.", { timeout: 20_000 });
  await expect(testSteps(panel)).toHaveText([
    /Address Passed/,
    /TLS Passed/,
    /HEC health Passed/,
    /API key and index Passed: Splunk accepted a test event/,
  ]);
  expect(receiver.received().filter((envelope) => envelope.sourcetype === "cato:test")).toHaveLength(1);

  // Named now, as before Save: testing still saves nothing.
  await panel.getByLabel("Connector Name").fill(name);
  await panel.getByLabel("API Key").fill("not-the-token");
  await panel.getByRole("button", { name: "Test connection" }).click();
  await expect(status).toContainText("The connection test failed.", { timeout: 20_000 });
  await expect(testSteps(panel)).toHaveText([
    /Address Passed/,
    /TLS Passed/,
    /HEC health Passed/,
    /API key and index Failed: Splunk rejected the API key: invalid token/,
  ]);
  // Nothing was saved by testing.
  await panel.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("table", { name: "Integrated apps" })).toBeVisible();
  const list = (await (await request.get("/api/integrations")).json()) as { integrations: TIntegrationBody[] };
  expect(list.integrations.filter((i) => i.name === name || i.ingestionUrl === receiver.url)).toEqual([]);
  await page.reload();
  await expect(page.getByRole("table", { name: "Integrated apps" })).toBeVisible();
  await expect(row(page, name)).toHaveCount(0);
});

test("Test connection of a saved integration uses its stored key unless another is typed", async ({
  page,
  request,
  receiver,
}) => {
  const integration = await createThroughApi(request, receiver);
  await page.goto("/integrations");
  await page.getByRole("button", { name: `Edit ${integration.name}` }).click();
  const panel = page.getByRole("dialog", { name: "Edit Integration" });
  await panel.getByLabel("Send a test event").check();

  await panel.getByRole("button", { name: "Test connection" }).click();
  const status = panel.getByRole("status", { name: "Connection test" });
  await expect(status).toContainText("The connection test passed.", { timeout: 20_000 });

  await panel.getByLabel("API Key").fill("not-the-token");
  await panel.getByRole("button", { name: "Test connection" }).click();
  await expect(status).toContainText("The connection test failed.", { timeout: 20_000 });
  await expect(testSteps(panel).last()).toContainText("Splunk rejected the API key: invalid token");

  // Server-side rules show at their fields, as when saving.
  await panel.getByLabel("Ingestion URL").fill("https://169.254.169.254");
  await panel.getByRole("button", { name: "Test connection" }).click();
  await expect(panel.getByLabel("Ingestion URL")).toHaveAccessibleDescription(/not allowed/);
});

async function expectNoSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
}

test("no serious or critical accessibility violations on the integration's page and its test results", async ({
  page,
  request,
  receiver,
}) => {
  const integration = await createThroughApi(request, receiver);
  await ingest(request, uniqueToken(), 1);
  receiver.setMaxContentLength(2_000);
  await ingest(request, uniqueToken(), 1, { raw_data: randomBytes(8_000).toString("base64") });
  await page.goto(`/integrations/${integration.id}`);
  await expect(
    page.getByRole("table", { name: "Recent delivery attempts" }).getByRole("row").filter({ hasText: "Accepted" }),
  ).not.toHaveCount(0, { timeout: DELIVERY_TIMEOUT });
  await expect(page.getByRole("region", { name: "Records set aside" }).getByRole("listitem")).toHaveCount(1, {
    timeout: DELIVERY_TIMEOUT,
  });
  await expect(page.getByRole("figure", { name: /^Records delivered per minute/ })).toBeVisible();
  await expectNoSeriousViolations(page);

  // At phone width the attempts table scrolls inside its frame, by keyboard too; the page does not.
  await page.setViewportSize({ width: 390, height: 844 });
  const frame = page.getByRole("group", { name: "Recent delivery attempts" });
  await expect(frame).toHaveAttribute("tabindex", "0");
  expect(await frame.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect(await sidewaysOverflow(page, 390)).toBe(0);
  await expectNoSeriousViolations(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole("button", { name: `Edit ${integration.name}` }).click();
  const panel = page.getByRole("dialog", { name: "Edit Integration" });
  await panel.getByRole("button", { name: "Test connection" }).click();
  await expect(testSteps(panel)).toHaveCount(4, { timeout: 20_000 });
  await expectNoSeriousViolations(page);
});
