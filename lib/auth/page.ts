import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticate } from "./authenticate";
import type { TActor } from "./caller";

/** The signed-in user of a page request, or a redirect to sign-in (an expired session lands here too). */
export async function requireSignedIn(): Promise<TActor> {
  const actor = await authenticate(await headers());
  if (!actor) redirect("/sign-in");
  return actor;
}

export async function signedInOrNull(): Promise<TActor | null> {
  return authenticate(await headers());
}
