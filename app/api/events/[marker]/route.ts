import { findEvent } from "@/lib/feeds/service";
import { route } from "@/lib/auth/route";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ marker: string }> };

export const GET = route("viewer", async (_request: Request, { params }: TContext) => {
  const { marker } = await params;
  return jsonResponse(await findEvent(marker), { headers: { "cache-control": "no-store" } });
});
