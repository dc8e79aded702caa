import { z } from "zod";
import { FEED_NAMES } from "@/lib/feeds/feed-store";

/**
 * Queue names, job names, payload schemas and default options, in one place.
 * Payloads carry ids and numbers, never secrets: BullMQ stores them in clear.
 */
export const MAINTENANCE_QUEUE = "maintenance";

export const JOB_SIMULATE = "simulate";
export const JOB_TRIM_FEEDS = "trim-feeds";
export const JOB_PUBLISH_AUDIT = "publish-audit";

export const ZSimulatePayload = z.strictObject({});
export const ZTrimFeedsPayload = z.strictObject({});
export const ZPublishAuditPayload = z.strictObject({});

export const SIMULATE_EVERY_MS = 1000;
export const TRIM_FEEDS_EVERY_MS = 60_000;
/** Audit entries reach the audit feed (and so Splunk) within about this long of being recorded. */
export const PUBLISH_AUDIT_EVERY_MS = 1000;

export const DEFAULT_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: 100,
} as const;

export const DELIVERY_QUEUE = "delivery";
export const JOB_DISPATCH = "dispatch";
export const JOB_PUMP = "pump";
export const DISPATCH_EVERY_MS = 500;
/** A pump hands its slot back after this long, so many integrations share the workers fairly. */
export const PUMP_BUDGET_MS = 15_000;

export const ZPumpPayload = z.strictObject({
  integrationId: z.string().min(1).max(64),
  source: z.enum(FEED_NAMES),
});
export type TPumpPayload = z.infer<typeof ZPumpPayload>;

/** One job id per (integration, source): BullMQ keeps one job per id, so one pump runs at a time. */
export function pumpJobId(payload: TPumpPayload): string {
  return `pump__${payload.integrationId}__${payload.source}`;
}
