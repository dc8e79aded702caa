import type { TSort } from "@/components/ui/data-table";
import type { TIntegration, TIntegrationStatus } from "@/lib/integrations/schema";

export const SORT_KEYS = ["name", "status", "lastDelivered"] as const;
export type TSortKey = (typeof SORT_KEYS)[number];

export function isSortKey(value: string | null): value is TSortKey {
  return value !== null && (SORT_KEYS as readonly string[]).includes(value);
}

/** Most urgent first when ascending: what needs attention comes to the top. */
const STATUS_RANK: Record<TIntegrationStatus, number> = { error: 0, retrying: 1, pending: 2, paused: 3, healthy: 4 };

/** The Ingestion URL's host (and port, when not the scheme's default), as the table shows it. */
export function ingestionHost(ingestionUrl: string): string {
  try {
    return new URL(ingestionUrl).host;
  } catch {
    return ingestionUrl;
  }
}

type TSearchable = Pick<TIntegration, "name" | "description" | "ingestionUrl">;

/** Whether every word of the search appears in the name, the description or the Ingestion URL, in any case. */
export function matchesSearch(integration: TSearchable, search: string): boolean {
  const words = search.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [integration.name, integration.description, integration.ingestionUrl].join("\n").toLocaleLowerCase();
  return words.every((word) => text.includes(word));
}

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

type TSortable = Pick<TIntegration, "name" | "status" | "lastDeliveredAt">;

function compareBy(key: TSortKey, a: TSortable, b: TSortable): number {
  switch (key) {
    case "name":
      return collator.compare(a.name, b.name);
    case "status":
      return STATUS_RANK[a.status] - STATUS_RANK[b.status];
    case "lastDelivered":
      // Never delivered counts as the oldest.
      return (
        (a.lastDeliveredAt ? Date.parse(a.lastDeliveredAt) : 0) -
        (b.lastDeliveredAt ? Date.parse(b.lastDeliveredAt) : 0)
      );
  }
}

/** The rows to show: those matching the search, in the chosen order (ties by name), else as the API lists them. */
export function viewIntegrations<T extends TSearchable & TSortable>(
  integrations: readonly T[],
  search: string,
  sort: TSort<TSortKey> | null,
): T[] {
  const rows = integrations.filter((integration) => matchesSearch(integration, search));
  if (!sort) return rows;
  const sign = sort.direction === "ascending" ? 1 : -1;
  return rows.sort((a, b) => sign * compareBy(sort.key, a, b) || collator.compare(a.name, b.name));
}
