import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { route } from "@/lib/auth/route";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";

export const GET = route("admin", async () =>
  jsonResponse({ apiKeys: await listApiKeys() }, { headers: { "cache-control": "no-store" } }),
);

/** The reply holds the key itself, this once; only its hash is stored. */
export const POST = route("admin", async (request, _context, caller) => {
  const created = await createApiKey(await readJsonBody(request), caller);
  return jsonResponse(created, { status: 201, headers: { "cache-control": "no-store" } });
});
