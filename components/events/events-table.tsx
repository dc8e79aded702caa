"use client";

import { Fragment, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { DataTable, Td, type TColumn } from "@/components/ui/data-table";
import { formatLocalTime } from "@/components/ui/format-time";
import { EventRecord } from "@/components/events/event-record";
import { eventDate, summarizeEvent } from "@/components/events/event-summary";
import type { TEventView } from "@/lib/feeds/event-view";

const COLUMNS: readonly TColumn[] = [
  { key: "time", label: "Time" },
  { key: "type", label: "Type" },
  { key: "subType", label: "Sub-Type" },
  { key: "summary", label: "Summary" },
  { key: "details", label: "Details", isLabelHidden: true },
];

function EventTime({ record }: { record: Record<string, string> }) {
  const date = eventDate(record);
  if (!date) return <>{record.time_str || "—"}</>;
  return <time dateTime={date.toISOString()}>{formatLocalTime(date)}</time>;
}

export function EventsTable({
  events,
  emptyMessage,
  isBusy,
  onOpenRecordsChange,
}: {
  events: TEventView[];
  emptyMessage: string;
  isBusy: boolean;
  /** How many records are open, so that the page can hold still while one is read. */
  onOpenRecordsChange?: (count: number) => void;
}) {
  // Markers are unique across pages, so a row stays open while the list refreshes around it.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // Only records on screen count: one opened under another filter no longer holds the page.
  const openOnScreen = events.filter((event) => expanded.has(event.marker)).length;
  useEffect(() => onOpenRecordsChange?.(openOnScreen), [openOnScreen, onOpenRecordsChange]);

  function toggle(marker: string) {
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(marker)) next.add(marker);
      return next;
    });
  }

  return (
    <DataTable
      caption="Events"
      columns={COLUMNS}
      isBusy={isBusy}
      isEmpty={events.length === 0}
      emptyMessage={emptyMessage}
    >
      {events.map((event) => {
        const isExpanded = expanded.has(event.marker);
        const detailsId = `event-${event.marker}-record`;
        const [headline, ...rest] = summarizeEvent(event.record);
        return (
          <Fragment key={event.marker}>
            <tr>
              <Td className="whitespace-nowrap">
                <EventTime record={event.record} />
              </Td>
              <Td className="whitespace-nowrap">{event.eventType}</Td>
              <Td className="whitespace-nowrap">{event.eventSubType || <span className="text-slate-600">—</span>}</Td>
              <Td className="w-full min-w-64 break-words [overflow-wrap:anywhere]">
                {headline ? <div className="font-medium">{headline}</div> : null}
                {rest.map((line, index) => (
                  <div key={index} className="text-xs text-slate-700">
                    {line}
                  </div>
                ))}
              </Td>
              <Td className="text-right whitespace-nowrap">
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
                  {isExpanded ? "Hide details" : "Show details"}
                </Button>
              </Td>
            </tr>
            {isExpanded ? (
              <tr>
                <td colSpan={COLUMNS.length} className="bg-slate-50/50 px-3 pt-2 pb-4">
                  <EventRecord event={event} id={detailsId} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        );
      })}
    </DataTable>
  );
}
