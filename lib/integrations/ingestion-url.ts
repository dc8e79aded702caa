/**
 * Normalises a Splunk HEC ingestion URL to `https://host:port[/prefix]`.
 * The port defaults to 443 and is always written out; a HEC endpoint path
 * (/services/collector, /services/collector/event, /services/collector/event/1.0)
 * may be given or left out and is stripped, since the sender appends it. A path
 * before it (a reverse proxy's prefix) is kept.
 */
export type TUrlResult = { ok: true; value: string } | { ok: false; reason: string };

const EVENT_ENDPOINT = /\/services\/collector(?:\/event(?:\/1\.0)?)?$/i;
const OTHER_ENDPOINT = /\/services\/collector\/(raw|health|ack)(\/.*)?$/i;
export const HEC_EVENT_PATH = "/services/collector/event";

export type TUrlPolicy = { allowInsecureHttp: boolean };

export function normaliseIngestionUrl(input: string, policy: TUrlPolicy = { allowInsecureHttp: false }): TUrlResult {
  const text = input.trim();
  if (text === "") return { ok: false, reason: "Ingestion URL is required" };
  if (/\s/.test(text)) return { ok: false, reason: "Ingestion URL must not contain spaces" };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return { ok: false, reason: "Ingestion URL is not a valid URL" };
  }
  const isHttpAllowed = policy.allowInsecureHttp && url.protocol === "http:";
  if (url.protocol !== "https:" && !isHttpAllowed) {
    return { ok: false, reason: "Ingestion URL must use https:// so the API key is never sent in clear" };
  }
  if (url.username || url.password) {
    return { ok: false, reason: "Ingestion URL must not contain a user name or password" };
  }
  if (url.search || url.hash || text.includes("?") || text.includes("#")) {
    return { ok: false, reason: "Ingestion URL must not contain a query string or fragment" };
  }
  if (!url.hostname) return { ok: false, reason: "Ingestion URL must name a host" };
  // The URL parser refuses ports past 65535; port 0 is not one a server listens on.
  if (url.port !== "" && Number(url.port) < 1) {
    return { ok: false, reason: "Ingestion URL's port must be between 1 and 65535" };
  }
  const port = url.port === "" ? (url.protocol === "http:" ? "80" : "443") : url.port;
  let path = url.pathname.replace(/\/+$/, "");
  if (OTHER_ENDPOINT.test(path)) {
    return {
      ok: false,
      reason: `Ingestion URL must be the HEC event endpoint (${HEC_EVENT_PATH}) or the server alone`,
    };
  }
  path = path.replace(EVENT_ENDPOINT, "").replace(/\/+$/, "");
  return { ok: true, value: `${url.protocol}//${url.hostname}:${port}${path}` };
}

/** The URL a batch is posted to. */
export function hecEventUrl(normalised: string): string {
  return `${normalised}${HEC_EVENT_PATH}`;
}

/** Where indexer acknowledgments are polled. */
export function hecAckUrl(normalised: string): string {
  return `${normalised}/services/collector/ack`;
}
