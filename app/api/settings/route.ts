import { route } from "@/lib/auth/route";
import { destinationPolicy } from "@/lib/integrations/service";
import { jsonResponse } from "@/lib/http/json-response";

/** The destination policy the console shows and the panel validates with. */
export const GET = route("viewer", async () => jsonResponse(destinationPolicy()));
