import { z } from "zod";
import { HEC_HOST, HEC_SOURCE, SOURCETYPES, type TSourcetypes } from "@/lib/hec/metadata";
import { normaliseIngestionUrl, type TUrlPolicy } from "@/lib/integrations/ingestion-url";

/**
 * The rules of an integration, shared by the REST API and the New Integration panel,
 * so that a field error reads the same in both. Reasons name the field as the panel
 * labels it.
 */

export const EVENT_TYPES = [
  "Security",
  "Connectivity",
  "System",
  "Routing",
  "Sockets Management",
  "Detection and Response",
] as const;

/**
 * Event sub-types seen in Cato's records. Cato publishes no complete list, so these are
 * suggestions: any sub-type may be entered.
 */
export const KNOWN_EVENT_SUB_TYPES = [
  "Internet Firewall",
  "WAN Firewall",
  "IPS",
  "Anti Malware",
  "NG Anti Malware",
  "RPF",
  "Connected",
  "Cato Management Application",
  "ApiKey",
] as const;

/** The operators as the console shows them. */
export const FILTER_OPERATOR_WORDS = { is: "is", is_not: "is not", in: "in", not_in: "not in" } as const;

export const FILTER_FIELDS = ["event_type", "event_sub_type"] as const;
export const FILTER_OPERATORS = ["is", "is_not", "in", "not_in"] as const;
export const MAX_FILTER_CONDITIONS = 20;
export const MAX_FILTER_VALUES = 100;

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const INDEX_NAME = /^[a-z0-9][a-z0-9_-]*$/;

const typeError = (label: string, kind: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null ? `${label} is required` : `${label} must be ${kind}`;

// Half a UTF-16 surrogate pair: not text, and PostgreSQL refuses it as JSON.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const text = (label: string) =>
  z
    .string({ error: typeError(label, "text") })
    .trim()
    .refine((v) => !LONE_SURROGATE.test(v), `${label} must be valid Unicode text`);
const flag = (label: string) => z.boolean({ error: typeError(label, "true or false") });

export const ZApp = z.literal("splunk", { error: 'App must be "splunk" (the only app available)' });
export const ZAuth = z.literal("api_key", { error: 'Auth must be "api_key" (API Key, the only choice)' });

export const ZName = text("Connector Name")
  .min(1, "Connector Name is required")
  .max(100, "Connector Name must be at most 100 characters")
  .refine((v) => !CONTROL_CHARS.test(v), "Connector Name must not contain control characters");

export const ZDescription = text("Description")
  .max(500, "Description must be at most 500 characters")
  .refine((v) => !CONTROL_CHARS.test(v), "Description must not contain control characters");

export const ingestionUrlField = (policy: TUrlPolicy) =>
  text("Ingestion URL")
    .max(2048, "Ingestion URL must be at most 2048 characters")
    .transform((value, ctx) => {
      const result = normaliseIngestionUrl(value, policy);
      if (result.ok) return result.value;
      ctx.addIssue({ code: "custom", message: result.reason });
      return z.NEVER;
    });

export const ZIngestionUrl = ingestionUrlField({ allowInsecureHttp: false });

export const ZApiKey = text("API Key")
  .min(1, "API Key is required")
  .max(512, "API Key must be at most 512 characters")
  .refine((v) => /^[\x21-\x7e]*$/.test(v), "API Key must contain only printable characters without spaces");

/** Blank means the token's default index, stored as null. */
export const ZIndex = z
  .union([text("Index"), z.null()], { error: "Index must be text or null" })
  .transform((v) => (v === null || v === "" ? null : v))
  .refine((v) => v === null || v.length <= 80, "Index must be at most 80 characters")
  .refine(
    (v) => v === null || INDEX_NAME.test(v),
    "Index must be a Splunk index name: lowercase letters, digits, _ and -, starting with a letter or digit",
  );

export const MAX_METADATA_CHARS = 255;

/**
 * host, source and sourcetype are free text to Splunk, but they become props.conf and
 * search terms: not blank, one line of printable text, and short.
 */
const metadataText = (label: string) =>
  text(label)
    .min(1, `${label} must not be blank`)
    .max(MAX_METADATA_CHARS, `${label} must be at most ${MAX_METADATA_CHARS} characters`)
    .refine((v) => !CONTROL_CHARS.test(v), `${label} must not contain control characters`);

export const ZHecHost = metadataText("Host");
export const ZHecSource = metadataText("Source");

export const SOURCETYPE_LABELS = {
  events: "Events sourcetype",
  flows: "Flows sourcetype",
  audit: "Audit Trail sourcetype",
} as const satisfies Record<keyof TSourcetypes, string>;

const ZSourcetype = (source: keyof TSourcetypes) => metadataText(SOURCETYPE_LABELS[source]);

const SOURCETYPES_SHAPE = "Sourcetypes must be an object with events, flows and audit";

/** A sourcetype per data source; one left out keeps its default. */
export const ZSourcetypes = z
  .strictObject(
    {
      events: ZSourcetype("events").default(SOURCETYPES.events),
      flows: ZSourcetype("flows").default(SOURCETYPES.flows),
      audit: ZSourcetype("audit").default(SOURCETYPES.audit),
    },
    { error: SOURCETYPES_SHAPE },
  )
  .default(() => ({ ...SOURCETYPES }));

/** An edit names only the sourcetypes it changes; the others keep their stored values. */
export const ZSourcetypesPatch = z.strictObject(
  {
    events: ZSourcetype("events").optional(),
    flows: ZSourcetype("flows").optional(),
    audit: ZSourcetype("audit").optional(),
  },
  { error: SOURCETYPES_SHAPE },
);

export const ZFilterCondition = z
  .strictObject(
    {
      field: z.enum(FILTER_FIELDS, { error: "Filter field must be event_type or event_sub_type" }),
      operator: z.enum(FILTER_OPERATORS, { error: "Filter operator must be is, is_not, in or not_in" }),
      values: z
        .array(
          text("Filter value")
            .min(1, "Filter value must not be blank")
            .max(128, "Filter value must be at most 128 characters")
            .refine((v) => !CONTROL_CHARS.test(v), "Filter value must not contain control characters"),
          { error: "Filter values must be a list of text values" },
        )
        .min(1, "Filter needs at least one value")
        .max(MAX_FILTER_VALUES, `Filter takes at most ${MAX_FILTER_VALUES} values`),
    },
    { error: "Filter condition must be an object with field, operator and values" },
  )
  .superRefine((condition, ctx) => {
    const single = condition.operator === "is" || condition.operator === "is_not";
    if (single && condition.values.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        message: `Filter operator "${FILTER_OPERATOR_WORDS[condition.operator]}" takes exactly one value; use "in" or "not in" for several`,
      });
    }
    if (condition.field === "event_type") {
      condition.values.forEach((value, i) => {
        if (!(EVENT_TYPES as readonly string[]).includes(value)) {
          ctx.addIssue({
            code: "custom",
            path: ["values", i],
            message: `"${value}" is not an event type; use one of: ${EVENT_TYPES.join(", ")}`,
          });
        }
      });
    }
  })
  .transform((condition) => ({ ...condition, values: [...new Set(condition.values)] }));

