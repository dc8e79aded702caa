import { handleErrors } from "@/lib/http/problem-response";
import { readJsonBody } from "@/lib/http/json-body";
import { createIntegration, findIntegrations } from "@/lib/integrations/service";
import { jsonResponse } from "@/lib/http/json-response";

export const GET = handleErrors(async () => {
  const integrations = await findIntegrations();
  return jsonResponse({ integrations }, { headers: { "cache-control": "no-store" } });
});

export const POST = handleErrors(async (request: Request) => {
  const integration = await createIntegration(await readJsonBody(request));
  return jsonResponse(integration, {
    status: 201,
    headers: { location: `/api/integrations/${integration.id}` },
  });
});
