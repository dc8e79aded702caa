import { route } from "@/lib/auth/route";
import { sessionCookie } from "@/lib/auth/cookies";
import { completeSetup, setupStatus } from "@/lib/auth/sign-in";
import { readJsonBody } from "@/lib/http/json-body";
import { jsonResponse } from "@/lib/http/json-response";

/** Whether the first administrator still has to be created. */
export const GET = route("public", async () =>
  jsonResponse(await setupStatus(), { headers: { "cache-control": "no-store" } }),
);

/** Creates the first administrator (only while no user exists) and signs them in. */
export const POST = route("public", async (request, _context, caller) => {
  const { token, user, maxAgeSeconds } = await completeSetup(await readJsonBody(request), caller);
  return jsonResponse(
    { user },
    {
      status: 201,
      headers: { "set-cookie": sessionCookie(request, token, maxAgeSeconds), "cache-control": "no-store" },
    },
  );
});
