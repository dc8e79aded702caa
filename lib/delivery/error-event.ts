import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { appendRecords, type TFeedName } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";

export const ERROR_EVENT_INTERVAL_MS = 10 * 60 * 1000;

const WHAT: Record<TFeedName, string> = { events: "events", flows: "flows", audit: "the audit trail" };

/** A sub-type that names the problem, so an analyst can filter and alert on it. */
export function errorEventSubType(reason: string): string {
  if (/API key|token|authorization/i.test(reason)) return "Integration API Key Rejected";
  if (/index/i.test(reason)) return "Integration Index Rejected";
  if (/certificate|address|resolve/i.test(reason)) return "Integration Destination Refused";
  return "Integration Delivery Error";
}

/**
 * Appends a Cato-shaped System event saying an integration is failing. It names the
 * connector and the reason, never the token. `connector_name`, `integration_id` and
 * `data_source` are this product's fields: Cato documents no fields for them.
 */
export async function appendErrorEvent(
  redis: Redis,
  input: {
    accountId: string;
    integrationId: string;
    connectorName: string;
    source: TFeedName;
    reason: string;
    maxFeedLength: number;
  },
  nowMs = Date.now(),
): Promise<string> {
  const record: Record<string, string> = {
    event_type: "System",
    event_sub_type: errorEventSubType(input.reason),
    event_id: randomBytes(16).toString("hex"),
    event_count: "1",
    time: String(nowMs),
    time_str: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
    account_id: input.accountId,
    severity: "High",
    event_message: `Integration "${input.connectorName}" (Splunk) cannot deliver ${WHAT[input.source]}: ${input.reason}`,
    connector_name: input.connectorName,
    integration_id: input.integrationId,
    data_source: input.source,
  };
  const { lastMarker } = await appendRecords(redis, "events", [toNewRecord("events", record)], input.maxFeedLength);
  return lastMarker;
}
