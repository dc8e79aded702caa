import { useMutation } from "@tanstack/react-query";
import { postCatoAccountTest } from "@/components/cato/cato-account-api";

export function useTestCatoAccount() {
  return useMutation({ mutationFn: (input: unknown) => postCatoAccountTest(input), gcTime: 0 });
}
