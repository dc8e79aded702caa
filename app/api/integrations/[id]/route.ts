import { handleErrors } from "@/lib/http/problem-response";
import { readJsonBody } from "@/lib/http/json-body";
import { deleteIntegration, findIntegration, updateIntegration } from "@/lib/integrations/service";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ id: string }> };

export const GET = handleErrors(async (_request: Request, { params }: TContext) => {
  const { id } = await params;
  return jsonResponse(await findIntegration(id), { headers: { "cache-control": "no-store" } });
});

export const PATCH = handleErrors(async (request: Request, { params }: TContext) => {
  const { id } = await params;
  return jsonResponse(await updateIntegration(id, await readJsonBody(request)));
});

export const DELETE = handleErrors(async (_request: Request, { params }: TContext) => {
  const { id } = await params;
  await deleteIntegration(id);
  return new Response(null, { status: 204 });
});
