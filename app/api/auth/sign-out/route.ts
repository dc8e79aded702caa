import { route } from "@/lib/auth/route";
import { clearedSessionCookies, sessionTokenFromCookieHeader } from "@/lib/auth/cookies";
import { endSession } from "@/lib/auth/sessions";
import { recordSignOut } from "@/lib/auth/sign-in";

/** Ends the session behind the cookie (if any) and clears the cookie. */
export const POST = route("public", async (request, _context, caller) => {
  const token = sessionTokenFromCookieHeader(request.headers.get("cookie"));
  if (token && caller.actor?.type === "user") await recordSignOut(caller);
  if (token) await endSession(token);
  const headers = new Headers({ "cache-control": "no-store" });
  for (const cookie of clearedSessionCookies(request)) headers.append("set-cookie", cookie);
  return new Response(null, { status: 204, headers });
});
