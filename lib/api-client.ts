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

/**
 * How long a read may take before it counts as failed: an API that does not answer at all
 * (network down, proxy hanging) must show as an error, not as "Loading…" forever.
 */
export const READ_TIMEOUT_MS = 8_000;

function withReadTimeout(init: RequestInit): AbortSignal | undefined {
  const isRead = !init.method || init.method === "GET";
  if (!isRead) return init.signal ?? undefined;
  const timeout = AbortSignal.timeout(READ_TIMEOUT_MS);
  return init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
}

export async function requestJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    signal: withReadTimeout(init),
    headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) },
  }).catch((error: unknown) => {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new ApiError(0, `The console did not answer within ${READ_TIMEOUT_MS / 1_000} seconds.`);
    }
    // A query that was cancelled stays cancelled; anything else is the network.
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "The console could not be reached.");
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
