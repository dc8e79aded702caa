import { findWorkers } from "@/lib/health/service";
import { handleErrors } from "@/lib/http/problem-response";
import { jsonResponse } from "@/lib/http/json-response";

/** How many worker processes run; the console warns when none does. */
export const GET = handleErrors(async () =>
  jsonResponse(await findWorkers(), { headers: { "cache-control": "no-store" } }),
);
