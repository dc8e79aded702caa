import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

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

/**
 * Where the text of an element wraps inside a word: each line break whose characters on
 * either side are both letters or digits, as "…adm|in…". Breaks at spaces and
 * punctuation ("someone" / "@example" / ".com") are not listed.
 */
export async function midWordBreaks(locator: Locator): Promise<string[]> {
  return locator.evaluate((element) => {
    const chars: { ch: string; top: number }[] = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      for (let i = 0; i < text.length; i += 1) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (rect) chars.push({ ch: text[i]!, top: rect.top });
      }
    }
    const breaks: string[] = [];
    for (let i = 1; i < chars.length; i += 1) {
      const before = chars[i - 1]!;
      const after = chars[i]!;
      const isNewLine = after.top > before.top + 1;
      if (isNewLine && /[\p{L}\p{N}]/u.test(before.ch) && /[\p{L}\p{N}]/u.test(after.ch)) {
        const text = chars.map((c) => c.ch).join("");
        breaks.push(`${text.slice(Math.max(0, i - 8), i)}|${text.slice(i, i + 8)}`);
      }
    }
    return breaks;
  });
}
