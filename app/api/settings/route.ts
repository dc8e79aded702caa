import { handleErrors } from "@/lib/http/problem-response";
import { destinationPolicy } from "@/lib/integrations/service";
import { jsonResponse } from "@/lib/http/json-response";

/** The destination policy the console shows and the panel validates with. */
export const GET = handleErrors(async () => jsonResponse(destinationPolicy()));
