import { useQuery } from "@tanstack/react-query";
import { eventKeys } from "@/components/events/event-keys";
import { fetchEvent } from "@/components/events/events-api";

/** The full, untruncated record; fetched only once asked for, since raw_data can be megabytes. */
export function useGetEvent(marker: string, { enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: eventKeys.detail(marker),
    queryFn: ({ signal }) => fetchEvent(marker, signal),
    enabled,
    // A record never changes once appended.
    staleTime: Infinity,
  });
}
