import { useQuery } from "@tanstack/react-query";
import { integrationKeys } from "@/components/integrations/integration-keys";
import { fetchIntegrations } from "@/components/integrations/integrations-api";

export const INTEGRATIONS_REFRESH_MS = 5_000;

export function useListIntegrations() {
  return useQuery({
    queryKey: integrationKeys.list(),
    queryFn: ({ signal }) => fetchIntegrations(signal),
    refetchInterval: INTEGRATIONS_REFRESH_MS,
  });
}
