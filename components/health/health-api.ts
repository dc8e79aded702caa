import { requestJson } from "@/lib/api-client";

/** Worker processes running (their heartbeats in Redis). */
export type TWorkers = { count: number };

export function fetchWorkers(signal?: AbortSignal): Promise<TWorkers> {
  return requestJson<TWorkers>("/api/health/workers", { signal });
}
