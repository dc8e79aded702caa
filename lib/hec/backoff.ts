/**
 * Exponential backoff with full jitter (a random delay up to the exponential cap), so
 * many integrations failing together do not retry in step. A server's Retry-After wins
 * when it asks for longer.
 */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;
/** Errors that need an admin (token, index) are retried about once a minute. */
export const REJECTED_RETRY_MS = 60_000;

export function backoffDelay(failures: number, retryAfterMs: number | null, random = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 16);
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** exponent);
  const jittered = Math.round(BACKOFF_BASE_MS / 2 + random() * (cap - BACKOFF_BASE_MS / 2));
  return retryAfterMs !== null ? Math.max(jittered, Math.min(retryAfterMs, 10 * BACKOFF_MAX_MS)) : jittered;
}

/** About a minute, with a little jitter. */
export function rejectedDelay(random = Math.random): number {
  return Math.round(REJECTED_RETRY_MS * (0.9 + random() * 0.2));
}
