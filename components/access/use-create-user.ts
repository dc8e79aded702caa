import { useMutation, useQueryClient } from "@tanstack/react-query";
import { userKeys } from "@/components/access/user-keys";
import { postUser } from "@/components/access/users-api";

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: unknown) => postUser(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
