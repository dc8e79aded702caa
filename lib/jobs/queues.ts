import { z } from "zod";

/**
 * Queue names, job names, payload schemas and default options, in one place.
 * Payloads carry ids and numbers, never secrets: BullMQ stores them in clear.
 */
export const MAINTENANCE_QUEUE = "maintenance";

export const JOB_SIMULATE = "simulate";
export const JOB_TRIM_FEEDS = "trim-feeds";

export const ZSimulatePayload = z.strictObject({});
export const ZTrimFeedsPayload = z.strictObject({});

export const SIMULATE_EVERY_MS = 1000;
export const TRIM_FEEDS_EVERY_MS = 60_000;

export const DEFAULT_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: 100,
} as const;
