import { requestJson } from "@/lib/api-client";
import type { TCatoAccount, TCatoTestResult } from "@/lib/cato/schema";

export function fetchCatoAccount(signal?: AbortSignal): Promise<TCatoAccount> {
  return requestJson<TCatoAccount>("/api/cato-account", { signal });
}

export function putCatoAccount(input: unknown): Promise<TCatoAccount> {
  return requestJson<TCatoAccount>("/api/cato-account", { method: "PUT", body: JSON.stringify(input) });
}

export function deleteCatoAccount(): Promise<void> {
  return requestJson<void>("/api/cato-account", { method: "DELETE" });
}

export function postCatoAccountTest(input: unknown): Promise<TCatoTestResult> {
  return requestJson<TCatoTestResult>("/api/cato-account/test", { method: "POST", body: JSON.stringify(input) });
}
