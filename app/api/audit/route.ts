import { findAuditEntries } from "@/lib/audit/service";
import { route } from "@/lib/auth/route";
import { jsonResponse } from "@/lib/http/json-response";

/** The audit trail, newest first: ?actor=<email or key name>&action=<action>&before=<seq>&limit=<1..200>. */
export const GET = route("viewer", async (request) => {
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  return jsonResponse(await findAuditEntries(params), { headers: { "cache-control": "no-store" } });
});
