import { NextResponse, type NextRequest } from "next/server";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "@/lib/auth/cookies";
import { crossSiteRefusal, isCrossSiteRequest } from "@/lib/http/csrf";

/** Pages anyone may open: signing in and first-run setup. */
const PUBLIC_PAGES = new Set(["/sign-in", "/setup"]);

/**
 * Two cheap checks before any route runs: browsers' cross-site changes to the API are
 * refused (lib/http/csrf.ts), and a page request without a session cookie goes to
 * sign-in, remembering where it was going. The session itself is checked by the
 * console layout and by every API route (lib/auth/route.ts); this only saves a trip.
 */
export function proxy(request: NextRequest): Response | undefined {
  const { pathname, search } = request.nextUrl;
  if (pathname === "/api" || pathname.startsWith("/api/")) {
    if (isCrossSiteRequest({ method: request.method, pathname, headers: request.headers })) return crossSiteRefusal();
    return undefined;
  }
  if (PUBLIC_PAGES.has(pathname)) return undefined;
  if (request.cookies.has(SESSION_COOKIE) || request.cookies.has(SECURE_SESSION_COOKIE)) return undefined;
  const target = new URL("/sign-in", request.url);
  if (pathname !== "/") target.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(target);
}

export const config = { matcher: ["/((?!_next/|favicon\\.ico|robots\\.txt).*)"] };
