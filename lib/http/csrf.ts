import { AppError, toProblem } from "@/lib/errors";
import { jsonResponse } from "@/lib/http/json-response";

/**
 * Cross-site request forgery: a page on another site can make the operator's browser
 * send a form post or a `fetch` with `mode: "no-cors"` to the console. Browsers say
 * where such a request comes from (`Origin`, and `Sec-Fetch-Site`), so a change whose
 * origin (scheme, host and port) is not the console's own is refused. Requests without
 * either header (curl, scripts, the workers) are not from a browser page and pass.
 * The web server (scripts/serve.ts) checks every request before Next.js sees it.
 */
const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const CROSS_SITE_DETAIL = "Cross-site request refused";

type THeaderReader = { get(name: string): string | null };
type TCsrfRequest = {
  method: string;
  pathname: string;
  headers: THeaderReader;
  /** The scheme the browser used (lib/http/client-address.ts); http when not said. */
  proto?: "http" | "https";
  /** Proxies in front of the console whose X-Forwarded-Host counts; with 0 it is ignored. */
  trustProxyHops?: number;
};

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    return parsed.origin.toLowerCase();
  } catch {
    return null; // "null" (sandboxed frames, file://) and anything unparsable.
  }
}

/** True for a browser's change to the API that comes from another site. */
export function isCrossSiteRequest({ method, pathname, headers, proto, trustProxyHops = 0 }: TCsrfRequest): boolean {
  if (!MUTATING_METHODS.has(method.toUpperCase())) return false;
  if (pathname !== "/api" && !pathname.startsWith("/api/")) return false;

  const origin = headers.get("origin");
  if (origin !== null) {
    const requestOrigin = originOf(origin);
    if (requestOrigin === null) return true;
    // Behind a reverse proxy the operator declared (TRUST_PROXY_HOPS), the host the
    // browser saw is the one the proxy forwarded; otherwise anyone could name it.
    const forwardedHost = trustProxyHops > 0 ? headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
    const host = forwardedHost || headers.get("host");
    if (!host) return true;
    return originOf(`${proto ?? "http"}://${host}`) !== requestOrigin;
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
