import { z } from "zod";
import { CATO_REGION_IDS } from "@/lib/cato/regions";

/**
 * The Cato account form and PUT /api/cato-account share these rules, so an error reads
 * the same in the page and from the API.
 */
export const ZCatoAccountId = z
  .string({ error: "Account ID is required" })
  .trim()
  .regex(/^\d{1,20}$/, "Account ID is the number Cato shows for the account (digits only, at most 20)");

export const ZCatoApiKey = z
  .string({ error: "API Key must be a string" })
  .trim()
  .min(1, "API Key is required")
  .max(512, "API Key must be at most 512 characters")
  .regex(/^[\x21-\x7e]+$/, "API Key must be printable characters without spaces");

export const ZCatoRegion = z.enum(CATO_REGION_IDS as [string, ...string[]], {
  error: `Region must be one of ${CATO_REGION_IDS.join(", ")}`,
});

export const ZPutCatoAccountInput = z
  .strictObject({
    accountId: ZCatoAccountId,
    // Blank or omitted keeps the stored key.
    apiKey: z.preprocess((v) => (v === "" ? undefined : v), ZCatoApiKey.optional()),
    region: ZCatoRegion.default("eu"),
    events: z.boolean({ error: "Events must be true or false" }).default(true),
    audit: z.boolean({ error: "Audit Trail must be true or false" }).default(false),
    enabled: z.boolean({ error: "Enabled must be true or false" }).default(true),
  })
  .refine((v) => v.events || v.audit, {
    path: ["events"],
    message: "Pull at least one of Events and Audit Trail",
  });
export type TPutCatoAccountInput = z.infer<typeof ZPutCatoAccountInput>;

/** Test takes the form's values before they are saved; a missing key means the stored one. */
export const ZTestCatoAccountInput = z.strictObject({
  accountId: ZCatoAccountId.optional(),
  apiKey: z.preprocess((v) => (v === "" ? undefined : v), ZCatoApiKey.optional()),
  region: ZCatoRegion.optional(),
});

export const CATO_POLL_STATES = ["disabled", "polling", "caught-up", "rate-limited", "error"] as const;
export type TCatoPollState = (typeof CATO_POLL_STATES)[number];

export type TCatoStatus = {
  state: TCatoPollState;
  detail: string;
  lastPollAt: string | null;
  lastRecordAt: string | null;
  /** Seconds between the newest record fetched and Cato's newest (0 when caught up). */
  behindSeconds: number | null;
  fetched: { events: number; audit: number };
};

export type TCatoAccount = {
  connected: boolean;
  accountId: string | null;
  apiKeyHint: string;
  region: string;
  apiUrl: string;
  events: boolean;
  audit: boolean;
  enabled: boolean;
  status: TCatoStatus;
};

export type TCatoTestResult = { ok: boolean; available: number | null; isMore: boolean; detail: string };
