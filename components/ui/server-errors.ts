import { ApiError } from "@/lib/api-client";

export type TPlacedErrors<F extends string> = {
  /** Each field's first reason from the server, for the fields the form shows. */
  fields: Partial<Record<F, string>>;
  /** What no field can show: the reply's detail, or the fallback when there was no reply. */
  form?: string;
};

/**
 * Sorts a failed request's problem+json into errors next to the form's fields
 * (`invalid_params`) and one for the whole form (everything else).
 */
export function placeServerErrors<F extends string>(
  error: unknown,
  formFields: readonly F[],
  fallback: string,
): TPlacedErrors<F> {
  if (!(error instanceof ApiError)) return { fields: {}, form: fallback };
  const fields: Partial<Record<F, string>> = {};
  for (const param of error.invalidParams) {
    const field = formFields.find((name) => name === param.name);
    if (field !== undefined) fields[field] ??= param.reason;
  }
  return Object.keys(fields).length > 0 ? { fields } : { fields, form: error.message };
}

type TSetError<F extends string> = (
  name: F | "root",
  error: { message: string },
  options?: { shouldFocus: boolean },
) => void;

/** Shows a failed request's errors in a react-hook-form form, focusing the first field named. */
export function applyServerErrors<F extends string>(
  error: unknown,
  formFields: readonly F[],
  fallback: string,
  setError: TSetError<F>,
): void {
  const placed = placeServerErrors(error, formFields, fallback);
  let hasFocused = false;
  for (const field of formFields) {
    const message = placed.fields[field];
    if (!message) continue;
    setError(field, { message }, { shouldFocus: !hasFocused });
    hasFocused = true;
  }
  if (placed.form) setError("root", { message: placed.form });
}
