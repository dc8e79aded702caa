import { AppError } from "@/lib/errors";
import { FEED_NAMES, type TFeedName } from "@/lib/feeds/feed-store";
import { ingestRecords } from "@/lib/feeds/service";
import { handleErrors } from "@/lib/http/problem-response";
import { jsonResponse } from "@/lib/http/json-response";

type TContext = { params: Promise<{ feed: string }> };

/** POST /api/feeds/events and /api/feeds/flows: append Cato-format records. */
export const POST = handleErrors(async (request: Request, { params }: TContext) => {
  const { feed } = await params;
  if (!(FEED_NAMES as readonly string[]).includes(feed)) {
    throw new AppError("not_found", "Feeds are /api/feeds/events and /api/feeds/flows.");
  }
  return jsonResponse(await ingestRecords(feed as TFeedName, request));
});
