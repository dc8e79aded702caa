import { findEvent } from "@/lib/feeds/service";
import { handleErrors } from "@/lib/http/problem-response";

type TContext = { params: Promise<{ marker: string }> };

export const GET = handleErrors(async (_request: Request, { params }: TContext) => {
  const { marker } = await params;
  return Response.json(await findEvent(marker), { headers: { "cache-control": "no-store" } });
});
