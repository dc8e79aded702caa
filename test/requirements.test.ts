/**
 * The README's "Requirements" section says what the code checks and the messages say.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NO_BROWSER, SYSTEM_CHROMIUM } from "../e2e/browser";
import { REDIS_INSTALL } from "../scripts/lib/embedded-redis";
import { nodeVersionProblem, requiredNode } from "../scripts/lib/node-version";

const readme = readFileSync("README.md", "utf8");
const section = (() => {
  const start = readme.indexOf("\n## Requirements\n");
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end);
})();

describe("README Requirements", () => {
  it("names the Node.js version package.json requires, which start-up checks", () => {
    const [major, minor] = requiredNode();
    expect(section).toContain(`Node.js ${major}.${minor} or newer`);
    expect(nodeVersionProblem(`${major}.${minor}.0`)).toBeNull();
    expect(nodeVersionProblem(`${major + 1}.0.0`)).toBeNull();
    expect(nodeVersionProblem(`${major}.${minor - 1}.9`)).toContain(`needs Node.js ${major}.${minor} or newer`);
    expect(nodeVersionProblem(`${major - 1}.99.0`)).toContain(`this is Node.js ${major - 1}.99.0`);
    // The running Node satisfies it (CI runs the lowest supported one).
    expect(nodeVersionProblem()).toBeNull();
  });

  it("says how to get redis-server as npm start's message does", () => {
    expect(section).toContain(`Debian/Ubuntu: \`${REDIS_INSTALL.debian}\``);
    expect(section).toContain(`macOS: \`${REDIS_INSTALL.macos}\``);
  });

  it("says how to get Chromium as the browser tests' message does", () => {
    for (const way of ["npx playwright install chromium", "apt-get install chromium", "brew install --cask chromium"]) {
      expect(section).toContain(way);
      expect(NO_BROWSER).toContain(way);
    }
    expect(section).toContain(SYSTEM_CHROMIUM);
    expect(section).toContain("CHROMIUM_PATH");
  });

  it("keeps the test command the README shows at its top", () => {
    expect(readme.slice(0, 200)).toContain("\nnpm test\n");
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toContain("vitest run -c vitest.http.config.ts");
    expect(pkg.scripts.test).toContain("playwright test");
  });
});
