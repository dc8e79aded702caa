import { route } from "@/lib/auth/route";
import { jsonResponse } from "@/lib/http/json-response";

/** Who the request is signed in as. */
export const GET = route("viewer", async (_request, _context, caller) =>
  jsonResponse(
    { type: caller.actor.type, id: caller.actor.id, label: caller.actor.label, role: caller.actor.role },
    { headers: { "cache-control": "no-store" } },
  ),
);
