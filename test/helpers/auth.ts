import { createApiKey } from "@/lib/auth/api-keys";
import { SYSTEM_CALLER, type TRole } from "@/lib/auth/caller";

/**
 * Route handlers need a signed-in caller. Tests authenticate the way automation does:
 * with an API key of the role they need, created once per test file.
 */
const keys = new Map<TRole, Promise<string>>();

export function apiKeyFor(role: TRole = "admin"): Promise<string> {
  let key = keys.get(role);
  if (!key) {
    key = createApiKey({ name: `test ${role} ${Date.now()}`, role }, SYSTEM_CALLER).then((created) => created.key);
    keys.set(role, key);
  }
  return key;
}

export async function authHeaders(role: TRole = "admin"): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await apiKeyFor(role)}` };
}

/** A copy of the request with the role's API key. */
export async function as(role: TRole, request: Request): Promise<Request> {
  const headers = new Headers(request.headers);
  headers.set("authorization", `Bearer ${await apiKeyFor(role)}`);
  return new Request(request, { headers, ...(request.body ? { duplex: "half" } : {}) } as RequestInit);
}

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/**
 * A route module whose handlers are called with the role's API key, unless the
 * request already says who it is (so tests of authentication pass their own header).
 */
export function signedIn<M extends object>(routes: M, role: TRole = "admin"): M {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(routes)) {
    wrapped[name] =
      typeof handler === "function" && METHODS.has(name)
        ? async (request: Request, context: unknown) =>
            (handler as (request: Request, context: unknown) => Promise<Response>)(
              request.headers.has("authorization") || request.headers.has("cookie") ? request : await as(role, request),
              context,
            )
        : handler;
  }
  return wrapped as M;
}
