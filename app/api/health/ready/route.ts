import { checkReadiness } from "@/lib/health/service";
import { route } from "@/lib/auth/route";
import { jsonResponse } from "@/lib/http/json-response";

/** 200 when PostgreSQL and Redis answer and a worker runs; 503 saying what is wrong otherwise. */
export const GET = route("public", async () => {
  const readiness = await checkReadiness();
  return jsonResponse(readiness, {
    status: readiness.status === "ready" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
});
