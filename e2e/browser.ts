import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

export const NO_BROWSER =
  "The browser tests need Chromium and none was found. Either install Playwright's own " +
  "(npx playwright install chromium), or install the system's (Debian/Ubuntu: apt-get install chromium; " +
  `macOS: brew install --cask chromium) and set CHROMIUM_PATH to it when it is not ${SYSTEM_CHROMIUM}.`;

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH when set (it must exist), else
 * Playwright's own when it is installed, else the system's at /usr/bin/chromium.
 * Throws at once, naming both ways to get one, when there is none.
 */
export function chromiumExecutable(
  env: Record<string, string | undefined> = process.env,
  playwrightOwn: () => string = () => chromium.executablePath(),
  exists: (path: string) => boolean = existsSync,
): string {
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (exists(explicit)) return explicit;
    throw new Error(`CHROMIUM_PATH=${explicit} does not exist. ${NO_BROWSER}`);
  }
  let own = "";
  try {
    own = playwrightOwn();
  } catch {
    // Playwright has no browser of its own for this platform.
  }
  if (own && exists(own)) return own;
  if (exists(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  throw new Error(NO_BROWSER);
}
