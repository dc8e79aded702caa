import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { openNewPanel } from "./panel";

const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";

function uniqueName(label: string): string {
  return `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function createThroughApi(request: APIRequestContext, overrides: Record<string, unknown> = {}) {
  const response = await request.post("/api/integrations", {
    data: {
      name: uniqueName("API"),
      ingestionUrl: "https://http-inputs-acme.splunkcloud.com",
      apiKey: TOKEN,
      ...overrides,
    },
  });
  expect(response.status()).toBe(201);
  return (await response.json()) as { id: string; name: string; apiKeyHint: string };
}

function row(page: Page, name: string) {
  return page.getByRole("row").filter({ hasText: name });
}

test("a user creates an integration through the panel and sees it listed with its status", async ({
  page,
  request,
}) => {
  const name = uniqueName("SOC Splunk");
  const panel = await openNewPanel(page);

  await expect(panel.getByLabel("Auth")).toHaveValue("api_key");
  await expect(panel.getByLabel("Events")).toBeChecked();
  await expect(panel.getByLabel("Flows")).not.toBeChecked();
  await expect(panel.getByLabel("Audit Trail", { exact: true })).not.toBeChecked();
  await expect(panel.getByText("Filters apply to events only")).toBeVisible();

  await panel.getByLabel("Connector Name").fill(name);
  await panel.getByLabel("Description").fill("Production SOC");
  await panel.getByLabel("Ingestion URL").fill("https://http-inputs-acme.splunkcloud.com/services/collector/event");
  await panel.getByLabel("API Key").fill(TOKEN);
  await panel.getByLabel("Index", { exact: true }).fill("cato_events");
  await panel.getByLabel("Flows").check();
  await panel.getByLabel("Audit Trail", { exact: true }).check();
  await panel.getByRole("button", { name: "Add condition" }).click();
  await panel.getByLabel("Condition 1 field").selectOption("event_type");
  await panel.getByLabel("Condition 1 operator").selectOption("in");
  await panel.getByLabel("Condition 1 values").fill("Security, Connectivity");
  await panel.getByLabel("Create an event if errors occur with the integration").uncheck();
  await panel.getByRole("button", { name: "Save" }).click();

  await expect(panel).toBeHidden();
  const created = row(page, name);
  await expect(created).toContainText("Production SOC");
  await expect(created).toContainText("Events (filtered), Flows, Audit Trail");
  await expect(created).toContainText("cato_events");
  // Pending until the worker first tries the destination; this host does not resolve here,
  // and the Audit Trail source has the creation's own audit entry to send at once.
  await expect(created).toContainText(/Pending|Retrying/);
  await expect(page.getByText(TOKEN)).toHaveCount(0);

  const list = (await (await request.get("/api/integrations")).json()) as {
    integrations: Record<string, unknown>[];
  };
  const stored = list.integrations.find((i) => i.name === name);
  expect(stored).toMatchObject({
    ingestionUrl: "https://http-inputs-acme.splunkcloud.com:443",
    apiKeyHint: "5a6b",
    events: true,
    flows: true,
    audit: true,
    errorEvents: false,
    eventFilter: [{ field: "event_type", operator: "in", values: ["Security", "Connectivity"] }],
  });

  await page.reload();
  await expect(row(page, name)).toContainText("Events (filtered), Flows, Audit Trail");
  await expect(row(page, name)).toContainText(/Pending|Retrying/);
});

test("field errors show next to their fields, from the form and from the server", async ({ page, request }) => {
  const panel = await openNewPanel(page);
  await panel.getByLabel("Ingestion URL").fill("http://splunk.example.com");
  await panel.getByRole("button", { name: "Save" }).click();

  await expect(panel.getByLabel("Connector Name")).toHaveAccessibleDescription("Connector Name is required");
  await expect(panel.getByLabel("API Key")).toHaveAccessibleDescription(/API Key is required/);
  await expect(panel.getByLabel("Ingestion URL")).toHaveAccessibleDescription(/must use https:\/\//);

  await panel.getByLabel("Events").uncheck();
  await expect(panel.getByText("Choose at least one data source: Events, Flows or Audit Trail")).toBeVisible();
  await panel.getByLabel("Events").check();

  // A rule only the server can check: the name is taken.
  const taken = await createThroughApi(request);
  await panel.getByLabel("Connector Name").fill(taken.name);
  await panel.getByLabel("Ingestion URL").fill("splunk.example.com");
  await panel.getByLabel("API Key").fill(TOKEN);
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel.getByLabel("Connector Name")).toHaveAccessibleDescription(
    "Connector Name is already used by another integration",
  );
  await expect(panel).toBeVisible();
});

test("edit keeps the stored API key when the field is left empty", async ({ page, request }) => {
  const original = await createThroughApi(request, { description: "before" });
  await page.goto("/integrations");
  await page.getByRole("button", { name: `Edit ${original.name}` }).click();
  const panel = page.getByRole("dialog", { name: "Edit Integration" });

  await expect(panel.getByLabel("Connector Name")).toHaveValue(original.name);
  await expect(panel.getByLabel("API Key")).toHaveValue("");
  await expect(panel.getByText("ending 5a6b")).toBeVisible();
  await panel.getByLabel("Description").fill("after");
  await panel.getByRole("button", { name: "Save" }).click();

  await expect(panel).toBeHidden();
  await expect(row(page, original.name)).toContainText("after");
  const stored = (await (await request.get(`/api/integrations/${original.id}`)).json()) as Record<string, unknown>;
  expect(stored).toMatchObject({ description: "after", apiKeyHint: "5a6b" });
});

test("delete asks for confirmation and says nothing is removed in Splunk", async ({ page, request }) => {
  const doomed = await createThroughApi(request);
  await page.goto("/integrations");
  await page.getByRole("button", { name: `Delete ${doomed.name}` }).click();
  const dialog = page.getByRole("alertdialog", { name: "Delete integration?" });
  await expect(dialog).toContainText("removes nothing in Splunk");

  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(row(page, doomed.name)).toBeVisible();

  await page.getByRole("button", { name: `Delete ${doomed.name}` }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  // The dialog closes once the server has deleted it; while it is open the table is
  // hidden from the accessibility tree, so a row count then would prove nothing.
  await expect(dialog).toBeHidden();
  await expect(row(page, doomed.name)).toHaveCount(0);
  expect((await request.get(`/api/integrations/${doomed.id}`)).status()).toBe(404);
});

test("the table refreshes itself when integrations change elsewhere", async ({ page, request }) => {
  await page.goto("/integrations");
  await expect(page.getByRole("table", { name: "Integrated apps" })).toBeVisible();
  const added = await createThroughApi(request);
  await expect(row(page, added.name)).toBeVisible({ timeout: 15_000 });
  await expect(row(page, added.name)).toContainText("Token default");
});

test("the panel works from the keyboard", async ({ page }) => {
  await page.goto("/integrations");
  await page.getByRole("button", { name: "New", exact: true }).focus();
  await page.keyboard.press("Enter");
  const panel = page.getByRole("dialog", { name: "New Integration" });
  await expect(panel).toBeVisible();
  await panel.getByRole("button", { name: /^Splunk/ }).focus();
  await page.keyboard.press("Enter");
  await expect(panel.getByLabel("Connector Name")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
});

test("no serious or critical accessibility violations on the page and the open panel", async ({ page, request }) => {
  await createThroughApi(request, { description: "for the axe check" });
  await page.goto("/integrations");
  await expect(page.getByRole("table", { name: "Integrated apps" })).toBeVisible();
  const serious = (violations: { impact?: string | null }[]) =>
    violations.filter((v) => v.impact === "serious" || v.impact === "critical");

  const pageResults = await new AxeBuilder({ page }).analyze();
  expect(serious(pageResults.violations), JSON.stringify(serious(pageResults.violations), null, 2)).toEqual([]);

  const panel = await openNewPanel(page);
  await panel.getByRole("button", { name: "Add condition" }).click();
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel.getByLabel("Connector Name")).toHaveAccessibleDescription(/required/);
  const panelResults = await new AxeBuilder({ page }).analyze();
  expect(serious(panelResults.violations), JSON.stringify(serious(panelResults.violations), null, 2)).toEqual([]);
});

test("pages carry a Content-Security-Policy that the app itself does not break", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  const response = await page.goto("/integrations");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("default-src 'self'");
  // Scripts run by nonce, never because they are inline.
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic';/);
  expect(headers["content-security-policy"]).not.toContain("script-src 'self' 'unsafe-inline'");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");

  // The page renders and works under the policy: the panel opens (client scripts run).
  await page.getByRole("button", { name: "New", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "New Integration" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("the API refuses changes sent from another site's page, and takes them from its own origin or with no Origin", async ({
  request,
}) => {
  const crossSite = await request.post("/api/integrations", {
    headers: { origin: "https://evil.example" },
    data: { name: uniqueName("Cross-site"), ingestionUrl: "https://http-inputs-acme.splunkcloud.com", apiKey: TOKEN },
  });
  expect(crossSite.status()).toBe(403);
  expect(crossSite.headers()["content-type"]).toBe("application/problem+json");
  expect(((await crossSite.json()) as { detail: string }).detail).toBe("Cross-site request refused");

  const created = await createThroughApi(request);
  const sameOrigin = await request.delete(`/api/integrations/${created.id}`, {
    headers: { origin: new URL(crossSite.url()).origin },
  });
  expect(sameOrigin.status()).toBe(204);
});
