import type { NextRequest } from "next/server";
import { crossSiteRefusal, isCrossSiteRequest } from "@/lib/http/csrf";

/** Refuses browsers' cross-site changes to the API (see lib/http/csrf.ts); everything else passes untouched. */
export function proxy(request: NextRequest): Response | undefined {
  if (isCrossSiteRequest({ method: request.method, pathname: request.nextUrl.pathname, headers: request.headers })) {
    return crossSiteRefusal();
  }
  return undefined;
}

export const config = { matcher: "/api/:path*" };
