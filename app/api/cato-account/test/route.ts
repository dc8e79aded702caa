import { route } from "@/lib/auth/route";
import { testCatoAccount } from "@/lib/cato/service";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";

export const POST = route("admin", async (request, _context, caller) => {
  // No body: test the stored settings.
  const input = request.headers.has("content-type") ? await readJsonBody(request) : {};
  return jsonResponse(await testCatoAccount(input, caller), { headers: { "cache-control": "no-store" } });
});
