"use client";

import { useEffect, useRef, useState } from "react";
import { Controller, useFieldArray, type Control, type FieldErrors } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import {
  EVENT_TYPES,
  FILTER_FIELDS,
  FILTER_OPERATORS,
  MAX_FILTER_CONDITIONS,
  type TIntegrationFormValues,
} from "@/lib/integrations/schema";

const FIELD_LABELS: Record<(typeof FILTER_FIELDS)[number], string> = {
  event_type: "Event Type",
  event_sub_type: "Event Sub-Type",
};
const OPERATOR_LABELS: Record<(typeof FILTER_OPERATORS)[number], string> = {
  is: "is",
  is_not: "is not",
  in: "in",
  not_in: "not in",
};

function splitValues(text: string): string[] {
  return text
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** Values typed as a comma-separated list; the form keeps them as an array. */
function ValuesInput({
  id,
  value,
  onChange,
  onBlur,
  invalid,
  describedById,
}: {
  id: string;
  value: string[];
  onChange: (values: string[]) => void;
  onBlur: () => void;
  invalid: boolean;
  describedById?: string;
}) {
  const [text, setText] = useState(value.join(", "));
  return (
    <input
      id={id}
      className={inputClass}
      value={text}
      list="event-type-values"
      aria-invalid={invalid || undefined}
      aria-describedby={describedById}
      onChange={(e) => {
        setText(e.target.value);
        onChange(splitValues(e.target.value));
      }}
      onBlur={onBlur}
    />
  );
}

function firstError(errors: unknown): string | undefined {
  if (!errors || typeof errors !== "object") return undefined;
  if ("message" in errors && typeof errors.message === "string") return errors.message;
  for (const value of Object.values(errors)) {
    const message = firstError(value);
    if (message) return message;
  }
  return undefined;
}

export function EventFilterEditor({
  control,
  errors,
}: {
  control: Control<TIntegrationFormValues>;
  errors: FieldErrors<TIntegrationFormValues>["eventFilter"];
}) {
  const { fields, append, remove } = useFieldArray({ control, name: "eventFilter" });
  // After a removal, focus goes to a neighbour (the condition that took its place, else the
  // one before it, else Add condition) instead of falling back to the panel.
  const focusAfterRemoval = useRef<number | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const index = focusAfterRemoval.current;
    if (index === null) return;
    focusAfterRemoval.current = null;
    const target = index >= 0 ? document.getElementById(`event-filter-${index}-remove`) : addButton.current;
    target?.focus();
  }, [fields.length]);
  const removeCondition = (index: number) => {
    focusAfterRemoval.current = index < fields.length - 1 ? index : index - 1;
    remove(index);
  };
  const listError = errors && "root" in errors ? errors.root?.message : errors?.message;

  return (
    <fieldset className="mb-4 rounded border border-slate-200 p-3">
      <legend className="px-1 text-sm font-medium text-slate-800">Event filter</legend>
      <p id="event-filter-hint" className="mb-2 text-xs text-slate-600">
        Filters apply to events only; flows are always sent in full. An event is sent when it matches every condition.
        Separate several values with commas.
      </p>
      <datalist id="event-type-values">
        {EVENT_TYPES.map((type) => (
          <option key={type} value={type} />
        ))}
      </datalist>
      {fields.length === 0 ? <p className="mb-2 text-sm text-slate-700">No filter: every event is sent.</p> : null}
      <ul>
        {fields.map((item, index) => {
          const rowError = firstError(errors?.[index]);
          const base = `event-filter-${index}`;
          return (
            <li key={item.id} className="mb-3">
              <div className="grid grid-cols-2 items-start gap-2 sm:grid-cols-[9rem_7rem_1fr_auto]">
                <div>
                  <label htmlFor={`${base}-field`} className="sr-only">
                    Condition {index + 1} field
                  </label>
                  <Controller
                    control={control}
                    name={`eventFilter.${index}.field`}
                    render={({ field }) => (
                      <select id={`${base}-field`} className={inputClass} {...field}>
                        {FILTER_FIELDS.map((f) => (
                          <option key={f} value={f}>
                            {FIELD_LABELS[f]}
                          </option>
                        ))}
                      </select>
                    )}
                  />
                </div>
                <div>
                  <label htmlFor={`${base}-operator`} className="sr-only">
                    Condition {index + 1} operator
                  </label>
                  <Controller
                    control={control}
                    name={`eventFilter.${index}.operator`}
                    render={({ field }) => (
                      <select id={`${base}-operator`} className={inputClass} {...field}>
                        {FILTER_OPERATORS.map((op) => (
                          <option key={op} value={op}>
                            {OPERATOR_LABELS[op]}
                          </option>
                        ))}
                      </select>
                    )}
                  />
                </div>
                <div>
                  <label htmlFor={`${base}-values`} className="sr-only">
                    Condition {index + 1} values
                  </label>
                  <Controller
                    control={control}
                    name={`eventFilter.${index}.values`}
                    render={({ field }) => (
                      <ValuesInput
                        id={`${base}-values`}
                        value={field.value ?? []}
                        onChange={field.onChange}
                        onBlur={field.onBlur}
                        invalid={Boolean(rowError)}
                        describedById={rowError ? `${base}-error` : undefined}
                      />
                    )}
                  />
                </div>
                <Button
                  id={`${base}-remove`}
                  variant="secondary"
                  aria-label={`Remove condition ${index + 1}`}
                  onClick={() => removeCondition(index)}
                >
                  Remove
                </Button>
              </div>
              {rowError ? (
                <p id={`${base}-error`} role="alert" className="mt-1 text-xs font-medium text-red-700">
                  {rowError}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      {listError ? (
        <p role="alert" className="mb-2 text-xs font-medium text-red-700">
          {listError}
        </p>
      ) : null}
      <Button
        ref={addButton}
        variant="secondary"
        disabled={fields.length >= MAX_FILTER_CONDITIONS}
        onClick={() => append({ field: "event_type", operator: "in", values: [] })}
      >
        Add condition
      </Button>
    </fieldset>
  );
}
