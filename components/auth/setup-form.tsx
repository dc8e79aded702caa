"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { placeServerErrors } from "@/components/ui/server-errors";
import { requestJson } from "@/lib/api-client";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { ZSetup } from "@/lib/auth/schema";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";

type TErrors = Partial<Record<"setupCode" | "email" | "password" | "confirm" | "form", string>>;

/** First run: the setup code from the server's data directory, then the first Admin's email and password. */
export function SetupForm() {
  const [errors, setErrors] = useState<TErrors>({});
  useClearOnNextAction(Boolean(errors.form), () => setErrors((current) => ({ ...current, form: undefined })));
  const [isPending, setIsPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "");
    // Every problem the form can see, at once, by the rules the API checks, before anything is sent.
    const found: TErrors = {};
    const parsed = ZSetup.safeParse({
      setupCode: value("setupCode"),
      email: value("email"),
      password: value("password"),
    });
    for (const issue of parsed.error?.issues ?? []) {
      const name = issue.path[0];
      if (name === "setupCode" || name === "email" || name === "password") found[name] ??= issue.message;
    }
    if (value("password") !== value("confirm")) found.confirm = "Confirm password must match the password";
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setIsPending(true);
    setErrors({});
    try {
      await requestJson("/api/auth/setup", {
        method: "POST",
        body: JSON.stringify({ setupCode: value("setupCode"), email: value("email"), password: value("password") }),
      });
      // A full page load, on purpose: it drops every reply cached for the previous session.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign("/integrations");
    } catch (caught) {
      const placed = placeServerErrors(
        caught,
        ["setupCode", "email", "password"] as const,
        "Setup failed: the console cannot be reached.",
      );
      setErrors({ ...placed.fields, form: placed.form });
      setIsPending(false);
    }
  };

  const field = (id: keyof TErrors, label: string, type: string, autoComplete: string, hint?: string) => (
    <Field id={id} label={label} hint={hint} error={errors[id]}>
      <input
        id={id}
        name={id}
        type={type}
        autoComplete={autoComplete}
        required
        className={inputClass}
        {...describedBy(id, Boolean(hint), errors[id])}
      />
    </Field>
  );

  return (
    // method="post": should scripts ever fail to load, a submit must not put the password in the URL.
    <form method="post" onSubmit={(event) => void submit(event)} noValidate>
      {field(
        "setupCode",
        "Setup code",
        "text",
        "off",
        "In the setup-code file of the data directory (npm start names it).",
      )}
      {field("email", "Email", "email", "username")}
      {field("password", "Password", "password", "new-password", `At least ${PASSWORD_MIN_LENGTH} characters.`)}
      {field("confirm", "Confirm password", "password", "new-password")}
      {errors.form ? (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {errors.form}
        </p>
      ) : null}
      <Button type="submit" disabled={isPending}>
        {isPending ? "Creating…" : "Create administrator"}
      </Button>
    </form>
  );
}
