import { expect, test } from "@playwright/test";
import { expectNoAxeViolations, midWordBreaks, sidewaysOverflow } from "./layout";

/**
 * Emails in the Audit Trail and Users tables: a long one may wrap at its punctuation in a
 * narrow column, never inside a word, and the page does not scroll sideways for it.
 */

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

for (const viewport of [DESKTOP, PHONE]) {
  test(`at ${viewport.width} px emails in the Audit Trail and Users tables do not break mid-word`, async ({
    page,
    playwright,
    request,
    baseURL,
  }) => {
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const email = `wrapping-check-${suffix}-mailbox@soc-operations.example-company.test`;
    const password = `pw-${suffix}-long-enough`;
    const created = await request.post("/api/users", { data: { email, password, role: "viewer" } });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // The user signs in on their own, so that the email is the actor of an audit entry too.
    const own = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    expect((await own.post("/api/auth/sign-in", { data: { email, password } })).status()).toBe(200);
    await own.dispose();

    await page.setViewportSize(viewport);
    await page.goto("/audit");
    const audit = page.getByRole("table", { name: "Audit trail, newest first" });
    const signIn = audit.getByRole("row").filter({ hasText: "Signed in" }).filter({ hasText: email }).first();
    const actor = signIn.getByRole("cell").nth(1);
    await expect(actor).toHaveText(email);
    expect(await midWordBreaks(actor)).toEqual([]);
    const added = audit.getByRole("row").filter({ hasText: "User created" }).filter({ hasText: email }).first();
    const target = added.getByRole("cell").nth(3);
    await expect(target).toHaveText(email);
    expect(await midWordBreaks(target)).toEqual([]);
    expect(await sidewaysOverflow(page, viewport.width)).toBe(0);
    await expectNoAxeViolations(page);

    await page.goto("/access");
    const user = page.getByRole("table", { name: "Users" }).getByRole("rowheader", { name: email });
    await expect(user).toHaveText(email);
    expect(await midWordBreaks(user)).toEqual([]);
    expect(await sidewaysOverflow(page, viewport.width)).toBe(0);
    await expectNoAxeViolations(page);

    expect((await request.delete(`/api/users/${id}`)).status()).toBe(204);
  });
}
