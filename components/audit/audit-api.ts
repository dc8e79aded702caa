import { requestJson } from "@/lib/api-client";
import type { TAuditPage } from "@/lib/audit/service";

export type TAuditListParams = { actor: string; action: string; before: string | null };

export const auditKeys = {
  all: ["audit"] as const,
  list: (params: TAuditListParams) => [...auditKeys.all, "list", params] as const,
};

export function fetchAuditEntries(params: TAuditListParams, signal?: AbortSignal): Promise<TAuditPage> {
  const search = new URLSearchParams();
  if (params.actor) search.set("actor", params.actor);
  if (params.action) search.set("action", params.action);
  if (params.before) search.set("before", params.before);
  return requestJson<TAuditPage>(`/api/audit?${search.toString()}`, { signal });
}
