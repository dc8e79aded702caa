import { z } from "zod";

/** Query of GET /api/events. */
export const ZEventQuery = z.strictObject({
  type: z.string().trim().max(128, "type must be at most 128 characters").optional(),
  subType: z.string().trim().max(128, "subType must be at most 128 characters").optional(),
  before: z.string().trim().max(64, "before must be an event marker").optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be between 1 and 200")
    .max(200, "limit must be between 1 and 200")
    .default(50),
});
