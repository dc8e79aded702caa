"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { EventsTable } from "@/components/events/events-table";
import { useListEvents } from "@/components/events/use-list-events";
import { EVENT_TYPES } from "@/lib/integrations/schema";
import { useDebouncedValue } from "@/lib/use-debounced-value";

const SUB_TYPE_EXAMPLES = ["Internet Firewall", "WAN Firewall", "IPS", "Anti Malware", "NG Anti Malware", "Connected"];
const SUB_TYPE_DEBOUNCE_MS = 300;

/** The Events page: filters, the table and paging through older events. */
export function RecentEvents() {
  const [type, setType] = useState("");
  const [subTypeText, setSubTypeText] = useState("");
  const subType = useDebouncedValue(subTypeText.trim(), SUB_TYPE_DEBOUNCE_MS);
  // The `before` markers of the pages behind the current one; empty on the first page.
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1) ?? null;
  const pageNumber = cursors.length + 1;

  const { data, error, isPending, isPlaceholderData } = useListEvents({ type, subType, before });
  const isFiltered = type !== "" || subType !== "";

  return (
    <section aria-label="Recent events">
      <div className="mb-2 flex flex-wrap items-start gap-4">
        <div className="w-56">
          <Field id="event-type" label="Event Type">
            <select
              id="event-type"
              className={inputClass}
              value={type}
              onChange={(e) => {
                setType(e.target.value);
                setCursors([]);
              }}
            >
              <option value="">All</option>
              {EVENT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="w-64">
          <Field id="event-sub-type" label="Event Sub-Type" hint="Exact name, such as Internet Firewall.">
            <input
              id="event-sub-type"
              className={inputClass}
              value={subTypeText}
              list="event-sub-type-examples"
              autoComplete="off"
              {...describedBy("event-sub-type", true)}
              onChange={(e) => {
                setSubTypeText(e.target.value);
                setCursors([]);
              }}
            />
          </Field>
          <datalist id="event-sub-type-examples">
            {SUB_TYPE_EXAMPLES.map((example) => (
              <option key={example} value={example} />
            ))}
          </datalist>
        </div>
      </div>

      {isPending ? (
        <p className="text-sm text-slate-700">Loading events…</p>
      ) : error && !data ? (
        <p role="alert" className="text-sm text-red-700">
          The events could not be loaded: {error.message}
        </p>
      ) : (
        <>
          {error ? (
            <p role="alert" className="mb-2 text-sm text-red-700">
              The events could not be refreshed: {error.message}
            </p>
          ) : null}
          <EventsTable
            events={data.events}
            isBusy={isPlaceholderData}
            emptyMessage={
              data.nextBefore
                ? "No events match among those searched on this page; Older searches further back."
                : isFiltered
                  ? "No events match."
                  : "No events yet."
            }
          />
          <nav aria-label="Event pages" className="mt-3 flex items-center gap-3">
            <Button
              variant="secondary"
              disabled={pageNumber === 1}
              onClick={() => setCursors((current) => current.slice(0, -1))}
            >
              Newer
            </Button>
            <p className="text-sm text-slate-700" aria-live="polite">
              Page {pageNumber}
              {pageNumber === 1 ? " · newest events, refreshed every 5 seconds" : null}
            </p>
            <Button
              variant="secondary"
              // While a page loads, nextBefore still belongs to the page before it.
              disabled={!data.nextBefore || isPlaceholderData}
              onClick={() => {
                const next = data.nextBefore;
                if (next) setCursors((current) => [...current, next]);
              }}
            >
              Older
            </Button>
          </nav>
        </>
      )}
    </section>
  );
}
