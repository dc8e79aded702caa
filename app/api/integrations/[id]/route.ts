import { route } from "@/lib/auth/route";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";
import { forRole } from "@/lib/integrations/serializer";
import { deleteIntegration, findIntegration, updateIntegration } from "@/lib/integrations/service";

type TContext = { params: Promise<{ id: string }> };

export const GET = route("viewer", async (_request, { params }: TContext, caller) => {
  const { id } = await params;
  return jsonResponse(forRole(await findIntegration(id), caller.actor.role), {
    headers: { "cache-control": "no-store" },
  });
});

export const PATCH = route("admin", async (request, { params }: TContext, caller) => {
  const { id } = await params;
  return jsonResponse(await updateIntegration(id, await readJsonBody(request), caller));
});

export const DELETE = route("admin", async (_request, { params }: TContext, caller) => {
  const { id } = await params;
  await deleteIntegration(id, caller);
  return new Response(null, { status: 204 });
});
