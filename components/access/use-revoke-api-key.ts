import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiKeyKeys } from "@/components/access/api-key-keys";
import { revokeApiKey } from "@/components/access/api-keys-api";

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => revokeApiKey(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
