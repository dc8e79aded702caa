import { useMutation, useQueryClient } from "@tanstack/react-query";
import { deleteCatoAccount, putCatoAccount } from "@/components/cato/cato-account-api";
import { catoAccountKeys } from "@/components/cato/cato-account-keys";

export function useSaveCatoAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: unknown) => putCatoAccount(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: catoAccountKeys.all }),
  });
}

export function useDeleteCatoAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteCatoAccount(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: catoAccountKeys.all }),
  });
}
