import { findWorkers } from "@/lib/health/service";
import { handleErrors } from "@/lib/http/problem-response";

/** How many worker processes run; the console warns when none does. */
export const GET = handleErrors(async () =>
  Response.json(await findWorkers(), { headers: { "cache-control": "no-store" } }),
);
