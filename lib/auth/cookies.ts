import { CLIENT_PROTO_HEADER } from "./caller";

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (other sites' pages
 * do not send it with their requests), Secure with the __Host- prefix over HTTPS.
 */
export const SESSION_COOKIE = "console_session";
export const SECURE_SESSION_COOKIE = "__Host-console_session";

export function isHttps(request: Request): boolean {
  return request.headers.get(CLIENT_PROTO_HEADER) === "https" || new URL(request.url).protocol === "https:";
}

export function sessionCookie(request: Request, token: string, maxAgeSeconds: number): string {
  const secure = isHttps(request);
  const name = secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  return `${name}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookies(request: Request): string[] {
  const secure = isHttps(request);
  return [
    `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
    ...(secure ? [`${SECURE_SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure`] : []),
  ];
}

/** The session token from a Cookie header, whichever of the two names carries it. */
export function sessionTokenFromCookieHeader(header: string | null): string | null {
  if (!header) return null;
  let plain: string | null = null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === SECURE_SESSION_COOKIE && value) return value;
    if (name === SESSION_COOKIE && value) plain = value;
  }
  return plain;
}
