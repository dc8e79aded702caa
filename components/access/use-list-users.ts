import { useQuery } from "@tanstack/react-query";
import { userKeys } from "@/components/access/user-keys";
import { fetchUsers } from "@/components/access/users-api";

export function useListUsers() {
  return useQuery({
    queryKey: userKeys.list(),
    queryFn: ({ signal }) => fetchUsers(signal),
  });
}
