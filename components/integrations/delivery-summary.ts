import { formatAge } from "@/components/ui/format-time";
import type { TIntegration, TLag, TSourceDelivery } from "@/lib/integrations/schema";

export type TSource = "events" | "flows" | "audit";

/** In the order the console lists them. */
export const SOURCES: readonly TSource[] = ["events", "flows", "audit"];

export const SOURCE_LABELS: Record<TSource, string> = { events: "Events", flows: "Flows", audit: "Audit Trail" };

export function isSource(source: string): source is TSource {
  return (SOURCES as readonly string[]).includes(source);
}

const numberFormat = new Intl.NumberFormat();
const BYTE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte", "petabyte"] as const;

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

export function formatRecords(n: number): string {
  return `${numberFormat.format(n)} ${n === 1 ? "record" : "records"}`;
}

/** Decimal units (1 kB = 1000 bytes), as Splunk's license usage counts them. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${numberFormat.format(value)} ${value === 1 ? "byte" : "bytes"}`;
  return new Intl.NumberFormat(undefined, {
    style: "unit",
    unit: BYTE_UNITS[unit],
    unitDisplay: "short",
    maximumFractionDigits: value >= 100 ? 0 : 1,
  }).format(value);
}

/** "0 behind", "1,200 behind · 8 s"; the age is that of the oldest record not yet delivered. */
export function formatLag(lag: TLag): string {
  const behind = `${numberFormat.format(lag.records)} behind`;
  return lag.records > 0 && lag.oldestAgeSeconds !== null ? `${behind} · ${formatAge(lag.oldestAgeSeconds)}` : behind;
}

/** The enabled data sources that have a delivery, in a fixed order. */
export function deliveriesOf(integration: TIntegration): [TSource, TSourceDelivery][] {
  return SOURCES.flatMap((source) => {
    const delivery = integration.delivery[source];
    return delivery ? [[source, delivery] as [TSource, TSourceDelivery]] : [];
  });
}

export type TDeliverySummary = {
  records: number;
  bytes: number;
  /** Null when no source's lag is known (Redis unreachable, or delivery not started). */
  lag: TLag | null;
  /** The last error of the failing sources; null unless one is retrying or in error. */
  lastErrorAt: string | null;
};

/** The integration's delivery across its data sources, for the table's one line. */
export function summariseDelivery(integration: TIntegration): TDeliverySummary {
  const sources = deliveriesOf(integration).map(([, delivery]) => delivery);
  const lags = sources.map((d) => d.lag).filter((lag): lag is TLag => lag !== null);
  const ages = lags.map((lag) => lag.oldestAgeSeconds).filter((age): age is number => age !== null);
  const errorTimes = sources
    .filter((d) => d.status === "retrying" || d.status === "error")
    .map((d) => d.lastErrorAt)
    .filter((at): at is string => at !== null);
  return {
    records: sources.reduce((sum, d) => sum + d.deliveredRecords, 0),
    bytes: sources.reduce((sum, d) => sum + d.deliveredBytes, 0),
    lag:
      lags.length === 0
        ? null
        : {
            records: lags.reduce((sum, lag) => sum + lag.records, 0),
            oldestAgeSeconds: ages.length === 0 ? null : Math.max(...ages),
          },
    // ISO times in UTC sort as text.
    lastErrorAt: errorTimes.sort().at(-1) ?? null,
  };
}
