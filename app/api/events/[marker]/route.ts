import { findEvent } from "@/lib/feeds/service";
import { handleErrors } from "@/lib/http/problem-response";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ marker: string }> };

export const GET = handleErrors(async (_request: Request, { params }: TContext) => {
  const { marker } = await params;
  return jsonResponse(await findEvent(marker), { headers: { "cache-control": "no-store" } });
});
