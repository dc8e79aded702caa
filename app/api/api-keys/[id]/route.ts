import { revokeApiKey } from "@/lib/auth/api-keys";
import { route } from "@/lib/auth/route";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ id: string }> };

/** Revokes the key: requests with it get 401 from now on. */
export const DELETE = route("admin", async (_request, { params }: TContext, caller) => {
  const { id } = await params;
  return jsonResponse(await revokeApiKey(id, caller));
});
