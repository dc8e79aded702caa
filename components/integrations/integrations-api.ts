import { requestJson } from "@/lib/api-client";
import type { TIntegration } from "@/lib/integrations/schema";

export async function fetchIntegrations(signal?: AbortSignal): Promise<TIntegration[]> {
  const body = await requestJson<{ integrations: TIntegration[] }>("/api/integrations", { signal });
  return body.integrations;
}

export function postIntegration(input: unknown): Promise<TIntegration> {
  return requestJson<TIntegration>("/api/integrations", { method: "POST", body: JSON.stringify(input) });
}

export function patchIntegration(id: string, input: unknown): Promise<TIntegration> {
  return requestJson<TIntegration>(`/api/integrations/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body: JSON.stringify(input),
  });
}

export function removeIntegration(id: string): Promise<void> {
  return requestJson<void>(`/api/integrations/${encodeURIComponent(id)}`, { method: "DELETE" });
}
