import { findEvents } from "@/lib/feeds/service";
import { ZEventQuery } from "@/lib/feeds/schema";
import { route } from "@/lib/auth/route";
import { parseOrThrow } from "@/lib/validation";
import { jsonResponse } from "@/lib/http/json-response";

export const GET = route("viewer", async (request: Request) => {
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const query = parseOrThrow(ZEventQuery, params);
  return jsonResponse(await findEvents(query), { headers: { "cache-control": "no-store" } });
});
