"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { placeServerErrors } from "@/components/ui/server-errors";
import { requestJson } from "@/lib/api-client";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";

type TErrors = Partial<Record<"currentPassword" | "newPassword" | "confirm" | "form", string>>;

/** The signed-in user's own password; other sessions of theirs end, this one stays. */
export function ChangePasswordForm() {
  const [errors, setErrors] = useState<TErrors>({});
  useClearOnNextAction(Boolean(errors.form), () => setErrors((current) => ({ ...current, form: undefined })));
  const [isPending, setIsPending] = useState(false);
  const [isDone, setIsDone] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? "");
    setIsDone(false);
    if (value("newPassword") !== value("confirm")) {
      setErrors({ confirm: "Confirm new password must match the new password" });
      return;
    }
    setIsPending(true);
    setErrors({});
    try {
      await requestJson("/api/auth/password", {
        method: "POST",
        body: JSON.stringify({ currentPassword: value("currentPassword"), newPassword: value("newPassword") }),
      });
      form.reset();
      setIsDone(true);
    } catch (caught) {
      const placed = placeServerErrors(
        caught,
        ["currentPassword", "newPassword"] as const,
        "The password could not be changed: the console cannot be reached.",
      );
      setErrors({ ...placed.fields, form: placed.form });
    } finally {
      setIsPending(false);
    }
  };

  const field = (id: keyof TErrors, label: string, autoComplete: string, hint?: string) => (
    <Field id={id} label={label} hint={hint} error={errors[id]}>
      <input
        id={id}
        name={id}
        type="password"
        autoComplete={autoComplete}
        required
        className={inputClass}
        {...describedBy(id, Boolean(hint), errors[id])}
      />
    </Field>
  );

  return (
    // method="post": should scripts ever fail to load, a submit must not put a password in the URL.
    <form method="post" onSubmit={(event) => void submit(event)} noValidate className="max-w-sm">
      {field("currentPassword", "Current password", "current-password")}
      {field("newPassword", "New password", "new-password", `At least ${PASSWORD_MIN_LENGTH} characters.`)}
      {field("confirm", "Confirm new password", "new-password")}
      {errors.form ? (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {errors.form}
        </p>
      ) : null}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isPending}>
          {isPending ? "Changing…" : "Change password"}
        </Button>
        <p role="status" className="text-sm text-green-800">
          {isDone ? "Password changed. Your other sessions were signed out." : ""}
        </p>
      </div>
    </form>
  );
}
