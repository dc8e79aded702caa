import { requestJson } from "@/lib/api-client";
import type { TApiKey } from "@/lib/auth/api-keys";

/** The reply to creation: `key` is the secret itself, which the server returns this once. */
export type TCreatedApiKey = { key: string; apiKey: TApiKey };

export async function fetchApiKeys(signal?: AbortSignal): Promise<TApiKey[]> {
  const body = await requestJson<{ apiKeys: TApiKey[] }>("/api/api-keys", { signal });
  return body.apiKeys;
}

export function postApiKey(input: unknown): Promise<TCreatedApiKey> {
  return requestJson<TCreatedApiKey>("/api/api-keys", { method: "POST", body: JSON.stringify(input) });
}

/** Revokes the key; the server keeps it listed, revoked. */
export function revokeApiKey(id: string): Promise<TApiKey> {
  return requestJson<TApiKey>(`/api/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" });
}
