"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { NewApiKeyNotice } from "@/components/access/new-api-key-notice";
import { ROLE_LABELS } from "@/components/access/role-labels";
import { applyServerErrors } from "@/components/ui/server-errors";
import { useCreateApiKey } from "@/components/access/use-create-api-key";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { ROLES } from "@/lib/auth/caller";
import { ZCreateApiKey } from "@/lib/auth/schema";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";

const FIELDS = ["name", "role"] as const;

/** Creates an API key and shows it once; only its prefix is listed afterwards. */
export function CreateApiKeyForm() {
  const create = useCreateApiKey();
  const {
    register,
    handleSubmit,
    reset,
    setError,
    clearErrors,
    setFocus,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(ZCreateApiKey),
    defaultValues: { name: "", role: "viewer" as const },
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  useClearOnNextAction(Boolean(errors.root), () => clearErrors("root"));

  const onSubmit = handleSubmit(async (values) => {
    try {
      await create.mutateAsync(values);
      reset();
    } catch (error) {
      applyServerErrors(error, FIELDS, "The API key could not be created: the console cannot be reached.", setError);
    }
  });

  const err = (name: (typeof FIELDS)[number]) => errors[name]?.message;

  return (
    <>
      <form
        noValidate
        onSubmit={(event) => void onSubmit(event)}
        aria-labelledby="create-api-key-heading"
        className="mb-4 rounded border border-slate-200 bg-white p-4"
      >
        <h3 id="create-api-key-heading" className="mb-3 text-sm font-semibold">
          Create API key
        </h3>
        <div className="grid gap-x-4 sm:grid-cols-[minmax(0,3fr)_minmax(0,1fr)]">
          <Field
            id="new-api-key-name"
            label="Name"
            hint="What uses the key, such as a SOAR playbook or a Terraform pipeline."
            error={err("name")}
          >
            <input
              id="new-api-key-name"
              autoComplete="off"
              className={inputClass}
              {...register("name")}
              {...describedBy("new-api-key-name", true, err("name"))}
            />
          </Field>
          <Field id="new-api-key-role" label="Role" hint="A Viewer key can only read." error={err("role")}>
            <select
              id="new-api-key-role"
              className={inputClass}
              {...register("role")}
              {...describedBy("new-api-key-role", true, err("role"))}
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
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create API key"}
        </Button>
      </form>
      {create.data ? (
        <NewApiKeyNotice
          key={create.data.apiKey.id}
          created={create.data}
          onDismiss={() => {
            create.reset();
            setFocus("name");
          }}
        />
      ) : null}
    </>
  );
}
