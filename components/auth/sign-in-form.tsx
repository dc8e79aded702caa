"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { ApiError, requestJson } from "@/lib/api-client";
import { safeNext } from "@/lib/auth/safe-next";

export function SignInForm({ next }: { next?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setIsPending(true);
    setError(null);
    try {
      await requestJson("/api/auth/sign-in", {
        method: "POST",
        body: JSON.stringify({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") }),
      });
      // A full page load, on purpose: it drops every reply cached for the previous session.
      window.location.assign(safeNext(next));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Sign-in failed: the console cannot be reached.");
      setIsPending(false);
    }
  };

  return (
    // method="post": should scripts ever fail to load, a submit must not put the password in the URL.
    <form method="post" onSubmit={(event) => void submit(event)} noValidate>
      <Field id="email" label="Email">
        <input id="email" name="email" type="email" autoComplete="username" required className={inputClass} />
      </Field>
      <Field id="password" label="Password" error={error ?? undefined}>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={inputClass}
          {...describedBy("password", false, error ?? undefined)}
        />
      </Field>
      <Button type="submit" disabled={isPending}>
        {isPending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
