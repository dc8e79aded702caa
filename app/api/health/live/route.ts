/** The process is up and serving; readiness of its dependencies is another question. */
export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
