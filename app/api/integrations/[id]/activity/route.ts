import { route } from "@/lib/auth/route";
import { findIntegrationActivity } from "@/lib/integrations/service";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ id: string }> };

/** The last delivery attempts and the records set aside. */
export const GET = route("viewer", async (_request: Request, { params }: TContext) => {
  const { id } = await params;
  return jsonResponse(await findIntegrationActivity(id), { headers: { "cache-control": "no-store" } });
});