export const ZEventFilter = z
  .array(ZFilterCondition, { error: "Event filter must be a list of conditions" })
  .max(MAX_FILTER_CONDITIONS, `Event filter takes at most ${MAX_FILTER_CONDITIONS} conditions`);

function integrationFields(policy: TUrlPolicy) {
  return {
    app: ZApp,
    auth: ZAuth,
    name: ZName,
    description: ZDescription,
    ingestionUrl: ingestionUrlField(policy),
    apiKey: ZApiKey,
    index: ZIndex,
    events: flag("Events"),
    flows: flag("Flows"),
    audit: flag("Audit Trail"),
    eventFilter: ZEventFilter,
    errorEvents: flag("Create an event if errors occur with the integration"),
    indexerAck: flag("Use indexer acknowledgment"),
    paused: flag("Paused"),
    hecHost: ZHecHost,
    hecSource: ZHecSource,
    sourcetypes: ZSourcetypes,
  };
}

const NEEDS_SOURCE = "Choose at least one data source: Events, Flows or Audit Trail";

function requireDataSource(value: { events?: unknown; flows?: unknown; audit?: unknown }, ctx: z.RefinementCtx): void {
  if (value.events === false && value.flows === false && value.audit !== true) {
    ctx.addIssue({ code: "custom", path: ["events"], message: NEEDS_SOURCE });
  }
}

// Check the data sources even when other fields are wrong, so every error shows at once.
const everyTime = {
  when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null,
};

/**
 * The schemas under a server's URL policy (plain http:// only where the operator
 * allowed it). The browser gets the policy from /api/settings, so both agree.
 */
