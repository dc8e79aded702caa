import { route } from "@/lib/auth/route";
import { findIntegrationSeries } from "@/lib/integrations/service";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ id: string }> };

/** Records delivered per minute and lag over the last hour, for the integration's charts. */
export const GET = route("viewer", async (_request: Request, { params }: TContext) => {
  const { id } = await params;
  return jsonResponse(await findIntegrationSeries(id), { headers: { "cache-control": "no-store" } });
});
