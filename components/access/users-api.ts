import { requestJson } from "@/lib/api-client";
import type { TUser } from "@/lib/auth/users";

const path = (id: string) => `/api/users/${encodeURIComponent(id)}`;

export async function fetchUsers(signal?: AbortSignal): Promise<TUser[]> {
  const body = await requestJson<{ users: TUser[] }>("/api/users", { signal });
  return body.users;
}

export function postUser(input: unknown): Promise<TUser> {
  return requestJson<TUser>("/api/users", { method: "POST", body: JSON.stringify(input) });
}

/** Changes the role or the password (a new password signs the user out everywhere). */
export function patchUser(id: string, input: unknown): Promise<TUser> {
  return requestJson<TUser>(path(id), { method: "PATCH", body: JSON.stringify(input) });
}

export function removeUser(id: string): Promise<void> {
  return requestJson<void>(path(id), { method: "DELETE" });
}
