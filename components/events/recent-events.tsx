"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { EventsTable } from "@/components/events/events-table";
import { useListEvents } from "@/components/events/use-list-events";
import { EVENT_TYPES } from "@/lib/integrations/schema";
import type { TEventPage } from "@/components/events/events-api";
import type { TEventView } from "@/lib/feeds/event-view";
import { useDebouncedValue } from "@/lib/use-debounced-value";

const SUB_TYPE_EXAMPLES = ["Internet Firewall", "WAN Firewall", "IPS", "Anti Malware", "NG Anti Malware", "Connected"];
const SUB_TYPE_DEBOUNCE_MS = 300;
/** The API's page size when none is asked for. */
const EVENTS_PAGE_SIZE = 50;

/** How many events at the top of `latest` are not in `shown` (all of them, past a page). */
function countNewer(latest: readonly TEventView[], shown: readonly TEventView[]): number {
  const first = shown[0];
  if (!first) return latest.length;
  const index = latest.findIndex((event) => event.marker === first.marker);
  return index === -1 ? latest.length : index;
}

function formatNewCount(count: number): string {
  return `${count}${count >= EVENTS_PAGE_SIZE ? "+" : ""} new ${count === 1 ? "event" : "events"}`;
}

/** The Events page: filters, the table and paging through older events. */
export function RecentEvents() {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  // Type, sub-type and page start from the address, so that a view can be shared.
  const [type, setType] = useState(() => searchParams.get("type") ?? "");
  const [subTypeText, setSubTypeText] = useState(() => searchParams.get("subType") ?? "");
  const subType = useDebouncedValue(subTypeText.trim(), SUB_TYPE_DEBOUNCE_MS);
  // The `before` markers of the pages behind the current one; empty on the first page.
  const [cursors, setCursors] = useState<string[]>(() => {
    const before = searchParams.get("before");
    return before ? [before] : [];
  });
  const before = cursors.at(-1) ?? null;
  const pageNumber = cursors.length + 1;
  // Live: the first page follows the feed. Paused, or while a record is open, it holds
  // still and counts what arrived meanwhile, so nothing moves under the reader.
  const [isPaused, setIsPaused] = useState(false);
  const [openRecords, setOpenRecords] = useState(0);
  const isHeld = isPaused || openRecords > 0;

  useEffect(() => {
    const params = new URLSearchParams();
    if (type) params.set("type", type);
    if (subType) params.set("subType", subType);
    if (before) params.set("before", before);
    const query = params.toString();
    window.history.replaceState(null, "", query ? `${pathname}?${query}` : pathname);
  }, [pathname, type, subType, before]);

  const { data: latest, error, isPlaceholderData } = useListEvents({ type, subType, before });
  // The view taken when holding starts, for this filter and page only: another filter or
  // page shows its own events at once. Adjusted while rendering, as React recommends.
  const viewKey = JSON.stringify([type, subType, before]);
  const [held, setHeld] = useState<{ key: string; page: TEventPage } | undefined>(undefined);
  if (isHeld && latest && !isPlaceholderData && held?.key !== viewKey) setHeld({ key: viewKey, page: latest });
  if (!isHeld && held) setHeld(undefined);
  const heldPage = isHeld && held?.key === viewKey ? held.page : undefined;
  const data = heldPage ?? latest;
  const newCount = heldPage && latest ? countNewer(latest.events, heldPage.events) : 0;
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
          <Field
            id="event-sub-type"
            label="Event Sub-Type"
            hint="The whole name, in any case, such as internet firewall."
          >
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

      {!data ? (
        error ? (
          <p role="alert" className="text-sm text-red-700">
            The events could not be loaded: {error.message}
          </p>
        ) : (
          <p className="text-sm text-slate-700">Loading events…</p>
        )
      ) : (
        <>
          {error ? (
            <p role="alert" className="mb-2 text-sm text-red-700">
              The events could not be refreshed: {error.message}
            </p>
          ) : null}
          {pageNumber === 1 ? (
            <div className="mb-2 flex flex-wrap items-center gap-2">
              <Button variant="secondary" aria-pressed={isPaused} onClick={() => setIsPaused((paused) => !paused)}>
                {isPaused ? "Resume live updates" : "Pause live updates"}
              </Button>
              <p className="text-sm text-slate-700" aria-live="polite">
                {isHeld
                  ? `${isPaused ? "Paused" : "Held while a record is open"}${newCount > 0 ? `: ${formatNewCount(newCount)} since` : ""}.`
                  : "Live: newest events, refreshed every 5 seconds."}
              </p>
              {isHeld && newCount > 0 ? (
                <Button variant="ghost" onClick={() => latest && setHeld({ key: viewKey, page: latest })}>
                  Show {formatNewCount(newCount)}
                </Button>
              ) : null}
            </div>
          ) : null}
          <EventsTable
            onOpenRecordsChange={setOpenRecords}
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
