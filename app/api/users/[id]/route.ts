import { route } from "@/lib/auth/route";
import { deleteUser, updateUser } from "@/lib/auth/users";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ id: string }> };

/** Changes a user's role or password (a new password signs the user out everywhere). */
export const PATCH = route("admin", async (request, { params }: TContext, caller) => {
  const { id } = await params;
  return jsonResponse(await updateUser(id, await readJsonBody(request), caller));
});

export const DELETE = route("admin", async (_request, { params }: TContext, caller) => {
  const { id } = await params;
  await deleteUser(id, caller);
  return new Response(null, { status: 204 });
});
