import { useQuery } from "@tanstack/react-query";
import { fetchWorkers } from "@/components/health/health-api";
import { healthKeys } from "@/components/health/health-keys";

export const WORKERS_REFRESH_MS = 10_000;

export function useGetWorkers() {
  return useQuery({
    queryKey: healthKeys.workers(),
    queryFn: ({ signal }) => fetchWorkers(signal),
    refetchInterval: WORKERS_REFRESH_MS,
  });
}
