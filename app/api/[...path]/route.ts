import { AppError } from "@/lib/errors";
import { problemResponse } from "@/lib/http/problem-response";

/** Any /api path no route serves: a problem+json 404, whatever the method (the body is never read). */
function notFound(): Promise<Response> {
  return Promise.resolve(problemResponse(new AppError("not_found", "There is no API resource at this path.")));
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
