import { findWorkers } from "@/lib/health/service";
import { route } from "@/lib/auth/route";
import { jsonResponse } from "@/lib/http/json-response";

/** How many worker processes run; the console warns when none does. */
export const GET = route("viewer", async () =>
  jsonResponse(await findWorkers(), { headers: { "cache-control": "no-store" } }),
);
