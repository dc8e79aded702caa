import { NextResponse, type NextRequest } from "next/server";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "@/lib/auth/cookies";
import { API_POLICY, newNonce, pagePolicy } from "@/lib/http/csp";
import { crossSiteRefusal, isCrossSiteRequest } from "@/lib/http/csrf";

/** Pages anyone may open: signing in and first-run setup. */
const PUBLIC_PAGES = new Set(["/sign-in", "/setup"]);

/**
 * Before any route runs: browsers' cross-site changes to the API are refused
 * (lib/http/csrf.ts); a page request without a session cookie goes to sign-in,
 * remembering where it was going (the session itself is checked by the console layout
 * and by every API route, lib/auth/route.ts; this only saves a trip); and every reply
 * gets its Content-Security-Policy, pages with a nonce of their own (lib/http/csp.ts).
 */
export function proxy(request: NextRequest): Response {
  const { pathname, search } = request.nextUrl;
  if (pathname === "/api" || pathname.startsWith("/api/")) {
    if (isCrossSiteRequest({ method: request.method, pathname, headers: request.headers })) return crossSiteRefusal();
    const response = NextResponse.next();
    response.headers.set("content-security-policy", API_POLICY);
    return response;
  }
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

export const config = { matcher: ["/((?!_next/|favicon\\.ico|robots\\.txt).*)"] };
