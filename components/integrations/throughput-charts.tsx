"use client";

import type { ReactNode } from "react";
import {
  formatCount,
  formatRecords,
  SOURCE_LABELS,
  SOURCES,
  type TSource,
} from "@/components/integrations/delivery-summary";
import { useGetIntegrationSeries } from "@/components/integrations/use-get-integration-series";
import type { TIntegrationSeries } from "@/lib/delivery/series";

/** Colours with at least 3:1 contrast on white; flows' line is dashed and audit's dotted, so colour is not the only cue. */
const SOURCE_STYLE: Record<TSource, { color: string; dash?: string }> = {
  events: { color: "#0b5cad" },
  flows: { color: "#b45309", dash: "4 3" },
  audit: { color: "#7c3aed", dash: "1 2" },
};

// Drawing units; the SVG stretches to its box, strokes keep their width.
const WIDTH = 600;
const HEIGHT = 120;

/** A round axis maximum at or above the peak: 1, 2 or 5 times a power of ten. */
export function niceMax(peak: number): number {
  if (peak <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(peak));
  const nice = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= peak);
  return nice ?? 10 * power;
}

function sourcesOf(series: TIntegrationSeries): TSource[] {
  return SOURCES.filter((source) => series.delivered[source] || series.lag[source]);
}

function Legend({ sources, shape }: { sources: TSource[]; shape: "bar" | "line" }) {
  return (
    <ul className="mt-2 flex flex-wrap gap-4 text-xs text-slate-700" aria-hidden="true">
      {sources.map((source) => (
        <li key={source} className="flex items-center gap-1.5">
          <svg width={16} height={10} viewBox="0 0 16 10">
            {shape === "bar" ? (
              <rect x={3} y={0} width={10} height={10} fill={SOURCE_STYLE[source].color} />
            ) : (
              <line
                x1={0}
                x2={16}
                y1={5}
                y2={5}
                stroke={SOURCE_STYLE[source].color}
                strokeWidth={2}
                strokeDasharray={SOURCE_STYLE[source].dash}
              />
            )}
          </svg>
          {SOURCE_LABELS[source]}
        </li>
      ))}
    </ul>
  );
}

/**
 * A chart in a figure: the caption names it and summarises it in words, which is what
 * a screen reader reads; the drawing and its axis labels are for the eye only.
 */
function Chart({
  title,
  summary,
  max,
  legend,
  children,
}: {
  title: string;
  summary: string;
  max: number;
  legend: ReactNode;
  children: ReactNode;
}) {
  return (
    <figure className="rounded border border-slate-200 bg-white p-4">
      <figcaption className="mb-2">
        <span className="block font-semibold">{title}</span>
        <span className="block text-xs text-slate-700">{summary}</span>
      </figcaption>
      <div aria-hidden="true">
        <div className="flex gap-2">
          <div className="flex w-12 shrink-0 flex-col justify-between text-right text-xs text-slate-600">
            <span>{formatCount(max)}</span>
            <span>0</span>
          </div>
          <svg
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            preserveAspectRatio="none"
            className="h-32 w-full min-w-0 border-b border-l border-slate-300"
          >
            <line
              x1={0}
              x2={WIDTH}
              y1={0.5}
              y2={0.5}
              stroke="#e2e8f0"
              strokeWidth={1}
              vectorEffect="non-scaling-stroke"
            />
            {children}
          </svg>
        </div>
        <div className="ml-14 flex justify-between text-xs text-slate-600">
          <span>60 min ago</span>
          <span>now</span>
        </div>
      </div>
      {legend}
    </figure>
  );
}

function deliveredSummary(series: TIntegrationSeries, sources: TSource[]): string {
  return sources
    .map((source) => {
      const values = series.delivered[source] ?? [];
      const total = values.reduce((sum, n) => sum + n, 0);
      const peak = Math.max(0, ...values);
      const current = values.at(-1) ?? 0;
      return `${SOURCE_LABELS[source]}: ${formatRecords(total)} in the last hour, peak ${formatCount(peak)} a minute, ${formatCount(current)} this minute.`;
    })
    .join(" ");
}

