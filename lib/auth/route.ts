import "server-only";
import { AppError } from "@/lib/errors";
import { problemResponse } from "@/lib/http/problem-response";
import { authenticate } from "./authenticate";
import { callerOf, type TActor, type TCaller } from "./caller";

/**
 * Every API route goes through `route`: it names who may call it, authenticates the
 * request (session cookie or API key) and turns anything thrown into problem+json.
 *   public: anyone (health checks, sign-in, first-run setup);
 *   viewer: any signed-in user or API key; admin: the Admin role only.
 */
export type TAccess = "public" | "viewer" | "admin";

export type TSignedInCaller = TCaller & { actor: TActor };

type THandler<C, A extends TAccess> = (
  request: Request,
  context: C,
  caller: A extends "public" ? TCaller : TSignedInCaller,
) => Promise<Response>;

export const NOT_SIGNED_IN = "Sign in, or send an API key as `Authorization: Bearer <key>`.";

export async function authorize(request: Request, access: TAccess): Promise<TCaller> {
  const actor = access === "public" && !request.headers.has("cookie") ? null : await authenticate(request.headers);
  if (access === "public") return callerOf(request.headers, actor);
  if (!actor) {
    throw new AppError("unauthorized", NOT_SIGNED_IN, [], { "www-authenticate": 'Bearer realm="console"' });
  }
  if (access === "admin" && actor.role !== "admin") {
    throw new AppError("forbidden", "This needs the Admin role; you are signed in as a Viewer.");
  }
  return callerOf(request.headers, actor);
}

export function route<C = unknown, A extends TAccess = TAccess>(access: A, handler: THandler<C, A>) {
  return async (request: Request, context: C): Promise<Response> => {
    try {
      const caller = await authorize(request, access);
      return await handler(request, context, caller as A extends "public" ? TCaller : TSignedInCaller);
    } catch (error) {
      return problemResponse(error);
    }
  };
}
