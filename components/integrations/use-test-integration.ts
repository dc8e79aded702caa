import { useMutation } from "@tanstack/react-query";
import { postIntegrationTest } from "@/components/integrations/integrations-api";

/**
 * Tests a destination: a new one when no id is given, otherwise the saved integration
 * with the changes in the input. A test changes nothing stored, so nothing is invalidated.
 */
export function useTestIntegration(id: string | null) {
  return useMutation({
    mutationFn: (input: Record<string, unknown>) => postIntegrationTest(id, input),
  });
}
