import { fileURLToPath } from "node:url";

/**
 * Where the test HEC receivers' CA and certificate are kept: made by playwright.config.ts
 * before the product starts (which trusts the CA), reused by the specs' receivers.
 */
export const E2E_CERT_DIR = fileURLToPath(new URL("../.e2e-cert", import.meta.url));
