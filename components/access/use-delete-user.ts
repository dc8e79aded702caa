import { useMutation, useQueryClient } from "@tanstack/react-query";
import { userKeys } from "@/components/access/user-keys";
import { removeUser } from "@/components/access/users-api";

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => removeUser(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
