/** The first administrator, created by the product from ADMIN_EMAIL / ADMIN_PASSWORD at start. */
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e admin passphrase" };

/** The admin's signed-in browser state, saved by e2e/auth.setup.ts for every other test. */
export const ADMIN_STATE = ".e2e-auth/admin.json";
