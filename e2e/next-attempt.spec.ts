import { expect, test, type Locator } from "@playwright/test";
import { withDatabase } from "./database";
import { expectNoAxeViolations, sidewaysOverflow } from "./layout";

/**
 * An integration's next delivery attempt, as the worker records it. One whose time has
 * passed has not happened yet: it waits for a worker, so it must not read as a past event.
 */

const TOKEN = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

function definition(list: Locator, term: string) {
  return list.locator(`dt:text-is("${term}") + dd`);
}

/**
 * Sets when the flows delivery of an integration is next attempted, as the pump does after
 * a failure. The dispatcher makes the delivery row shortly after the integration exists.
 *
 * Flows, because nothing in this suite appends flows: a worker takes a delivery that is
 * due only when its feed has records after its marker, and the events feed gets error
 * events from other tests' failing integrations at any time, after which a worker would
 * take the delivery, fail and set its own next attempt while the page is being read.
 */
async function setNextAttempt(id: string, secondsFromNow: number) {
  await expect
    .poll(
      () =>
        withDatabase(async (db) => {
          const result = await db.query(
            `UPDATE "Delivery" SET status = 'retrying', "statusDetail" = 'Splunk answered 503',
               failures = 1, "lastErrorAt" = now(), "failingSince" = now(),
               "nextAttemptAt" = now() + make_interval(secs => $2)
             WHERE "integrationId" = $1 AND source = 'flows'`,
            [id, secondsFromNow],
          );
          return result.rowCount;
        }),
      { message: `flows delivery of ${id}` },
    )
    .toBe(1);
}

for (const viewport of [DESKTOP, PHONE]) {
  test(`at ${viewport.width} px a next attempt whose time has passed reads as overdue, not as a past time`, async ({
    page,
    request,
  }) => {
    await page.setViewportSize(viewport);
    const created = await request.post("/api/integrations", {
      data: {
        name: `Overdue ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
        ingestionUrl: "https://http-inputs-acme.splunkcloud.com",
        apiKey: TOKEN,
        events: false,
        flows: true,
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id, name } = (await created.json()) as { id: string; name: string };
    // No flows arrive during the test, so no worker takes the delivery and the time stays past.
    await setNextAttempt(id, -200);

    await page.goto(`/integrations/${id}`);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    const flows = page.getByRole("region", { name: "Flows", exact: true });
    const nextAttempt = definition(flows, "Next attempt");
    await expect(nextAttempt).toContainText(/^Overdue by 3 min/);
    await expect(nextAttempt).toContainText("waiting for a worker to take it");
    await expect(nextAttempt).not.toContainText(/ago|since/);
    expect(await sidewaysOverflow(page, viewport.width)).toBe(0);
    await expectNoAxeViolations(page);

    // Still ahead: when it comes.
    await setNextAttempt(id, 150);
    await page.reload();
    await expect(nextAttempt).toHaveText(/^in 2 minutes$/);

    await request.delete(`/api/integrations/${id}`);
  });
}
