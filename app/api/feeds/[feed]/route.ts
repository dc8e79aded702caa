import { AppError } from "@/lib/errors";
import { isIngestFeed } from "@/lib/feeds/ingest";
import { ingestRecords } from "@/lib/feeds/service";
import { route } from "@/lib/auth/route";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ feed: string }> };

/** POST /api/feeds/events and /api/feeds/flows: append Cato-format records. */
export const POST = route("admin", async (request: Request, { params }: TContext) => {
  const { feed } = await params;
  if (feed === "audit") {
    // The audit feed holds only what the console recorded itself: there is no ingest for it.
    throw new AppError(
      "not_found",
      "The audit feed takes no records: it holds only what this console records. Feeds are /api/feeds/events and /api/feeds/flows.",
    );
  }
  if (!isIngestFeed(feed)) {
    throw new AppError("not_found", "Feeds are /api/feeds/events and /api/feeds/flows.");
  }
  return jsonResponse(await ingestRecords(feed, request));
});
