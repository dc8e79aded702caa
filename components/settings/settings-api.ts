import { requestJson } from "@/lib/api-client";

/** The operator's destination policy (HEC_ALLOW_INSECURE_HTTP, HEC_ALLOW_PRIVATE_NETWORKS). */
export type TSettings = { allowInsecureHttp: boolean; allowPrivateNetworks: boolean };

export function fetchSettings(signal?: AbortSignal): Promise<TSettings> {
  return requestJson<TSettings>("/api/settings", { signal });
}
