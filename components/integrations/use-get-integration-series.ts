import { useQuery } from "@tanstack/react-query";
import { integrationKeys } from "@/components/integrations/integration-keys";
import { fetchIntegrationSeries } from "@/components/integrations/integrations-api";
import { isNotFound } from "@/components/integrations/use-get-integration";

/** The series move by the minute; every 10 s keeps the current minute's bar fresh. */
export const SERIES_REFRESH_MS = 10_000;

export function useGetIntegrationSeries(id: string) {
  return useQuery({
    queryKey: integrationKeys.series(id),
    queryFn: ({ signal }) => fetchIntegrationSeries(id, signal),
    retry: (failures, error) => !isNotFound(error) && failures < 1,
    refetchInterval: (query) => (isNotFound(query.state.error) ? false : SERIES_REFRESH_MS),
  });
}
