import { sessionTokenFromCookieHeader } from "@/lib/auth/cookies";
import { route } from "@/lib/auth/route";
import { changeOwnPassword } from "@/lib/auth/sign-in";
import { readJsonBody } from "@/lib/http/json-body";

/** The signed-in user's own password: `{"currentPassword", "newPassword"}`; other sessions end. */
export const POST = route("viewer", async (request, _context, caller) => {
  await changeOwnPassword(
    await readJsonBody(request),
    caller,
    sessionTokenFromCookieHeader(request.headers.get("cookie")),
  );
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
});
