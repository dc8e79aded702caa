import { route } from "@/lib/auth/route";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";
import { forRole } from "@/lib/integrations/serializer";
import { createIntegration, findIntegrations } from "@/lib/integrations/service";

export const GET = route("viewer", async (_request, _context, caller) => {
  const integrations = await findIntegrations();
  return jsonResponse(
    { integrations: integrations.map((i) => forRole(i, caller.actor.role)) },
    { headers: { "cache-control": "no-store" } },
  );
});

export const POST = route("admin", async (request, _context, caller) => {
  const integration = await createIntegration(await readJsonBody(request), caller);
  return jsonResponse(integration, {
    status: 201,
    headers: { location: `/api/integrations/${integration.id}` },
  });
});
