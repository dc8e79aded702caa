/**
 * Runs once when the web server starts: the first administrator from ADMIN_EMAIL and
 * ADMIN_PASSWORD when no user exists yet (lib/auth/sign-in.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureInitialAdmin } = await import("@/lib/auth/sign-in");
  const { logger } = await import("@/lib/logger");
  try {
    const result = await ensureInitialAdmin();
    if (result === "not_configured") {
      logger.warn(
        "no administrator yet: open /setup (its code is in SETUP_CODE_FILE) or set ADMIN_EMAIL and ADMIN_PASSWORD",
      );
    }
  } catch (error) {
    logger.error("the first administrator could not be created", {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
