import { useMutation, useQueryClient } from "@tanstack/react-query";
import { integrationKeys } from "@/components/integrations/integration-keys";
import { patchIntegration } from "@/components/integrations/integrations-api";

/** Pauses (paused: true) or resumes (paused: false) an integration's delivery. */
export function usePauseIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, paused }: { id: string; paused: boolean }) => patchIntegration(id, { paused }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: integrationKeys.all }),
  });
}
