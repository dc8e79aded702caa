import { AppError, toProblem } from "@/lib/errors";
import { jsonResponse } from "@/lib/http/json-response";

/**
 * Cross-site request forgery: a page on another site can make the operator's browser
 * send a form post or a `fetch` with `mode: "no-cors"` to the console. Browsers say
 * where such a request comes from (`Origin`, and `Sec-Fetch-Site`), so a change whose
 * origin is not the console's own host is refused. Requests without either header
 * (curl, scripts, the workers) are not from a browser page and pass.
 */
const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const CROSS_SITE_DETAIL = "Cross-site request refused";

type TCsrfRequest = { method: string; pathname: string; headers: Headers };

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null; // "null" (sandboxed frames, file://) and anything unparsable.
  }
}

/** True for a browser's change to the API that comes from another site. */
export function isCrossSiteRequest({ method, pathname, headers }: TCsrfRequest): boolean {
  if (!MUTATING_METHODS.has(method.toUpperCase())) return false;
  if (pathname !== "/api" && !pathname.startsWith("/api/")) return false;

  const origin = headers.get("origin");
  if (origin !== null) {
    const originHost = hostOf(origin);
    if (originHost === null) return true;
    // The forwarded host is the one the browser saw when a reverse proxy rewrote Host;
    // a page cannot set it on a cross-site request without a preflight that fails.
    const ownHosts = [headers.get("host"), headers.get("x-forwarded-host")]
      .filter((host): host is string => Boolean(host))
      .map((host) => host.split(",")[0]!.trim().toLowerCase());
    return !ownHosts.includes(originHost);
  }
  return headers.get("sec-fetch-site")?.toLowerCase() === "cross-site";
}

/** The 403 problem+json a refused cross-site request gets. */
export function crossSiteRefusal(): Response {
  return jsonResponse(toProblem(new AppError("forbidden", CROSS_SITE_DETAIL)), {
    status: 403,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
  });
}
