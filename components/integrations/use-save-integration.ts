import { useMutation, useQueryClient } from "@tanstack/react-query";
import { integrationKeys } from "@/components/integrations/integration-keys";
import { patchIntegration, postIntegration } from "@/components/integrations/integrations-api";

/** Creates when no id is given, otherwise updates. */
export function useSaveIntegration(id: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: unknown) => (id ? patchIntegration(id, input) : postIntegration(input)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: integrationKeys.all }),
  });
}
