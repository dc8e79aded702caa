import type { FieldPath, UseFormSetError } from "react-hook-form";
import { ApiError } from "@/lib/api-client";
import type { TIntegrationFormValues } from "@/lib/integrations/schema";

const FORM_FIELDS: ReadonlySet<string> = new Set<keyof TIntegrationFormValues>([
  "app",
  "auth",
  "name",
  "description",
  "ingestionUrl",
  "apiKey",
  "index",
  "events",
  "flows",
  "audit",
  "eventFilter",
  "errorEvents",
  "indexerAck",
  "hecHost",
  "hecSource",
  "sourcetypes",
]);

/**
 * Puts the server's problem+json field errors next to their fields, as the form's own
 * errors are; anything no field can show goes to the form's root error.
 */
export function showServerErrors(
  error: unknown,
  setError: UseFormSetError<TIntegrationFormValues>,
  fallback: string,
): void {
  if (error instanceof ApiError && error.invalidParams.length > 0) {
    let placed = false;
    for (const param of error.invalidParams) {
      const top = param.name.split(".")[0] ?? "";
      if (FORM_FIELDS.has(top)) {
        setError(param.name as FieldPath<TIntegrationFormValues>, { message: param.reason });
        placed = true;
      }
    }
    if (!placed) setError("root", { message: error.message });
  } else {
    setError("root", { message: error instanceof Error ? error.message : fallback });
  }
}
