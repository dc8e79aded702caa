import { useQuery } from "@tanstack/react-query";
import { fetchCatoAccount } from "@/components/cato/cato-account-api";
import { catoAccountKeys } from "@/components/cato/cato-account-keys";

/** The account and its poller's status, refreshed every 5 seconds like the integrations table. */
export function useGetCatoAccount() {
  return useQuery({
    queryKey: catoAccountKeys.detail(),
    queryFn: ({ signal }) => fetchCatoAccount(signal),
    refetchInterval: 5000,
  });
}
