import "server-only";
import { AppError, toProblem } from "@/lib/errors";
import { jsonResponse } from "@/lib/http/json-response";
import { logger } from "@/lib/logger";

export function problemResponse(error: unknown): Response {
  const problem = toProblem(error);
  if (!(error instanceof AppError)) {
    // Only the error's name and message: request bodies may hold tokens.
    logger.error("unhandled error in route", {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
  return jsonResponse(problem, {
    status: problem.status,
    headers: {
      ...(error instanceof AppError ? error.headers : {}),
      "content-type": "application/problem+json",
      "cache-control": "no-store",
    },
  });
}

type THandler<C> = (request: Request, context: C) => Promise<Response>;

/** Wraps a route handler so that nothing it throws escapes as anything but problem+json. */
export function handleErrors<C>(handler: THandler<C>): THandler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return problemResponse(error);
    }
  };
}
