import { handleErrors } from "@/lib/http/problem-response";
import { destinationPolicy } from "@/lib/integrations/service";

/** The destination policy the console shows and the panel validates with. */
export const GET = handleErrors(async () => Response.json(destinationPolicy()));
