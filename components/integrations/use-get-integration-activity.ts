import { useQuery } from "@tanstack/react-query";
import { integrationKeys } from "@/components/integrations/integration-keys";
import { fetchIntegrationActivity } from "@/components/integrations/integrations-api";
import { INTEGRATION_REFRESH_MS, isNotFound } from "@/components/integrations/use-get-integration";

export function useGetIntegrationActivity(id: string) {
  return useQuery({
    queryKey: integrationKeys.activity(id),
    queryFn: ({ signal }) => fetchIntegrationActivity(id, signal),
    retry: (failures, error) => !isNotFound(error) && failures < 1,
    refetchInterval: (query) => (isNotFound(query.state.error) ? false : INTEGRATION_REFRESH_MS),
  });
}
