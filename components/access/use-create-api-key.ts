import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiKeyKeys } from "@/components/access/api-key-keys";
import { postApiKey } from "@/components/access/api-keys-api";

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: unknown) => postApiKey(input),
    // The reply holds the key itself: drop it from the mutation cache as soon as nothing shows it.
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
