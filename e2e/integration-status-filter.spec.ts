import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { withDatabase } from "./database";
import { openNewPanel } from "./panel";
import { expectNoAxeViolations, sidewaysOverflow } from "./layout";

/**
 * An integration's status when several data sources fail, the event filter editor, and
 * server errors that belong to an earlier attempt. Each at desktop and phone width, with axe.
 */

const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function createThroughApi(request: APIRequestContext, overrides: Record<string, unknown> = {}) {
  const response = await request.post("/api/integrations", {
    data: {
      name: `Status ${uniqueSuffix()}`,
      ingestionUrl: "https://http-inputs-acme.splunkcloud.com",
      apiKey: TOKEN,
      ...overrides,
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string; name: string };
}

/** Puts a data source of an integration into a failing state, as the delivery worker records it. */
async function failSource(id: string, source: string, status: "retrying" | "error", detail: string) {
  const updated = await withDatabase(async (db) => {
    const result = await db.query(
      `UPDATE "Delivery" SET status = $3::"DeliveryStatus", "statusDetail" = $4, "lastErrorAt" = now(),
         "failingSince" = now() WHERE "integrationId" = $1 AND source = $2`,
      [id, source, status, detail],
    );
    return result.rowCount;
  });
  expect(updated, `${source} delivery of ${id}`).toBe(1);
}

function row(page: Page, name: string) {
  return page.getByRole("table", { name: "Integrated apps" }).getByRole("row").filter({ hasText: name });
}

/** What the delivery worker itself records when the Ingestion URL's host does not resolve. */
const UNREACHABLE = "The Ingestion URL's host name does not resolve (ENOTFOUND)";

for (const [label, viewport] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test.describe(`at ${label} width`, () => {
    test.use({ viewport });

    test("sources failing the same way give one reason, Events before Flows, in a readable width", async ({
      page,
      request,
    }) => {
      const created = await createThroughApi(request, { events: true, flows: true });
      // Flows first: the status still names Events first.
      await failSource(created.id, "flows", "retrying", UNREACHABLE);
      await failSource(created.id, "events", "retrying", UNREACHABLE);
      const expected = `Events, Flows: ${UNREACHABLE}`;

      await page.goto("/integrations");
      const listed = row(page, created.name);
      await expect(listed.getByTestId("status-detail")).toHaveText(expected);
      await expectNoAxeViolations(page);

      await page.goto(`/integrations/${created.id}`);
      await expect(page.getByRole("heading", { level: 1, name: created.name })).toBeVisible();
      const detail = page.getByTestId("status-detail").first();
      await expect(detail).toHaveText(expected);
      // The reason reads across the page instead of wrapping word by word in a narrow column.
      const width = (await detail.boundingBox())!.width;
      expect(width).toBeGreaterThan(viewport.width === DESKTOP.width ? 400 : 300);
      // Each source's own card names its reason, in the same order, at a readable width.
      const cards = page.getByRole("region", { name: /^(Events|Flows|Audit Trail)$/ });
      await expect(cards.getByRole("heading", { level: 3 })).toHaveText(["Events", "Flows"]);
      for (const card of await cards.all()) {
        const cardDetail = card.getByTestId("status-detail");
        const cardWidth = (await card.boundingBox())!.width;
        expect((await cardDetail.boundingBox())!.width).toBeGreaterThan(Math.min(cardWidth - 40, 300));
      }
      await expect.poll(() => sidewaysOverflow(page, viewport.width)).toBe(0);
      await expectNoAxeViolations(page);
    });

    test("the event filter takes values as chips from known values, says what is wrong in the screen's words, and shows where it is saved", async ({
      page,
    }) => {
      const name = `Filtered ${uniqueSuffix()}`;
      const panel = await openNewPanel(page);
      await panel.getByLabel("Connector Name").fill(name);
      await panel.getByLabel("Ingestion URL").fill("https://http-inputs-acme.splunkcloud.com/services/collector/event");
      await panel.getByLabel("API Key").fill(TOKEN);

      await panel.getByRole("button", { name: "Add condition" }).click();
      const types = panel.getByLabel("Condition 1 values");
      // The known event types are offered.
      const typeList = await types.getAttribute("list");
      expect(
        await page.locator(`datalist#${typeList} option`).evaluateAll((o) => o.map((e) => e.getAttribute("value"))),
      ).toEqual(["Security", "Connectivity", "System", "Routing", "Sockets Management", "Detection and Response"]);
      // A value picked from the list becomes a chip at once; a typed one on Enter.
      await types.fill("Security");
      // Typed in other case, it is taken as the known value.
      await types.fill("connectivity");
      await types.press("Enter");
      const chosenTypes = panel.getByRole("list", { name: "Chosen values, condition 1" }).getByRole("listitem");
      await expect(chosenTypes).toHaveText(["Security×", "Connectivity×"]);
      await expect(types).toHaveValue("");

      await panel.getByRole("button", { name: "Add condition" }).click();
      await panel.getByLabel("Condition 2 field").selectOption("event_sub_type");
      await panel.getByLabel("Condition 2 operator").selectOption("is_not");
      const subTypes = panel.getByLabel("Condition 2 values");
      // A sub-type row suggests sub-types, not event types.
      const subTypeList = await subTypes.getAttribute("list");
      const offered = await page
        .locator(`datalist#${subTypeList} option`)
        .evaluateAll((o) => o.map((e) => e.getAttribute("value")));
      expect(offered).toEqual(expect.arrayContaining(["Internet Firewall", "WAN Firewall", "IPS", "Anti Malware"]));
      expect(offered).not.toContain("Security");
      await subTypes.fill("Internet Firewall");
      // What is still being typed counts on Save.
      await subTypes.fill("WAN Firewall");
      await panel.getByRole("button", { name: "Save" }).click();

      // "is not" takes one value: said with the words on screen.
      const problem = panel.getByRole("alert").filter({ hasText: "takes exactly one value" });
      await expect(problem).toHaveText(
        'Filter operator "is not" takes exactly one value; use "in" or "not in" for several',
      );
      await expect(subTypes).toHaveAccessibleDescription(/"is not" takes exactly one value/);
      await expectNoAxeViolations(page);
      await expect.poll(() => sidewaysOverflow(page, viewport.width)).toBe(0);

      await panel.getByRole("button", { name: "Remove WAN Firewall from condition 2" }).click();
      await expect(panel.getByRole("list", { name: "Chosen values, condition 2" }).getByRole("listitem")).toHaveText([
        "Internet Firewall×",
      ]);
      await panel.getByRole("button", { name: "Save" }).click();
      await expect(panel).toBeHidden();

      // The table says the events are filtered; the integration's page spells the filter out.
      await expect(row(page, name)).toContainText("Events (filtered)");
      await row(page, name).getByRole("link", { name }).click();
      const filter = page.getByRole("definition").filter({ hasText: "matches all 2 conditions" });
      await expect(filter.getByRole("listitem")).toHaveText([
        "Event Type in Security, Connectivity",
        "Event Sub-Type is not Internet Firewall",
      ]);
      await expectNoAxeViolations(page);
    });

    test("a server error of an earlier attempt clears with the next action", async ({ page, request }) => {
      const viewer = await request.post("/api/users", {
        data: { email: `e2e-${uniqueSuffix()}@example.com`, password: `pw-${uniqueSuffix()}-long`, role: "viewer" },
      });
      expect(viewer.status()).toBe(201);
      const { email } = (await viewer.json()) as { email: string };
      await page.goto("/access");
      const form = page.getByRole("form", { name: "Add user" });

      // Adding a user while the console cannot be reached: the form says so.
      await page.route("**/api/users", (route) =>
        route.request().method() === "POST" ? route.abort("connectionrefused") : route.fallback(),
      );
      await form.getByLabel("Email").fill(`e2e-${uniqueSuffix()}@example.com`);
      await form.getByLabel("Password").fill(`pw-${uniqueSuffix()}-long`);
      await form.getByRole("button", { name: "Add user" }).click();
      const formError = form.getByRole("alert").filter({ hasText: "could not be reached" });
      await expect(formError).toBeVisible();
      await expectNoAxeViolations(page);
      await page.unroute("**/api/users");
      // The next action (here: correcting the email) takes the old error away.
      await form.getByLabel("Email").fill(`e2e-${uniqueSuffix()}@example.com`);
      await expect(formError).toHaveCount(0);

      // A refused role change shows next to its button until the next action elsewhere.
      await page.route("**/api/users/*", (route) =>
        route.request().method() === "PATCH"
          ? route.fulfill({
              status: 409,
              contentType: "application/problem+json",
              body: JSON.stringify({
                type: "about:blank",
                title: "Conflict",
                status: 409,
                detail: "Role change refused",
              }),
            })
          : route.fallback(),
      );
      const users = page.getByRole("table", { name: "Users" });
      await users.getByRole("button", { name: `Make Admin: ${email}` }).click();
      const roleError = users.getByRole("alert").filter({ hasText: "Role change refused" });
      await expect(roleError).toBeVisible();
      await page.unroute("**/api/users/*");
      await form.getByRole("button", { name: "Add user" }).click();
      await expect(roleError).toHaveCount(0);
    });
  });
}
