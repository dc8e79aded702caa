import { route } from "@/lib/auth/route";
import { readJsonBody } from "@/lib/http/json-body";
import { testNewIntegration } from "@/lib/integrations/service";
import { jsonResponse } from "@/lib/http/json-response";

/** Tests a destination without saving: address, TLS, HEC health, and with sendTestEvent the key and index. */
export const POST = route("admin", async (request: Request, _context: unknown, caller) =>
  jsonResponse(await testNewIntegration(await readJsonBody(request), caller)),
);
