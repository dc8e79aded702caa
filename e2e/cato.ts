/** The stand-in for Cato's API that the browser tests' product polls (see playwright.config.ts). */
export const E2E_CATO = {
  accountId: "48213",
  apiKey: "e2e-cato-key-5f0c9a7d2b1e4c3a",
  backlog: 25,
};
