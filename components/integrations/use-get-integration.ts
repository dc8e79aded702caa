import { useQuery } from "@tanstack/react-query";
import { integrationKeys } from "@/components/integrations/integration-keys";
import { fetchIntegration } from "@/components/integrations/integrations-api";
import { ApiError } from "@/lib/api-client";

export const INTEGRATION_REFRESH_MS = 3_000;

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export function useGetIntegration(id: string) {
  return useQuery({
    queryKey: integrationKeys.detail(id),
    queryFn: ({ signal }) => fetchIntegration(id, signal),
    // A deleted or mistyped id stays gone: no retry, no polling.
    retry: (failures, error) => !isNotFound(error) && failures < 1,
    refetchInterval: (query) => (isNotFound(query.state.error) ? false : INTEGRATION_REFRESH_MS),
  });
}
