import { route } from "@/lib/auth/route";
import { deleteCatoAccount, findCatoAccount, saveCatoAccount } from "@/lib/cato/service";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";

const NO_STORE = { "cache-control": "no-store" };

export const GET = route("viewer", async (_request, _context, caller) =>
  jsonResponse(await findCatoAccount(caller.actor.role), { headers: NO_STORE }),
);

export const PUT = route("admin", async (request, _context, caller) =>
  jsonResponse(await saveCatoAccount(await readJsonBody(request), caller), { headers: NO_STORE }),
);

export const DELETE = route("admin", async (_request, _context, caller) => {
  await deleteCatoAccount(caller);
  return new Response(null, { status: 204 });
});
