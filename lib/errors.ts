/**
 * One error model: services throw AppError; route handlers turn any error into an
 * RFC 9457 problem+json reply. Unknown errors become a 500 that reveals nothing.
 */
export type TInvalidParam = { name: string; reason: string };

export type TAppErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "request_timeout"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "too_many_requests"
  | "service_unavailable"
  | "internal";

const STATUS: Record<TAppErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  service_unavailable: 503,
  internal: 500,
};

const TITLE: Record<TAppErrorCode, string> = {
  bad_request: "Bad request",
  validation_failed: "Validation failed",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  request_timeout: "Request timeout",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  too_many_requests: "Too many requests",
  service_unavailable: "Service unavailable",
  internal: "Internal server error",
};

export class AppError extends Error {
  override name = "AppError";
  readonly status: number;
  constructor(
    readonly code: TAppErrorCode,
    message: string,
    readonly invalidParams: TInvalidParam[] = [],
    /** Extra reply headers, such as Retry-After or WWW-Authenticate. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export type TProblem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  invalid_params?: TInvalidParam[];
};

export function toProblem(error: unknown): TProblem {
  if (error instanceof AppError) {
    return {
      type: `about:blank#${error.code}`,
      title: TITLE[error.code],
      status: error.status,
      detail: error.message,
      ...(error.invalidParams.length > 0 ? { invalid_params: error.invalidParams } : {}),
    };
  }
  return {
    type: "about:blank#internal",
    title: TITLE.internal,
    status: 500,
    detail: "Something went wrong on the server. The error was logged.",
  };
}
