import { describe, expect, it } from "vitest";
import { chromiumExecutable, NO_BROWSER, SYSTEM_CHROMIUM } from "../e2e/browser";

const OWN = "/root/.cache/ms-playwright/chromium-1/chrome-linux/chrome";
const existing =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe("chromiumExecutable", () => {
  it("uses CHROMIUM_PATH when set, and fails naming it when it does not exist", () => {
    expect(chromiumExecutable({ CHROMIUM_PATH: "/opt/c" }, () => OWN, existing("/opt/c", OWN))).toBe("/opt/c");
    expect(() => chromiumExecutable({ CHROMIUM_PATH: "/opt/c" }, () => OWN, existing(OWN))).toThrow(
      "CHROMIUM_PATH=/opt/c does not exist",
    );
  });

  it("prefers Playwright's own Chromium when it is installed, else the system's", () => {
    expect(chromiumExecutable({}, () => OWN, existing(OWN, SYSTEM_CHROMIUM))).toBe(OWN);
    expect(chromiumExecutable({}, () => OWN, existing(SYSTEM_CHROMIUM))).toBe(SYSTEM_CHROMIUM);
    expect(
      chromiumExecutable(
        {},
        () => {
          throw new Error("unsupported platform");
        },
        existing(SYSTEM_CHROMIUM),
      ),
    ).toBe(SYSTEM_CHROMIUM);
  });

  it("fails at once with one message naming both ways to get a browser", () => {
    expect(() => chromiumExecutable({}, () => OWN, existing())).toThrow(NO_BROWSER);
    expect(NO_BROWSER).toContain("npx playwright install chromium");
    expect(NO_BROWSER).toContain("apt-get install chromium");
    expect(NO_BROWSER).toContain("CHROMIUM_PATH");
  });
});
