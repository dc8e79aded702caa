import { route } from "@/lib/auth/route";
import { sessionCookie } from "@/lib/auth/cookies";
import { signIn } from "@/lib/auth/sign-in";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";

/** Email and password for a session cookie; 401 with one message whatever was wrong, 429 when rate-limited. */
export const POST = route("public", async (request, _context, caller) => {
  const { token, user, maxAgeSeconds } = await signIn(await readJsonBody(request), caller);
  return jsonResponse(
    { user },
    { headers: { "set-cookie": sessionCookie(request, token, maxAgeSeconds), "cache-control": "no-store" } },
  );
});