export function integrationSchemas(policy: TUrlPolicy) {
  const fields = integrationFields(policy);
  const create = z
    .strictObject({
      ...fields,
      app: fields.app.default("splunk"),
      auth: fields.auth.default("api_key"),
      description: fields.description.default(""),
      index: fields.index.default(null),
      events: fields.events.default(true),
      flows: fields.flows.default(false),
      audit: fields.audit.default(false),
      eventFilter: fields.eventFilter.default([]),
      errorEvents: fields.errorEvents.default(true),
      indexerAck: fields.indexerAck.default(false),
      paused: fields.paused.default(false),
      hecHost: fields.hecHost.default(HEC_HOST),
      hecSource: fields.hecSource.default(HEC_SOURCE),
    })
    .superRefine(requireDataSource, everyTime);

  /** PATCH takes any subset; apiKey omitted keeps the stored token. */
  const update = z.strictObject({
    app: fields.app.optional(),
    auth: fields.auth.optional(),
    name: fields.name.optional(),
    description: fields.description.optional(),
    ingestionUrl: fields.ingestionUrl.optional(),
    apiKey: fields.apiKey.optional(),
    index: fields.index.optional(),
    events: fields.events.optional(),
    flows: fields.flows.optional(),
    audit: fields.audit.optional(),
    eventFilter: fields.eventFilter.optional(),
    errorEvents: fields.errorEvents.optional(),
    indexerAck: fields.indexerAck.optional(),
    paused: fields.paused.optional(),
    hecHost: fields.hecHost.optional(),
    hecSource: fields.hecSource.optional(),
    sourcetypes: ZSourcetypesPatch.optional(),
  });

  /** The panel's form: the create rules, but when editing an empty API Key means "keep". */
  const edit = z
    .strictObject({
      ...fields,
      paused: fields.paused.optional(),
      indexerAck: fields.indexerAck.default(false),
      hecHost: fields.hecHost.default(HEC_HOST),
      hecSource: fields.hecSource.default(HEC_SOURCE),
      apiKey: z
        .string()
        .trim()
        .transform((v) => (v === "" ? undefined : v))
        .pipe(fields.apiKey.optional()),
    })
    .superRefine(requireDataSource, everyTime);
  return { create, update, edit };
}

const DEFAULT_SCHEMAS = integrationSchemas({ allowInsecureHttp: false });
export const ZCreateIntegrationInput = DEFAULT_SCHEMAS.create;
export const ZUpdateIntegrationInput = DEFAULT_SCHEMAS.update;

/** The panel's form schema under the server's policy. */
export function integrationFormSchema(mode: "create" | "edit", policy: TUrlPolicy = { allowInsecureHttp: false }) {
  const schemas = integrationSchemas(policy);
  return mode === "create" ? schemas.create : schemas.edit;
}

/** Checks the data sources of an integration after a partial update is merged. */
export function checkDataSources(value: { events: boolean; flows: boolean; audit: boolean }): string | null {
  return value.events || value.flows || value.audit ? null : NEEDS_SOURCE;
}

export type TCreateIntegrationInput = z.infer<typeof ZCreateIntegrationInput>;
export type TUpdateIntegrationInput = z.infer<typeof ZUpdateIntegrationInput>;
export type TIntegrationFormValues = z.input<typeof ZCreateIntegrationInput>;
export type TFilterCondition = z.infer<typeof ZFilterCondition>;
export type TEventFilter = z.infer<typeof ZEventFilter>;

export const INTEGRATION_STATUSES = ["pending", "healthy", "retrying", "error", "paused"] as const;
export type TIntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

export const DELIVERY_STATUSES = ["pending", "healthy", "retrying", "error"] as const;

/** How far a data source is behind its feed. */
export type TLag = { records: number; oldestAgeSeconds: number | null };

/** Delivery of one data source of an integration. Counts are numbers (exact up to 2^53). */
export type TSourceDelivery = {
  status: (typeof DELIVERY_STATUSES)[number];
  statusDetail: string;
  deliveredRecords: number;
  deliveredBytes: number;
  setAsideRecords: number;
  gapRecords: number;
  lastDeliveredAt: string | null;
  lastErrorAt: string | null;
  nextAttemptAt: string | null;
  /** Start of the current run of failures; null while delivering. */
  failingSince: string | null;
  /** Batches Splunk received and has not yet acknowledged as indexed. */
  pendingAcks: number;
  lag: TLag | null;
};

/** The API shape of an integration. The token never leaves the server; apiKeyHint is its last 4 characters at most. */
export type TIntegration = {
  id: string;
  app: "splunk";
  auth: "api_key";
  name: string;
  description: string;
  ingestionUrl: string;
  apiKeyHint: string;
  index: string | null;
  events: boolean;
  flows: boolean;
  /** The console's own audit trail (sign-ins and changes), sourcetype cato:audit. */
  audit: boolean;
  eventFilter: TEventFilter;
  errorEvents: boolean;
  /** The marker moves only over batches Splunk acknowledged as indexed. */
  indexerAck: boolean;
  paused: boolean;
  /** Splunk metadata of every envelope (defaults cato-sase, cato_networks, cato:events/flows/audit). */
  hecHost: string;
  hecSource: string;
  sourcetypes: TSourcetypes;
  status: TIntegrationStatus;
  statusDetail: string;
  lastDeliveredAt: string | null;
  delivery: { events?: TSourceDelivery; flows?: TSourceDelivery; audit?: TSourceDelivery };
  /** Records delivered in each of the last 60 minutes (oldest first), sources summed; empty while Redis cannot be reached. */
  deliveredPerMinute: number[];
  createdAt: string;
  updatedAt: string;
};
