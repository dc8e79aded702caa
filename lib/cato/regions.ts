/** Cato's API hosts. A region picked in the console is always one of these. */
export const CATO_REGIONS = {
  eu: { label: "Europe", url: "https://api.catonetworks.com/api/v1/graphql2" },
  us: { label: "United States", url: "https://api.us1.catonetworks.com/api/v1/graphql2" },
  in: { label: "India", url: "https://api.in1.catonetworks.com/api/v1/graphql2" },
} as const;

export type TCatoRegion = keyof typeof CATO_REGIONS;
export const CATO_REGION_IDS = Object.keys(CATO_REGIONS) as TCatoRegion[];

export function isCatoRegion(value: string): value is TCatoRegion {
  return Object.hasOwn(CATO_REGIONS, value);
}

/** The endpoint the poller calls: the operator's CATO_API_URL when set, otherwise the region's host. */
export function catoApiUrl(region: string, override?: string): string {
  if (override) return override;
  return isCatoRegion(region) ? CATO_REGIONS[region].url : CATO_REGIONS.eu.url;
}
