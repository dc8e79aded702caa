import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * How far the page reaches past a window of the given width: 0 when everything fits. A
 * phone widens its layout viewport to fit content that overflows, so both count.
 */
export async function sidewaysOverflow(page: Page, width: number): Promise<number> {
  return page.evaluate(
    (expected) =>
      Math.max(
        document.documentElement.scrollWidth - document.documentElement.clientWidth,
        window.innerWidth - expected,
        0,
      ),
    width,
  );
}

/** Every axe violation on the page, of any impact, listed so that a failure names them. */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}
