"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { CatoStatus } from "@/components/cato/cato-status";
import { useDeleteCatoAccount, useSaveCatoAccount } from "@/components/cato/use-save-cato-account";
import { useGetCatoAccount } from "@/components/cato/use-get-cato-account";
import { useTestCatoAccount } from "@/components/cato/use-test-cato-account";
import { useCanManage } from "@/components/auth/current-user";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { applyServerErrors } from "@/components/ui/server-errors";
import { CATO_REGIONS, CATO_REGION_IDS } from "@/lib/cato/regions";
import { ZPutCatoAccountInput, type TCatoAccount } from "@/lib/cato/schema";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";

const FIELDS = ["accountId", "apiKey", "region", "events", "audit", "enabled"] as const;
type TForm = { accountId: string; apiKey: string; region: string; events: boolean; audit: boolean; enabled: boolean };

function AccountForm({ account }: { account: TCatoAccount }) {
  const canManage = useCanManage();
  const save = useSaveCatoAccount();
  const test = useTestCatoAccount();
  const disconnect = useDeleteCatoAccount();
  const [isConfirming, setIsConfirming] = useState(false);
  const {
    register,
    handleSubmit,
    getValues,
    setError,
    clearErrors,
    formState: { errors },
  } = useForm<TForm>({
    resolver: zodResolver(ZPutCatoAccountInput) as unknown as Resolver<TForm>,
    defaultValues: {
      accountId: account.accountId ?? "",
      apiKey: "",
      region: account.region,
      events: account.events,
      audit: account.audit,
      enabled: account.connected ? account.enabled : true,
    },
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  useClearOnNextAction(Boolean(errors.root), () => clearErrors("root"));
  useClearOnNextAction(Boolean(test.error), test.reset);

  const onSubmit = handleSubmit(async (values) => {
    try {
      await save.mutateAsync(values);
    } catch (error) {
      applyServerErrors(error, FIELDS, "The account could not be saved: the console cannot be reached.", setError);
    }
  });

  const onTest = () => {
    const { accountId, apiKey, region } = getValues();
    test.mutate({ accountId, apiKey, region });
  };

  const err = (name: (typeof FIELDS)[number]) => errors[name]?.message;
  const keyHint = account.connected
    ? `Leave blank to keep the stored key${account.apiKeyHint ? ` (ending ${account.apiKeyHint})` : ""}. Stored encrypted and never shown again.`
    : "An API key created in the Cato Management Application (Resources > API Keys). Stored encrypted and never shown again.";

  return (
    <form
      noValidate
      onSubmit={(event) => void onSubmit(event)}
      aria-labelledby="cato-settings-heading"
      className="mb-6 max-w-xl rounded border border-slate-200 bg-white p-4"
    >
      <h2 id="cato-settings-heading" className="mb-3 text-base font-semibold">
        Connection
      </h2>
      <fieldset disabled={!canManage}>
        <Field
          id="cato-account-id"
          label="Account ID"
          hint="The number Cato shows for the account."
          error={err("accountId")}
        >
          <input
            id="cato-account-id"
            inputMode="numeric"
            autoComplete="off"
            className={inputClass}
            {...register("accountId")}
            {...describedBy("cato-account-id", true, err("accountId"))}
          />
        </Field>
        {canManage ? (
          <Field id="cato-api-key" label="API Key" hint={keyHint} error={err("apiKey")}>
            <input
              id="cato-api-key"
              type="password"
              autoComplete="off"
              className={inputClass}
              {...register("apiKey")}
              {...describedBy("cato-api-key", true, err("apiKey"))}
            />
          </Field>
        ) : null}
        <Field id="cato-region" label="API region" hint={`Cato's API host: ${account.apiUrl}`} error={err("region")}>
          <select
            id="cato-region"
            className={inputClass}
            {...register("region")}
            {...describedBy("cato-region", true, err("region"))}
          >
            {CATO_REGION_IDS.map((id) => (
              <option key={id} value={id}>
                {CATO_REGIONS[id].label}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="mb-4" aria-describedby={err("events") ? "cato-sources-error" : undefined}>
          <legend className="mb-1 text-sm font-medium text-slate-800">Pull</legend>
          <label className="mr-4 inline-flex items-center gap-1.5 text-sm">
            <input type="checkbox" {...register("events")} /> Events
          </label>
          <label className="inline-flex items-center gap-1.5 text-sm">
            <input type="checkbox" {...register("audit")} /> Audit Trail
          </label>
          {err("events") ? (
            <p id="cato-sources-error" role="alert" className="mt-1 text-xs font-medium text-red-700">
              {err("events")}
            </p>
          ) : null}
          <p className="mt-1 text-xs text-slate-600">
            Cato&apos;s API has no per-flow records: flows come only through the ingest API.
          </p>
        </fieldset>
        <label className="mb-4 flex items-center gap-1.5 text-sm">
          <input type="checkbox" {...register("enabled")} /> Enabled
        </label>
      </fieldset>
      {errors.root?.message ? (
        <p role="alert" className="mb-3 rounded bg-red-50 p-2 text-sm text-red-800">
          {errors.root.message}
        </p>
      ) : null}
      {test.data ? (
        <p
          role="status"
          className={`mb-3 rounded p-2 text-sm ${test.data.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-800"}`}
        >
          {test.data.detail}
        </p>
      ) : test.error ? (
        <p role="alert" className="mb-3 rounded bg-red-50 p-2 text-sm text-red-800">
          {test.error.message}
        </p>
      ) : null}
      {canManage ? (
        <div className="flex gap-2">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving…" : account.connected ? "Save" : "Connect"}
          </Button>
          <Button variant="secondary" disabled={test.isPending} onClick={onTest}>
            {test.isPending ? "Testing…" : "Test"}
          </Button>
          {account.connected ? (
            <Button variant="secondary" onClick={() => setIsConfirming(true)}>
              Disconnect
            </Button>
          ) : null}
        </div>
      ) : null}
      <ConfirmDialog
        open={isConfirming}
        title="Disconnect the Cato account?"
        description="Polling stops and the API key is deleted. Records already in the feeds stay; nothing changes at Cato."
        confirmLabel="Disconnect"
        pendingLabel="Disconnecting…"
        action={disconnect}
        onConfirm={() => disconnect.mutate(undefined, { onSuccess: () => setIsConfirming(false) })}
        onClose={() => setIsConfirming(false)}
      />
    </form>
  );
}

/** The Cato account page: its status, and its settings (read-only for Viewers). */
export function CatoAccountSettings() {
  const query = useGetCatoAccount();
  if (query.isPending) return <p className="text-sm text-slate-600">Loading…</p>;
  if (query.isError) {
    return (
      <p role="alert" className="text-sm text-red-700">
        {query.error.message}
      </p>
    );
  }
  const account = query.data;
  // Saved settings remount the form with them as its defaults.
  const formKey = [
    account.connected,
    account.accountId,
    account.region,
    account.events,
    account.audit,
    account.enabled,
    account.apiKeyHint,
  ].join("|");
  return (
    <>
      <CatoStatus status={account.status} events={account.events} audit={account.audit} />
      <AccountForm key={formKey} account={account} />
    </>
  );
}
