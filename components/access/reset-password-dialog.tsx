"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Dialog } from "radix-ui";
import { useForm } from "react-hook-form";
import { placeServerErrors } from "@/components/ui/server-errors";
import { useUpdateUser } from "@/components/access/use-update-user";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { ZUpdateUser } from "@/lib/auth/schema";
import type { TUser } from "@/lib/auth/users";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";

const HINT = `At least ${PASSWORD_MIN_LENGTH} characters. The user is signed out everywhere and signs in with this one.`;

/** Sets a new password for a user who forgot theirs; opened from the user's row. */
export function ResetPasswordDialog({
  user,
  onClose,
  onDone,
}: {
  user: TUser | null;
  onClose: () => void;
  onDone: (user: TUser) => void;
}) {
  return (
    <Dialog.Root open={user !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 bg-slate-900/40" />
        <Dialog.Content className="fixed top-1/3 left-1/2 w-[28rem] max-w-[90vw] -translate-x-1/2 rounded bg-white p-5 shadow-xl focus:outline-none">
          <Dialog.Title className="text-lg font-semibold">Reset password</Dialog.Title>
          <Dialog.Description className="mt-2 mb-4 text-sm text-slate-700">
            Set a new password for {user?.email}.
          </Dialog.Description>
          {/* Keyed by user, so that nothing typed for one user is left in the form for the next. */}
          {user ? <ResetPasswordForm key={user.id} user={user} onClose={onClose} onDone={onDone} /> : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function ResetPasswordForm({
  user,
  onClose,
  onDone,
}: {
  user: TUser;
  onClose: () => void;
  onDone: (user: TUser) => void;
}) {
  const update = useUpdateUser();
  const {
    register,
    handleSubmit,
    setError,
    clearErrors,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(ZUpdateUser),
    defaultValues: { password: "" },
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  useClearOnNextAction(Boolean(errors.root), () => clearErrors("root"));

  const onSubmit = handleSubmit(async ({ password }) => {
    try {
      await update.mutateAsync({ id: user.id, password });
      onDone(user);
    } catch (error) {
      const placed = placeServerErrors(error, ["password"], "The password could not be set.");
      if (placed.fields.password) setError("password", { message: placed.fields.password }, { shouldFocus: true });
      if (placed.form) setError("root", { message: placed.form });
    }
  });

  const error = errors.password?.message;
  return (
    <form method="post" noValidate onSubmit={(event) => void onSubmit(event)}>
      {/* The account's email, for password managers to file the new password under. */}
      <input type="hidden" autoComplete="username" value={user.email} readOnly />
      <Field id="reset-password" label="New password" hint={HINT} error={error}>
        <input
          id="reset-password"
          type="password"
          autoComplete="new-password"
          className={inputClass}
          {...register("password")}
          {...describedBy("reset-password", true, error)}
        />
      </Field>
      {errors.root?.message ? (
        <p role="alert" className="mb-3 rounded bg-red-50 p-2 text-sm text-red-800">
          {errors.root.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={update.isPending}>
          {update.isPending ? "Setting…" : "Set password"}
        </Button>
      </div>
    </form>
  );
}
