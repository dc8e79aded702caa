"use client";

import { useId, useState } from "react";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { HEC_HOST, HEC_SOURCE, SOURCETYPES } from "@/lib/hec/metadata";
import { SOURCETYPE_LABELS, type TIntegrationFormValues } from "@/lib/integrations/schema";

const SOURCES = ["events", "flows", "audit"] as const;

/**
 * The panel's "Advanced" section: the host, source and sourcetypes every envelope
 * carries. Collapsed by default; it opens by itself when one of its fields has an
 * error, so an error is never hidden.
 */
export function SplunkMetadataFields({
  register,
  errors,
}: {
  register: UseFormRegister<TIntegrationFormValues>;
  errors: FieldErrors<TIntegrationFormValues>;
}) {
  const [isOpen, setIsOpen] = useState(false);
  const regionId = useId();
  const hostError = errors.hecHost?.message;
  const sourceError = errors.hecSource?.message;
  const sourcetypeErrors = errors.sourcetypes;
  const sourcetypeError = (source: (typeof SOURCES)[number]) => sourcetypeErrors?.[source]?.message;
  const hasError = Boolean(hostError || sourceError || sourcetypeErrors);
  // An error opens the section and it stays open, so fixing a field does not fold it
  // away under the cursor (state adjusted while rendering, as React recommends).
  if (hasError && !isOpen) setIsOpen(true);
  const isExpanded = isOpen || hasError;

  return (
    <section className="mb-4 rounded border border-slate-200">
      <h3 className="text-sm font-medium">
        <button
          type="button"
          aria-expanded={isExpanded}
          aria-controls={regionId}
          onClick={() => setIsOpen(!isExpanded)}
          className="flex w-full items-center gap-2 px-3 py-2 text-left text-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
        >
          <span aria-hidden="true">{isExpanded ? "▾" : "▸"}</span>
          Advanced
          <span className="text-xs font-normal text-slate-600">Splunk host, source and sourcetypes</span>
        </button>
      </h3>
      {/* The fields mount only when open (the form keeps their values), so a collapsed
          section adds nothing to the page's fields and labels. */}
      <div id={regionId} hidden={!isExpanded} className="border-t border-slate-200 px-3 pt-3">
        {isExpanded ? (
          <>
            <p className="mb-3 text-xs text-slate-600">
              Splunk add-ons bind their field extractions to a sourcetype: set the ones your Splunk expects.
            </p>
            <Field id="hecHost" label="Host" hint={`Default ${HEC_HOST}.`} error={hostError}>
              <input
                id="hecHost"
                className={inputClass}
                autoComplete="off"
                {...register("hecHost")}
                {...describedBy("hecHost", true, hostError)}
              />
            </Field>
            <Field id="hecSource" label="Source" hint={`Default ${HEC_SOURCE}.`} error={sourceError}>
              <input
                id="hecSource"
                className={inputClass}
                autoComplete="off"
                {...register("hecSource")}
                {...describedBy("hecSource", true, sourceError)}
              />
            </Field>
            {SOURCES.map((source) => {
              const id = `sourcetype-${source}`;
              const error = sourcetypeError(source);
              return (
                <Field
                  key={source}
                  id={id}
                  label={SOURCETYPE_LABELS[source]}
                  hint={`Default ${SOURCETYPES[source]}.`}
                  error={error}
                >
                  <input
                    id={id}
                    className={inputClass}
                    autoComplete="off"
                    {...register(`sourcetypes.${source}`)}
                    {...describedBy(id, true, error)}
                  />
                </Field>
              );
            })}
            {sourcetypeErrors?.message ? (
              <p role="alert" className="mb-3 text-xs font-medium text-red-700">
                {sourcetypeErrors.message}
              </p>
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}
