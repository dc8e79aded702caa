import type { TEventListParams } from "@/components/events/event-keys";
import { requestJson } from "@/lib/api-client";
import type { TEventView } from "@/lib/feeds/event-view";

export type TEventPage = { events: TEventView[]; nextBefore: string | null };

export function fetchEvents(params: TEventListParams, signal?: AbortSignal): Promise<TEventPage> {
  const search = new URLSearchParams();
  if (params.type) search.set("type", params.type);
  if (params.subType) search.set("subType", params.subType);
  if (params.before) search.set("before", params.before);
  const query = search.toString();
  return requestJson<TEventPage>(query ? `/api/events?${query}` : "/api/events", { signal });
}

export function fetchEvent(marker: string, signal?: AbortSignal): Promise<TEventView> {
  return requestJson<TEventView>(`/api/events/${encodeURIComponent(marker)}`, { signal });
}
