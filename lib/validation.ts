import type { z } from "zod";
import { AppError, type TInvalidParam } from "@/lib/errors";

/** Turns zod issues into problem+json invalid_params, one entry per field and rule. */
export function toInvalidParams(error: z.ZodError): TInvalidParam[] {
  const params: TInvalidParam[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const prefix = issue.path.length ? `${issue.path.join(".")}.` : "";
      for (const key of issue.keys) {
        params.push({ name: `${prefix}${key}`, reason: `${key} is not a known field` });
      }
      continue;
    }
    params.push({ name: issue.path.length ? issue.path.join(".") : "body", reason: issue.message });
  }
  return params;
}

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new AppError("validation_failed", "The request body must be a JSON object.", [
      { name: "body", reason: "must be a JSON object" },
    ]);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const invalidParams = toInvalidParams(result.error);
  throw new AppError(
    "validation_failed",
    invalidParams.length === 1 ? invalidParams[0]!.reason : `${invalidParams.length} fields are invalid.`,
    invalidParams,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids this product makes are UUIDs. Anything else cannot name a row, and is answered
 * without a query: PostgreSQL rejects some strings (a NUL byte) outright.
 */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
