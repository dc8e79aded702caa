"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Dialog } from "radix-ui";
import { useEffect, useMemo, useRef, useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { focusedElement, returnFocus } from "@/components/ui/return-focus";
import { EventFilterEditor } from "@/components/integrations/event-filter-editor";
import { IndexerAckField } from "@/components/integrations/indexer-ack-field";
import { showServerErrors } from "@/components/integrations/show-server-errors";
import { SplunkMetadataFields } from "@/components/integrations/splunk-metadata-fields";
import { TestConnectionResult } from "@/components/integrations/test-connection-result";
import { useSaveIntegration } from "@/components/integrations/use-save-integration";
import { useTestIntegration } from "@/components/integrations/use-test-integration";
import { useGetSettings } from "@/components/settings/use-get-settings";
import { DEFAULT_SPLUNK_METADATA } from "@/lib/hec/metadata";
import { integrationFormSchema, type TIntegration, type TIntegrationFormValues } from "@/lib/integrations/schema";
import { useClearOnNextAction } from "@/components/ui/use-clear-on-next-action";

/** Stands in for a Connector Name not yet typed, so that the rest validates for a test. */
const UNNAMED = "Unnamed";

const EMPTY: TIntegrationFormValues = {
  app: "splunk",
  auth: "api_key",
  name: "",
  description: "",
  ingestionUrl: "",
  apiKey: "",
  index: "",
  events: true,
  flows: false,
  audit: false,
  eventFilter: [],
  errorEvents: true,
  indexerAck: false,
  ...DEFAULT_SPLUNK_METADATA,
};

function valuesOf(integration: TIntegration): TIntegrationFormValues {
  return {
    app: "splunk",
    auth: "api_key",
    name: integration.name,
    description: integration.description,
    ingestionUrl: integration.ingestionUrl,
    apiKey: "",
    index: integration.index ?? "",
    events: integration.events,
    flows: integration.flows,
    audit: integration.audit,
    eventFilter: integration.eventFilter,
    errorEvents: integration.errorEvents,
    indexerAck: integration.indexerAck,
    hecHost: integration.hecHost,
    hecSource: integration.hecSource,
    sourcetypes: integration.sourcetypes,
  };
}

/** The fields the user changed, as the form's schema made them (an empty API Key is left out when editing). */
function changedValues(
  values: Record<string, unknown>,
  dirty: Partial<Record<string, unknown>>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([name, value]) => value !== undefined && hasDirtyLeaf(dirty[name])),
  );
}

function hasDirtyLeaf(dirty: unknown): boolean {
  if (dirty === true) return true;
  if (dirty && typeof dirty === "object") return Object.values(dirty).some(hasDirtyLeaf);
  return false;
}

