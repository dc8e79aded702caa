import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { eventKeys, type TEventListParams } from "@/components/events/event-keys";
import { fetchEvents } from "@/components/events/events-api";

export const EVENTS_REFRESH_MS = 5_000;

export function useListEvents(params: TEventListParams) {
  return useQuery({
    queryKey: eventKeys.list(params),
    queryFn: ({ signal }) => fetchEvents(params, signal),
    // Only the first page gains events; an older page stays as it is until the feed trims it.
    refetchInterval: params.before ? false : EVENTS_REFRESH_MS,
    // The next refresh is the retry: a failure shows at once instead of after a second wait.
    retry: false,
    // Keeps the rows on screen while the next page or filter loads, instead of a flash of "Loading".
    placeholderData: keepPreviousData,
  });
}
