/** Where sign-in leads when `next` is missing or not a path on this site. */
export const DEFAULT_AFTER_SIGN_IN = "/integrations";

const PLACEHOLDER_ORIGIN = "http://console.invalid";

/**
 * Only paths on this site: "next" must not send a user elsewhere after sign-in.
 * Browsers drop tabs and line breaks from URLs and read "\" as "/", so "/\t/evil.example"
 * or "/\evil.example" would become "//evil.example", another site: anything with control
 * characters or backslashes is refused, then the path must resolve to this origin.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//")) return DEFAULT_AFTER_SIGN_IN;
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return DEFAULT_AFTER_SIGN_IN;
  let url: URL;
  try {
    url = new URL(next, PLACEHOLDER_ORIGIN);
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return DEFAULT_AFTER_SIGN_IN;
  return `${url.pathname}${url.search}${url.hash}`;
}
