import { jsonResponse } from "@/lib/http/json-response";

/** The process is up and serving; readiness of its dependencies is another question. */
export function GET(): Response {
  return jsonResponse({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
