/**
 * Content-Security-Policy. Pages get a fresh nonce per request (set by proxy.ts): only
 * scripts carrying it run, and Next.js puts it on its own scripts when it finds the
 * policy on the request. Styles keep 'unsafe-inline' for the style attributes React
 * and Radix write; they cannot run code. API replies are data and allow nothing.
 */
export function pagePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

export const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
