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
 * A condition's values as chips. A value becomes a chip when picked from the suggestions, or
 * with Enter or a comma; each chip has its own remove button. What is still being typed counts
 * as a value too, so Save never loses it, and leaving the box changes nothing on screen (a
 * chip appearing on blur would move what the pointer was about to click).
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
  // The values of the text being typed, as last put at the end of the form's list.
  const [typed, setTyped] = useState<string[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const suggestions = SUGGESTIONS[field];
  const endsWithTyped =
    typed.length <= value.length && typed.every((v, i) => value[value.length - typed.length + i] === v);
  const chips = endsWithTyped ? value.slice(0, value.length - typed.length) : value;
  // "security" becomes the known "Security": the filter compares values exactly.
  const known = (v: string) => suggestions.values.find((s) => s.toLowerCase() === v.toLowerCase()) ?? v;
  const update = (nextChips: string[], nextText: string) => {
    const unique = [...new Set(nextChips.map(known))];
    const pending = [...new Set(splitValues(nextText).map(known))].filter((v) => !unique.includes(v));
    setText(nextText);
    setTyped(pending);
    onChange([...unique, ...pending]);
  };
  const commit = (extra: string) => update([...chips, ...splitValues(extra)], "");
  return (
    <div
      className={`flex min-h-9 flex-wrap items-center gap-1 rounded border bg-white px-1 py-1 ${
        invalid ? "border-red-600" : "border-slate-300"
      }`}
    >
      <ul aria-label={`Chosen values, ${label.toLowerCase()}`} className="flex max-w-full flex-wrap gap-1">
        {chips.map((v, i) => (
          <li key={v} className="inline-flex max-w-full items-center rounded bg-slate-100 text-xs text-slate-900">
            <span className="px-2 py-0.5 break-all">{v}</span>
            <button
              type="button"
              className="rounded px-1.5 py-0.5 text-slate-700 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-brand"
              aria-label={`Remove ${v} from ${label.toLowerCase()}`}
              onClick={() => {
                update(
                  chips.filter((x) => x !== v),
                  text,
                );
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
        placeholder={chips.length === 0 ? "Choose or type a value" : "Add another"}
        autoComplete="off"
        aria-invalid={invalid || undefined}
        aria-describedby={describedById}
        onChange={(e) => {
          const next = e.target.value;
          // A value picked from the suggestions is taken at once.
          if (suggestions.values.includes(next)) {
            commit(next);
          } else if (next.includes(",")) {
            const parts = next.split(",");
            update([...chips, ...splitValues(parts.slice(0, -1).join(","))], parts.at(-1)!.trimStart());
          } else {
            update(chips, next);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            commit(text);
          } else if (e.key === "Backspace" && text === "" && chips.length > 0) {
            update(chips.slice(0, -1), "");
          }
        }}
        onBlur={onBlur}
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
                        label={`Condition ${index + 1}`}
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
