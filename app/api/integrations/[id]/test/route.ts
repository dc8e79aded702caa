import { route } from "@/lib/auth/route";
import { readJsonBody } from "@/lib/http/json-body";
import { testSavedIntegration } from "@/lib/integrations/service";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ id: string }> };

/** Tests a saved integration, with unsaved changes from the body (an omitted apiKey uses the stored one). */
export const POST = route("admin", async (request: Request, { params }: TContext, caller) => {
  const { id } = await params;
  const body = request.headers.get("content-length") === "0" ? {} : await readJsonBody(request);
  return jsonResponse(await testSavedIntegration(id, body, caller));
});
