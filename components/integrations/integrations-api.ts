import { requestJson } from "@/lib/api-client";
import type { TIntegrationSeries } from "@/lib/delivery/series";
import type { TTestResult } from "@/lib/delivery/test-connection";
import type { TIntegration } from "@/lib/integrations/schema";
import type { TIntegrationActivity } from "@/lib/integrations/service";

const path = (id: string) => `/api/integrations/${encodeURIComponent(id)}`;

export async function fetchIntegrations(signal?: AbortSignal): Promise<TIntegration[]> {
  const body = await requestJson<{ integrations: TIntegration[] }>("/api/integrations", { signal });
  return body.integrations;
}

export function fetchIntegration(id: string, signal?: AbortSignal): Promise<TIntegration> {
  return requestJson<TIntegration>(path(id), { signal });
}

export function fetchIntegrationActivity(id: string, signal?: AbortSignal): Promise<TIntegrationActivity> {
  return requestJson<TIntegrationActivity>(`${path(id)}/activity`, { signal });
}

export function fetchIntegrationSeries(id: string, signal?: AbortSignal): Promise<TIntegrationSeries> {
  return requestJson<TIntegrationSeries>(`${path(id)}/series`, { signal });
}

export function postIntegration(input: unknown): Promise<TIntegration> {
  return requestJson<TIntegration>("/api/integrations", { method: "POST", body: JSON.stringify(input) });
}

export function patchIntegration(id: string, input: unknown): Promise<TIntegration> {
  return requestJson<TIntegration>(path(id), { method: "PATCH", body: JSON.stringify(input) });
}

export function removeIntegration(id: string): Promise<void> {
  return requestJson<void>(path(id), { method: "DELETE" });
}

/** Tests a new destination (no id) or a saved integration with unsaved changes. */
export function postIntegrationTest(id: string | null, input: unknown): Promise<TTestResult> {
  return requestJson<TTestResult>(id ? `${path(id)}/test` : "/api/integrations/test", {
    method: "POST",
    body: JSON.stringify(input),
  });
}
