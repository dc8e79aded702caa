import { route } from "@/lib/auth/route";
import { createUser, listUsers } from "@/lib/auth/users";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";

export const GET = route("admin", async () =>
  jsonResponse({ users: await listUsers() }, { headers: { "cache-control": "no-store" } }),
);

export const POST = route("admin", async (request, _context, caller) => {
  const user = await createUser(await readJsonBody(request), caller);
  return jsonResponse(user, { status: 201, headers: { location: `/api/users/${user.id}` } });
});
