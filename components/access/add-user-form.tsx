"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ROLE_LABELS } from "@/components/access/role-labels";
import { applyServerErrors } from "@/components/ui/server-errors";
import { useCreateUser } from "@/components/access/use-create-user";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { ROLES } from "@/lib/auth/caller";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { ZCreateUser } from "@/lib/auth/schema";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";

const FIELDS = ["email", "password", "role"] as const;
const PASSWORD_HINT = `At least ${PASSWORD_MIN_LENGTH} characters. Give it to the user through a channel of its own.`;

/** Adds a user who signs in with an email and a password; the form checks with the schema the API uses. */
export function AddUserForm() {
  const create = useCreateUser();
  const [added, setAdded] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    reset,
    setError,
    clearErrors,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(ZCreateUser),
    defaultValues: { email: "", password: "", role: "viewer" as const },
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  useClearOnNextAction(Boolean(errors.root), () => clearErrors("root"));

  const onSubmit = handleSubmit(async (values) => {
    setAdded(null);
    try {
      const user = await create.mutateAsync(values);
      reset();
      setAdded(user.email);
    } catch (error) {
      applyServerErrors(error, FIELDS, "The user could not be added: the console cannot be reached.", setError);
    }
  });

  const err = (name: (typeof FIELDS)[number]) => errors[name]?.message;

  return (
    <form
      method="post"
      noValidate
      onSubmit={(event) => void onSubmit(event)}
      aria-labelledby="add-user-heading"
      className="mb-4 rounded border border-slate-200 bg-white p-4"
    >
      <h3 id="add-user-heading" className="mb-3 text-sm font-semibold">
        Add user
      </h3>
      <div className="grid gap-x-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,2fr)_minmax(0,1fr)]">
        <Field id="new-user-email" label="Email" error={err("email")}>
          <input
            id="new-user-email"
            type="email"
            autoComplete="off"
            className={inputClass}
            {...register("email")}
            {...describedBy("new-user-email", false, err("email"))}
          />
        </Field>
        <Field id="new-user-password" label="Password" hint={PASSWORD_HINT} error={err("password")}>
          <input
            id="new-user-password"
            type="password"
            autoComplete="new-password"
            className={inputClass}
            {...register("password")}
            {...describedBy("new-user-password", true, err("password"))}
          />
        </Field>
        <Field id="new-user-role" label="Role" error={err("role")}>
          <select
            id="new-user-role"
            className={inputClass}
            {...register("role")}
            {...describedBy("new-user-role", false, err("role"))}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {errors.root?.message ? (
        <p role="alert" className="mb-3 rounded bg-red-50 p-2 text-sm text-red-800">
          {errors.root.message}
        </p>
      ) : null}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </Button>
        <p role="status" className="text-sm text-slate-700">
          {added ? `Added ${added}.` : ""}
        </p>
      </div>
    </form>
  );
}
