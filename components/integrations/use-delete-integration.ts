import { useMutation, useQueryClient } from "@tanstack/react-query";
import { integrationKeys } from "@/components/integrations/integration-keys";
import { removeIntegration } from "@/components/integrations/integrations-api";

export function useDeleteIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => removeIntegration(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: integrationKeys.all }),
  });
}
