"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useGetEvent } from "@/components/events/use-get-event";
import type { TEventView } from "@/lib/feeds/event-view";

const numberFormat = new Intl.NumberFormat();
const preClass =
  "max-h-80 overflow-auto whitespace-pre-wrap break-all rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-brand";

/** The whole event, fetched only once asked for; asking again after a failure retries. */
function useFullEvent(marker: string, isWanted = true) {
  const [isFullRequested, setIsFullRequested] = useState(false);
  const full = useGetEvent(marker, { enabled: isFullRequested && isWanted });
  const request = () => {
    if (full.isFetching) return;
    if (isFullRequested) void full.refetch();
    else setIsFullRequested(true);
  };
  return { full, isFullRequested, request };
}

function LoadFullButton({
  full,
  request,
  idle,
  loading,
}: {
  full: { isFetching: boolean };
  request: () => void;
  idle: string;
  loading: string;
}) {
  return (
    <Button
      variant="secondary"
      className="py-0.5 text-xs"
      // Not `disabled`, which would drop keyboard focus to the page while loading.
      aria-disabled={full.isFetching || undefined}
      onClick={request}
    >
      {full.isFetching ? loading : idle}
    </Button>
  );
}

/**
 * The record of an expanded row: every field, by name. The list carries a record cut to
 * a few kilobytes; when it was cut, the whole record is fetched on demand.
 */
export function EventRecord({ event: listed, id }: { event: TEventView; id: string }) {
  const { full, request } = useFullEvent(listed.marker, listed.isRecordTruncated);
  const event = listed.isRecordTruncated && full.data ? full.data : listed;
  const fields = Object.keys(event.record).sort();
  return (
    <div id={id}>
      {event.isRecordTruncated ? (
        <div className="mb-2 flex flex-wrap items-center gap-2">
          <p className="text-xs text-slate-700">
            This record is large: long values are shortened and some fields left out.
          </p>
          <LoadFullButton
            full={full}
            request={request}
            idle="Show the full record"
            loading="Loading the full record…"
          />
          {full.error ? (
            <p role="alert" className="text-xs font-medium text-red-700">
              The full record could not be loaded: {full.error.message}
            </p>
          ) : null}
        </div>
      ) : null}
      <RecordFields event={event} id={id} fields={fields} />
    </div>
  );
}

function RecordFields({ event, id, fields }: { event: TEventView; id: string; fields: string[] }) {
  return (
    <dl className="grid grid-cols-[minmax(8rem,max-content)_1fr] gap-x-4 gap-y-1 text-sm">
      {fields.map((field, index) => {
        // Field names may hold spaces, which an id reference cannot.
        const termId = `${id}-field-${index}`;
        return (
          <div key={field} className="contents">
            <dt id={termId} className="font-mono text-xs leading-5 text-slate-600">
              {field}
            </dt>
            <dd className="min-w-0 break-words">
              {field === "raw_data" ? (
                <RawData event={event} termId={termId} />
              ) : event.record[field] === "" ? (
                <span className="text-slate-600">(empty)</span>
              ) : (
                event.record[field]
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

// React's autoFocus only applies to form controls.
function focusOnMount(element: HTMLElement | null) {
  element?.focus();
}

/** raw_data can run to megabytes: the list carries its start, the rest is fetched on demand. */
function RawData({ event, termId }: { event: TEventView; termId: string }) {
  const { full, isFullRequested, request } = useFullEvent(event.marker);
  const fullRawData = full.data?.record.raw_data;

  if (fullRawData !== undefined) {
    return (
      <>
        <p className="mb-1 text-xs text-slate-600">
          Full raw_data: {numberFormat.format(fullRawData.length)} characters
        </p>
        {/* Focus follows the button that asked for it, which is gone now; focusable also lets the keyboard scroll it. */}
        <pre
          role="region"
          aria-labelledby={termId}
          tabIndex={0}
          ref={isFullRequested ? focusOnMount : undefined}
          className={preClass}
        >
          {fullRawData}
        </pre>
      </>
    );
  }

  const preview = event.record.raw_data ?? "";
  return (
    <>
      {event.isRawDataTruncated ? (
        <div className="mb-1 flex flex-wrap items-center gap-2">
          <p className="text-xs text-slate-700">
            raw_data truncated: showing {numberFormat.format(preview.length)} of{" "}
            {numberFormat.format(event.rawDataLength)} characters
          </p>
          <LoadFullButton full={full} request={request} idle="Show full raw_data" loading="Loading full raw_data…" />
        </div>
      ) : null}
      {full.error ? (
        <p role="alert" className="mb-1 text-xs font-medium text-red-700">
          The full raw_data could not be loaded: {full.error.message}
        </p>
      ) : null}
      {/* Focusable so that the keyboard can scroll it. */}
      <pre role="region" aria-labelledby={termId} tabIndex={0} className={preClass}>
        {preview}
      </pre>
    </>
  );
}
