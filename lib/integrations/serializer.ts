import type { Integration } from "@/lib/generated/prisma/client";
import { ZEventFilter, type TIntegration } from "@/lib/integrations/schema";

/** Row to API shape. The ciphertext never goes out; only the hint. */
export function serializeIntegration(row: Integration): TIntegration {
  const filter = ZEventFilter.safeParse(row.eventFilter);
  return {
    id: row.id,
    app: "splunk",
    auth: "api_key",
    name: row.name,
    description: row.description,
    ingestionUrl: row.ingestionUrl,
    apiKeyHint: row.tokenHint,
    index: row.index,
    events: row.events,
    flows: row.flows,
    eventFilter: filter.success ? filter.data : [],
    errorEvents: row.errorEvents,
    status: row.status,
    statusDetail: row.statusDetail,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
