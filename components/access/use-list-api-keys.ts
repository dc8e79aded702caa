import { useQuery } from "@tanstack/react-query";
import { apiKeyKeys } from "@/components/access/api-key-keys";
import { fetchApiKeys } from "@/components/access/api-keys-api";

export function useListApiKeys() {
  return useQuery({
    queryKey: apiKeyKeys.list(),
    queryFn: ({ signal }) => fetchApiKeys(signal),
  });
}
