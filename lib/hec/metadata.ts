/**
 * Splunk metadata an integration sends with every envelope unless it sets its own:
 * the defaults of the API, the panel and the envelope builder. No dependencies, so
 * the browser can show them too.
 */
export const HEC_HOST = "cato-sase";
export const HEC_SOURCE = "cato_networks";
export const SOURCETYPES = {
  events: "cato:events",
  flows: "cato:flows",
  audit: "cato:audit",
} as const satisfies Record<"events" | "flows" | "audit", string>;

export type TSourcetypes = { events: string; flows: string; audit: string };

/** host, source and the sourcetype of each data source, as an integration stores them. */
export type TSplunkMetadata = { hecHost: string; hecSource: string; sourcetypes: TSourcetypes };

export const DEFAULT_SPLUNK_METADATA: TSplunkMetadata = {
  hecHost: HEC_HOST,
  hecSource: HEC_SOURCE,
  sourcetypes: { ...SOURCETYPES },
};

/** The stored columns of an integration's metadata. */
export type TSplunkMetadataColumns = {
  hecHost: string;
  hecSource: string;
  sourcetypeEvents: string;
  sourcetypeFlows: string;
  sourcetypeAudit: string;
};

export function metadataFromColumns(row: TSplunkMetadataColumns): TSplunkMetadata {
  return {
    hecHost: row.hecHost,
    hecSource: row.hecSource,
    sourcetypes: { events: row.sourcetypeEvents, flows: row.sourcetypeFlows, audit: row.sourcetypeAudit },
  };
}

/** What the envelope builder takes for one data source of an integration. */
export function envelopeMetadata(
  row: TSplunkMetadataColumns,
  source: "events" | "flows" | "audit",
): { host: string; hecSource: string; sourcetype: string } {
  return { host: row.hecHost, hecSource: row.hecSource, sourcetype: metadataFromColumns(row).sourcetypes[source] };
}
