import { route } from "@/lib/auth/route";
import { renderMetrics } from "@/lib/metrics/service";

/** Prometheus text format; 503 when PostgreSQL or Redis does not answer, so the scrape fails visibly. */
export const GET = route("viewer", async () => {
  const { contentType, text } = await renderMetrics();
  return new Response(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
