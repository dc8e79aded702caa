"use client";

import { useEffect, useRef, useState } from "react";
import { Controller, useFieldArray, useWatch, type Control, type FieldErrors } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import {
  EVENT_TYPES,
  FILTER_FIELDS,
  FILTER_OPERATOR_WORDS,
  FILTER_OPERATORS,
  KNOWN_EVENT_SUB_TYPES,
  MAX_FILTER_CONDITIONS,
  type TIntegrationFormValues,
} from "@/lib/integrations/schema";

const FIELD_LABELS: Record<(typeof FILTER_FIELDS)[number], string> = {
  event_type: "Event Type",
  event_sub_type: "Event Sub-Type",
};

/** Known values offered for each field: every event type, and the sub-types Cato is known to send. */
const SUGGESTIONS: Record<(typeof FILTER_FIELDS)[number], { listId: string; values: readonly string[] }> = {
  event_type: { listId: "event-type-values", values: EVENT_TYPES },
  event_sub_type: { listId: "event-sub-type-values", values: KNOWN_EVENT_SUB_TYPES },
};

function splitValues(text: string): string[] {
  return text
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/**
 * A condition's values as chips. A value is added with Enter, a comma, or by leaving the box
 * (so a typed value is never lost on Save); each chip has its own remove button.
 */
function ValuesInput({
  id,
  label,
  field,
  value,
  onChange,
  onBlur,
  invalid,
  describedById,
}: {
  id: string;
  label: string;
  field: (typeof FILTER_FIELDS)[number];
  value: string[];
  onChange: (values: string[]) => void;
  onBlur: () => void;
  invalid: boolean;
  describedById?: string;
}) {
  const [text, setText] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const suggestions = SUGGESTIONS[field];
  const add = (values: string[]) => {
    const next = [...value];
    for (const v of values) if (!next.includes(v)) next.push(v);
    if (next.length !== value.length) onChange(next);
  };
  const commit = () => {
    add(splitValues(text));
    setText("");
  };
  return (
    <div
      className={`flex min-h-9 flex-wrap items-center gap-1 rounded border bg-white px-1 py-1 ${
        invalid ? "border-red-600" : "border-slate-300"
      }`}
    >
      <ul aria-label={`${label}: chosen`} className="flex max-w-full flex-wrap gap-1">
        {value.map((v, i) => (
          <li key={v} className="inline-flex max-w-full items-center rounded bg-slate-100 text-xs text-slate-900">
            <span className="px-2 py-0.5 break-all">{v}</span>
            <button
              type="button"
              className="rounded px-1.5 py-0.5 text-slate-700 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-brand"
              aria-label={`Remove ${v} from ${label.toLowerCase()}`}
              onClick={() => {
                onChange(value.filter((x) => x !== v));
                // Focus stays in the condition: the next chip's button, else the box.
                requestAnimationFrame(() => {
                  const buttons = input.current?.parentElement?.querySelectorAll<HTMLButtonElement>("li button");
                  (buttons?.[Math.min(i, (buttons?.length ?? 0) - 1)] ?? input.current)?.focus();
                });
              }}
            >
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      <input
        ref={input}
        id={id}
        className="min-w-32 flex-1 border-0 px-1 py-0.5 text-sm focus:outline-none"
        value={text}
        list={suggestions.listId}
        placeholder={value.length === 0 ? "Choose or type a value" : "Add another"}
        autoComplete="off"
        aria-invalid={invalid || undefined}
        aria-describedby={describedById}
        onChange={(e) => {
          const typed = e.target.value;
          // A value picked from the suggestions is taken at once.
          if (suggestions.values.includes(typed)) {
            add([typed]);
            setText("");
            return;
          }
          if (typed.includes(",")) {
            const parts = typed.split(",");
            add(splitValues(parts.slice(0, -1).join(",")));
            setText(parts.at(-1)!.trimStart());
            return;
          }
          setText(typed);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            commit();
          } else if (e.key === "Backspace" && text === "" && value.length > 0) {
            onChange(value.slice(0, -1));
          }
        }}
        onBlur={() => {
          commit();
          onBlur();
        }}
      />
    </div>
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
  // Each row's field decides which values its box suggests.
  const conditions = useWatch({ control, name: "eventFilter" });
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
        Pick values from the suggestions or type your own; press Enter or a comma after each.
      </p>
      {Object.values(SUGGESTIONS).map(({ listId, values }) => (
        <datalist key={listId} id={listId}>
          {values.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      ))}
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
                            {FILTER_OPERATOR_WORDS[op]}
                          </option>
                        ))}
                      </select>
                    )}
                  />
                </div>
                <div className="col-span-2 min-w-0 sm:col-span-1">
                  <label htmlFor={`${base}-values`} className="sr-only">
                    Condition {index + 1} values
                  </label>
                  <Controller
                    control={control}
                    name={`eventFilter.${index}.values`}
                    render={({ field }) => (
                      <ValuesInput
                        id={`${base}-values`}
                        label={`Condition ${index + 1} values`}
                        field={conditions?.[index]?.field ?? "event_type"}
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
