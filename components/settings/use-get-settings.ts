import { useQuery } from "@tanstack/react-query";
import { settingsKeys } from "@/components/settings/settings-keys";
import { fetchSettings } from "@/components/settings/settings-api";

export function useGetSettings() {
  return useQuery({
    queryKey: settingsKeys.detail(),
    queryFn: ({ signal }) => fetchSettings(signal),
    // Read from the environment at start-up: it changes only with a restart.
    staleTime: Infinity,
  });
}