function DeliveredChart({ series, sources }: { series: TIntegrationSeries; sources: TSource[] }) {
  const count = series.minutes.length;
  const totals = series.minutes.map((_, i) => sources.reduce((sum, s) => sum + (series.delivered[s]?.[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = WIDTH / count;
  const y = (v: number) => (HEIGHT * v) / max;
  return (
    <Chart
      title="Records delivered per minute (last hour)"
      summary={deliveredSummary(series, sources)}
      max={max}
      legend={<Legend sources={sources} shape="bar" />}
    >
      {series.minutes.map((minute, i) => {
        let base = 0;
        return sources.map((source) => {
          const value = series.delivered[source]?.[i] ?? 0;
          if (value <= 0) return null;
          const height = y(value);
          base += height;
          return (
            <rect
              key={`${minute}-${source}`}
              x={i * slot + slot * 0.1}
              width={slot * 0.8}
              y={HEIGHT - base}
              height={height}
              fill={SOURCE_STYLE[source].color}
            />
          );
        });
      })}
    </Chart>
  );
}

function lagSummary(series: TIntegrationSeries, sources: TSource[]): string {
  return sources
    .map((source) => {
      const sampled = (series.lag[source] ?? []).filter((v): v is number => v !== null);
      if (sampled.length === 0) return `${SOURCE_LABELS[source]}: no lag sampled in the last hour.`;
      const latest = sampled.at(-1)!;
      return `${SOURCE_LABELS[source]}: ${formatCount(latest)} behind at the last sample, at most ${formatCount(Math.max(...sampled))} in the last hour.`;
    })
    .join(" ");
}

/** Runs of consecutive sampled minutes; a missing sample breaks the line. */
function segments(values: readonly (number | null)[]): { index: number; value: number }[][] {
  const runs: { index: number; value: number }[][] = [];
  let run: { index: number; value: number }[] = [];
  values.forEach((value, index) => {
    if (value === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else {
      run.push({ index, value });
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

function LagChart({ series, sources }: { series: TIntegrationSeries; sources: TSource[] }) {
  const count = series.minutes.length;
  const sampled = sources.flatMap((s) => (series.lag[s] ?? []).filter((v): v is number => v !== null));
  const max = niceMax(Math.max(0, ...sampled));
  const slot = WIDTH / count;
  const x = (index: number) => index * slot + slot / 2;
  // One unit above the bottom, so that a lag of 0 shows as a line rather than under the axis.
  const y = (v: number) => HEIGHT - 1 - ((HEIGHT - 2) * v) / max;
  return (
    <Chart
      title="Lag (records behind the feed, last hour)"
      summary={lagSummary(series, sources)}
      max={max}
      legend={<Legend sources={sources} shape="line" />}
    >
      {sources.flatMap((source) =>
        segments(series.lag[source] ?? []).map((run) => {
          // A lone sample is drawn as a short dash one minute wide.
          const points =
            run.length === 1
              ? `${x(run[0]!.index) - slot / 2},${y(run[0]!.value)} ${x(run[0]!.index) + slot / 2},${y(run[0]!.value)}`
              : run.map((p) => `${x(p.index)},${y(p.value)}`).join(" ");
          return (
            <polyline
              key={`${source}-${run[0]!.index}`}
              points={points}
              fill="none"
              stroke={SOURCE_STYLE[source].color}
              strokeWidth={2}
              strokeDasharray={SOURCE_STYLE[source].dash}
              strokeLinejoin="round"
              vectorEffect="non-scaling-stroke"
            />
          );
        }),
      )}
    </Chart>
  );
}

/** The integration's last hour: records delivered per minute and lag, refreshed every 10 s. */
export function ThroughputCharts({ id }: { id: string }) {
  const { data, error, isPending } = useGetIntegrationSeries(id);
  let body: ReactNode;
  if (isPending) {
    body = <p className="text-sm text-slate-700">Loading the charts…</p>;
  } else if (!data) {
    body = (
      <p role="alert" className="text-sm text-red-700">
        The charts could not be loaded: {error?.message}
      </p>
    );
  } else {
    const sources = sourcesOf(data);
    body = (
      <div className="grid gap-4 lg:grid-cols-2">
        <DeliveredChart series={data} sources={sources} />
        <LagChart series={data} sources={sources} />
      </div>
    );
  }
  return (
    <section aria-labelledby="throughput-heading" className="mb-6">
      <h2 id="throughput-heading" className="mb-2 text-lg font-semibold">
        Last hour
      </h2>
      {body}
    </section>
  );
}
