import { useMutation, useQueryClient } from "@tanstack/react-query";
import { userKeys } from "@/components/access/user-keys";
import { patchUser } from "@/components/access/users-api";
import type { TRole } from "@/lib/auth/caller";

/** Changes a user's role or sets a new password. */
export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: { id: string; role?: TRole; password?: string }) => patchUser(id, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
