import type { TInvalidParam, TProblem } from "@/lib/errors";

/** The browser's side of the one error model: every non-2xx reply becomes an ApiError. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly invalidParams: TInvalidParam[] = [],
  ) {
    super(message);
  }
}

function isProblem(value: unknown): value is TProblem {
  return typeof value === "object" && value !== null && "status" in value && "detail" in value;
}

export async function requestJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) },
  });
  if (response.status === 204) return undefined as T;
  if (response.status === 401 && typeof window !== "undefined" && !url.startsWith("/api/auth/")) {
    // The session ended (expired, signed out elsewhere): back to sign-in, then here again.
    // A full page load, on purpose: it drops every reply cached for the previous session.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (isProblem(body)) throw new ApiError(response.status, body.detail, body.invalid_params ?? []);
    throw new ApiError(response.status, `The server answered ${response.status}.`);
  }
  return body as T;
}