/** The New Integration side panel; Edit reuses it with the API Key left empty. */
export function IntegrationPanel({
  integration,
  onClose,
  onSaved,
}: {
  integration: TIntegration | null;
  onClose: () => void;
  onSaved?: (saved: TIntegration) => void;
}) {
  const mode = integration ? "edit" : "create";
  // The panel mounts when opened: what has focus now is the control that opened it.
  const [opener] = useState(focusedElement);
  const [hasChosenApp, setHasChosenApp] = useState(mode === "edit");
  const save = useSaveIntegration(integration?.id ?? null);
  const test = useTestIntegration(integration?.id ?? null);
  const [sendTestEvent, setSendTestEvent] = useState(false);
  // Until the policy loads the strict rules apply; the server checks with its own anyway.
  const allowInsecureHttp = useGetSettings().data?.allowInsecureHttp ?? false;
  const resolver = useMemo(
    // The panel validates with the very schema the API uses, under the server's policy.
    () =>
      zodResolver(integrationFormSchema(mode, { allowInsecureHttp })) as unknown as Resolver<TIntegrationFormValues>,
    [mode, allowInsecureHttp],
  );
  const {
    register,
    control,
    handleSubmit,
    setError,
    clearErrors,
    getValues,
    formState: { errors, dirtyFields },
  } = useForm<TIntegrationFormValues>({
    resolver,
    defaultValues: integration ? valuesOf(integration) : EMPTY,
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  useClearOnNextAction(Boolean(errors.root), () => clearErrors("root"));
  const isBusy = save.isPending || test.isPending;
  const testResultRef = useRef<HTMLDivElement>(null);
  const testResult = test.data;
  useEffect(() => {
    // Brings the result into view: it is below the fields the user was looking at.
    if (testResult) testResultRef.current?.scrollIntoView({ block: "nearest" });
  }, [testResult]);

  const onSubmit = handleSubmit(async (values) => {
    try {
      const saved = await save.mutateAsync(values);
      onSaved?.(saved);
      onClose();
    } catch (error) {
      showServerErrors(error, setError, "Saving failed.");
    }
  });

  // Validates as Save does, except that a destination can be tested before it has a
  // Connector Name; then tests what would be saved: the whole form for a new integration,
  // only the changes for a saved one (the server fills in the rest).
  const onTest = async () => {
    clearErrors();
    const current = getValues();
    const schema = integrationFormSchema(mode, { allowInsecureHttp });
    const parsed = schema.safeParse({ ...current, name: current.name.trim() || UNNAMED });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.join(".") as Parameters<typeof setError>[0];
        if (!errors[path as keyof typeof errors]) setError(path, { type: "validate", message: issue.message });
      }
      return;
    }
    const values = { ...(parsed.data as Record<string, unknown>) };
    if (!current.name.trim()) delete values.name;
    const fields = mode === "edit" ? changedValues(values, dirtyFields) : values;
    try {
      await test.mutateAsync({ ...fields, sendTestEvent });
    } catch (error) {
      showServerErrors(error, setError, "The connection could not be tested.");
    }
  };

  const title = mode === "edit" ? "Edit Integration" : "New Integration";
  const err = (name: keyof TIntegrationFormValues) => errors[name]?.message as string | undefined;

  return (
    <Dialog.Root open onOpenChange={(open) => (open ? undefined : onClose())}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 bg-slate-900/30" />
        <Dialog.Content
          onCloseAutoFocus={(event) => returnFocus(event, opener)}
          className="fixed inset-y-0 right-0 flex w-full flex-col bg-white shadow-2xl focus:outline-none sm:w-[36rem] sm:max-w-full"
        >
          <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3">
            <Dialog.Title className="text-lg font-semibold">{title}</Dialog.Title>
            <Dialog.Close asChild>
              <Button variant="secondary" aria-label="Close panel">
                Close
              </Button>
            </Dialog.Close>
          </div>
          <Dialog.Description className="sr-only">
            {mode === "edit" ? "Change the Splunk connector." : "Create a Splunk connector for the account's data."}
          </Dialog.Description>
          {!hasChosenApp ? (
            <div className="p-5">
              <h3 className="mb-3 text-sm font-medium">Choose an app</h3>
              <button
                type="button"
                onClick={() => setHasChosenApp(true)}
                className="flex w-full flex-col items-start rounded border border-slate-300 p-4 text-left hover:border-brand focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
              >
                <span className="font-semibold">Splunk</span>
                <span className="text-sm text-slate-600">
                  Send events, flows and the console&apos;s audit trail to Splunk through the HTTP Event Collector (HEC)
                </span>
              </button>
            </div>
          ) : (
            <form noValidate onSubmit={onSubmit} className="flex min-h-0 flex-1 flex-col">
              <div className="flex-1 overflow-y-auto p-5">
                <p className="mb-4 text-sm text-slate-700">
                  App: <span className="font-medium">Splunk</span>
                </p>
                <Field id="auth" label="Auth" error={err("auth")}>
                  <select
                    id="auth"
                    className={inputClass}
                    {...register("auth")}
                    {...describedBy("auth", false, err("auth"))}
                  >
                    <option value="api_key">API Key</option>
                  </select>
                </Field>
                <Field id="name" label="Connector Name" error={err("name")}>
                  <input
                    id="name"
                    className={inputClass}
                    autoComplete="off"
                    {...register("name")}
                    {...describedBy("name", false, err("name"))}
                  />
                </Field>
                <Field id="description" label="Description" optional error={err("description")}>
                  <input
                    id="description"
                    className={inputClass}
                    autoComplete="off"
                    {...register("description")}
                    {...describedBy("description", false, err("description"))}
                  />
                </Field>
                <Field
                  id="ingestionUrl"
                  label="Ingestion URL"
                  hint={`The HEC endpoint, e.g. https://http-inputs-acme.splunkcloud.com. Port optional (443 by default).${
                    allowInsecureHttp ? " Plain http:// is allowed by the operator." : ""
                  }`}
                  error={err("ingestionUrl")}
                >
                  <input
                    id="ingestionUrl"
                    type="url"
                    inputMode="url"
                    className={inputClass}
                    autoComplete="off"
                    {...register("ingestionUrl")}
                    {...describedBy("ingestionUrl", true, err("ingestionUrl"))}
                  />
                </Field>
                <Field
                  id="apiKey"
                  label="API Key"
                  hint={
                    mode === "edit"
                      ? `The HEC token. Leave empty to keep the stored key${integration?.apiKeyHint ? ` (ending ${integration.apiKeyHint})` : ""}.`
                      : "The HEC token. It is stored encrypted and never shown again."
                  }
                  error={err("apiKey")}
                >
                  <input
                    id="apiKey"
                    type="password"
                    className={inputClass}
                    autoComplete="new-password"
                    {...register("apiKey")}
                    {...describedBy("apiKey", true, err("apiKey"))}
                  />
                </Field>
                <Field
                  id="index"
                  label="Index"
                  optional
                  hint="Leave blank to use the token's default index."
                  error={err("index")}
                >
                  <input
                    id="index"
                    className={inputClass}
                    autoComplete="off"
                    {...register("index")}
                    {...describedBy("index", true, err("index"))}
                  />
                </Field>
                <fieldset
                  className="mb-4"
                  aria-describedby={err("events") || err("flows") || err("audit") ? "data-sources-error" : undefined}
                >
                  <legend className="mb-1 text-sm font-medium text-slate-800">Data Sources</legend>
                  <div className="flex flex-wrap gap-x-6 gap-y-1">
                    <label className="flex items-center gap-2 text-sm">
                      <input type="checkbox" className="h-4 w-4" {...register("events")} /> Events
                    </label>
                    <label className="flex items-center gap-2 text-sm">
                      <input type="checkbox" className="h-4 w-4" {...register("flows")} /> Flows
                    </label>
                    <label className="flex items-center gap-2 text-sm">
                      <input type="checkbox" className="h-4 w-4" aria-describedby="audit-hint" {...register("audit")} />{" "}
                      Audit Trail
                    </label>
                  </div>
                  <p id="audit-hint" className="mt-1 text-xs text-slate-600">
                    Audit Trail: sign-ins and changes made in this console (sourcetype cato:audit)
                  </p>
                  {err("events") || err("flows") || err("audit") ? (
                    <p id="data-sources-error" role="alert" className="mt-1 text-xs font-medium text-red-700">
                      {err("events") ?? err("flows") ?? err("audit")}
                    </p>
                  ) : null}
                </fieldset>
                <EventFilterEditor control={control} errors={errors.eventFilter} />
                <label className="mb-2 flex items-center gap-2 text-sm">
                  <input type="checkbox" className="h-4 w-4" {...register("errorEvents")} /> Create an event if errors
                  occur with the integration
                </label>
                {err("errorEvents") ? (
                  <p role="alert" className="text-xs font-medium text-red-700">
                    {err("errorEvents")}
                  </p>
                ) : null}
                <IndexerAckField register={register} error={err("indexerAck")} />
                <SplunkMetadataFields register={register} errors={errors} />
                <div ref={testResultRef} className="mt-4">
                  <TestConnectionResult result={test.data} isTesting={test.isPending} />
                </div>
                {errors.root?.message ? (
                  <p role="alert" className="mt-3 rounded bg-red-50 p-2 text-sm text-red-800">
                    {errors.root.message}
                  </p>
                ) : null}
              </div>
              <div className="border-t border-slate-200 px-5 py-3">
                <div className="mb-2 flex items-start gap-2 text-sm">
                  <input
                    id="sendTestEvent"
                    type="checkbox"
                    className="mt-0.5 h-4 w-4 shrink-0"
                    aria-describedby="sendTestEvent-hint"
                    checked={sendTestEvent}
                    onChange={(e) => setSendTestEvent(e.target.checked)}
                  />
                  {/* A short name, so that it is not mistaken for the API Key field; the rest describes it. */}
                  <p>
                    <label htmlFor="sendTestEvent">Send a test event</label>{" "}
                    <span id="sendTestEvent-hint" className="text-slate-700">
                      (checks the API key and index; it lands with this integration&apos;s index, host and source, and
                      sourcetype cato:test)
                    </span>
                  </p>
                </div>
                <div className="flex flex-wrap justify-end gap-2">
                  <Button variant="secondary" onClick={onClose}>
                    Cancel
                  </Button>
                  <Button
                    variant="secondary"
                    // Not `disabled`, which would drop keyboard focus to the page while the test runs.
                    aria-disabled={isBusy || undefined}
                    onClick={() => {
                      if (!isBusy) void onTest();
                    }}
                  >
                    {test.isPending ? "Testing…" : "Test connection"}
                  </Button>
                  <Button type="submit" disabled={isBusy}>
                    {save.isPending ? "Saving…" : "Save"}
                  </Button>
                </div>
              </div>
            </form>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
