"use client";

import { Fragment, useState } from "react";
import { Button } from "@/components/ui/button";
import { EventRecord } from "@/components/events/event-record";
import { eventDate, summarizeEvent } from "@/components/events/event-summary";
import type { TEventView } from "@/lib/feeds/event-view";

const th = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
const td = "px-3 py-2 align-top text-sm";
const COLUMNS = 5;

function EventTime({ record }: { record: Record<string, string> }) {
  const date = eventDate(record);
  if (!date) return <>{record.time_str || "—"}</>;
  return (
    <time dateTime={date.toISOString()}>
      {date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" })}
    </time>
  );
}

export function EventsTable({
  events,
  emptyMessage,
  isBusy,
}: {
  events: TEventView[];
  emptyMessage: string;
  isBusy: boolean;
}) {
  // Markers are unique across pages, so a row stays open while the list refreshes around it.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  function toggle(marker: string) {
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(marker)) next.add(marker);
      return next;
    });
  }

  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table aria-busy={isBusy || undefined} className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">Events</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={th}>
              Time
            </th>
            <th scope="col" className={th}>
              Type
            </th>
            <th scope="col" className={th}>
              Sub-Type
            </th>
            <th scope="col" className={th}>
              Summary
            </th>
            <th scope="col" className={th}>
              <span className="sr-only">Details</span>
            </th>
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-100 ${isBusy ? "opacity-60" : ""}`}>
          {events.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS} className="px-3 py-8 text-center text-sm text-slate-700">
                {emptyMessage}
              </td>
            </tr>
          ) : (
            events.map((event) => {
              const isExpanded = expanded.has(event.marker);
              const detailsId = `event-${event.marker}-record`;
              const [headline, ...rest] = summarizeEvent(event.record);
              return (
                <Fragment key={event.marker}>
                  <tr>
                    <td className={`${td} whitespace-nowrap`}>
                      <EventTime record={event.record} />
                    </td>
                    <td className={`${td} whitespace-nowrap`}>{event.eventType}</td>
                    <td className={`${td} whitespace-nowrap`}>
                      {event.eventSubType || <span className="text-slate-600">—</span>}
                    </td>
                    <td className={`${td} w-full min-w-64 break-words`}>
                      {headline ? <div className="font-medium">{headline}</div> : null}
                      {rest.map((line, index) => (
                        <div key={index} className="text-xs text-slate-700">
                          {line}
                        </div>
                      ))}
                    </td>
                    <td className={`${td} whitespace-nowrap text-right`}>
                      <Button
                        variant="ghost"
                        aria-expanded={isExpanded}
                        aria-controls={isExpanded ? detailsId : undefined}
                        onClick={() => toggle(event.marker)}
                      >
                        <span
                          aria-hidden="true"
                          className={`mr-1 inline-block transition-transform ${isExpanded ? "rotate-90" : ""}`}
                        >
                          ▸
                        </span>
                        Show details
                      </Button>
                    </td>
                  </tr>
                  {isExpanded ? (
                    <tr>
                      <td colSpan={COLUMNS} className="bg-slate-50/50 px-3 pb-4 pt-2">
                        <EventRecord event={event} id={detailsId} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
