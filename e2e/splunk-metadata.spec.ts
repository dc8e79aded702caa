import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { openNewPanel } from "./panel";

const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";

function uniqueName(label: string): string {
  return `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

const serious = (violations: { impact?: string | null }[]) =>
  violations.filter((v) => v.impact === "serious" || v.impact === "critical");

test("a user sets host, source and sourcetypes in Advanced, sees them saved, and edits them", async ({
  page,
  request,
}) => {
  const name = uniqueName("Metadata");
  const panel = await openNewPanel(page);
  await panel.getByLabel("Connector Name").fill(name);
  await panel.getByLabel("Ingestion URL").fill("https://http-inputs-acme.splunkcloud.com");
  await panel.getByLabel("API Key").fill(TOKEN);
  await panel.getByLabel("Flows").check();

  // Collapsed by default, its fields out of the way.
  const advanced = panel.getByRole("button", { name: /^Advanced/ });
  await expect(advanced).toHaveAttribute("aria-expanded", "false");
  await expect(panel.getByLabel("Host", { exact: true })).toBeHidden();
  await advanced.click();
  await expect(advanced).toHaveAttribute("aria-expanded", "true");
  await expect(panel.getByLabel("Host", { exact: true })).toHaveValue("cato-sase");
  await expect(panel.getByLabel("Source", { exact: true })).toHaveValue("cato_networks");
  await expect(panel.getByLabel("Events sourcetype")).toHaveValue("cato:events");
  await expect(panel.getByLabel("Flows sourcetype")).toHaveValue("cato:flows");
  await expect(panel.getByLabel("Audit Trail sourcetype")).toHaveValue("cato:audit");

  // The form's rules are the API's, shown next to the field; an error opens the
  // section by itself.
  await panel.getByLabel("Host", { exact: true }).fill("   ");
  await panel.getByLabel("Events sourcetype").fill("");
  await advanced.click();
  await expect(advanced).toHaveAttribute("aria-expanded", "false");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(advanced).toHaveAttribute("aria-expanded", "true");
  await expect(panel.getByLabel("Host", { exact: true })).toHaveAccessibleDescription(/Host must not be blank/);
  await expect(panel.getByLabel("Events sourcetype")).toHaveAccessibleDescription(
    /Events sourcetype must not be blank/,
  );
  const panelResults = await new AxeBuilder({ page }).analyze();
  expect(serious(panelResults.violations), JSON.stringify(serious(panelResults.violations), null, 2)).toEqual([]);

  // Fixing the fields clears their errors and leaves the section open.
  await panel.getByLabel("Events sourcetype").fill("cato_json_events");
  await panel.getByLabel("Host", { exact: true }).fill("sase-paris");
  await expect(panel.getByText("must not be blank")).toHaveCount(0);
  await expect(advanced).toHaveAttribute("aria-expanded", "true");
  await panel.getByLabel("Source", { exact: true }).fill("cato:prod");
  await panel.getByLabel("Flows sourcetype").fill("cato_json_flows");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel).toBeHidden();

  const list = (await (await request.get("/api/integrations")).json()) as {
    integrations: { id: string; name: string }[];
  };
  const stored = list.integrations.find((i) => i.name === name);
  expect(stored).toMatchObject({
    hecHost: "sase-paris",
    hecSource: "cato:prod",
    sourcetypes: { events: "cato_json_events", flows: "cato_json_flows", audit: "cato:audit" },
  });

  // The integration's page shows them, and the edit panel starts from them.
  await page.goto(`/integrations/${stored!.id}`);
  const settings = page.getByRole("definition");
  await expect(settings.filter({ hasText: "sase-paris" })).toBeVisible();
  await expect(settings.filter({ hasText: "cato:prod" })).toBeVisible();
  await expect(page.getByText("Events: cato_json_events")).toBeVisible();
  await expect(page.getByText("Flows: cato_json_flows")).toBeVisible();
  await expect(page.getByText("Audit Trail: cato:audit")).toBeVisible();
  const pageResults = await new AxeBuilder({ page }).analyze();
  expect(serious(pageResults.violations), JSON.stringify(serious(pageResults.violations), null, 2)).toEqual([]);

  await page.getByRole("button", { name: `Edit ${name}` }).click();
  const edit = page.getByRole("dialog", { name: "Edit Integration" });
  await edit.getByRole("button", { name: /^Advanced/ }).click();
  await expect(edit.getByLabel("Host", { exact: true })).toHaveValue("sase-paris");
  await edit.getByLabel("Audit Trail sourcetype").fill("cato_json_audit");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByText("Audit Trail: cato_json_audit")).toBeVisible();
  const after = (await (await request.get(`/api/integrations/${stored!.id}`)).json()) as Record<string, unknown>;
  expect(after).toMatchObject({
    hecHost: "sase-paris",
    sourcetypes: { events: "cato_json_events", flows: "cato_json_flows", audit: "cato_json_audit" },
  });
});
