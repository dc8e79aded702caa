import { NextResponse, type NextRequest } from "next/server";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "@/lib/auth/cookies";
import { newNonce, pagePolicy } from "@/lib/http/csp";

/** Pages anyone may open: signing in and first-run setup. */
const PUBLIC_PAGES = new Set(["/sign-in", "/setup"]);

/**
 * Before a page renders: a page request without a session cookie goes to sign-in,
 * remembering where it was going (the session itself is checked by the console layout
 * and by every API route, lib/auth/route.ts; this only saves a trip); and every page
 * gets its Content-Security-Policy with a nonce of its own (lib/http/csp.ts).
 *
 * It never runs on the API: Next.js would hold every request body in memory for it
 * (cut at 10 MB) before any route checked who sent it. The API's cross-site check is
 * in the web server (scripts/serve.ts), its headers in next.config.ts.
 */
export function proxy(request: NextRequest): Response {
  const { pathname, search } = request.nextUrl;
  if (
    !PUBLIC_PAGES.has(pathname) &&
    !request.cookies.has(SESSION_COOKIE) &&
    !request.cookies.has(SECURE_SESSION_COOKIE)
  ) {
    const target = new URL("/sign-in", request.url);
    if (pathname !== "/") target.searchParams.set("next", `${pathname}${search}`);
    return NextResponse.redirect(target);
  }
  const policy = pagePolicy(newNonce());
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = { matcher: ["/((?!api|_next/|favicon\\.ico|robots\\.txt).*)"] };
