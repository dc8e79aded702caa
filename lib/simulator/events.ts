import { catoOsType, type TAdmin, type TSite, type TUser } from "@/lib/simulator/account";
import type { TCatoRecord } from "@/lib/simulator/generator";
import { createWeightedPicker } from "@/lib/simulator/random";
import { createStoryRawData, STORY_SCENARIOS, type TStory } from "@/lib/simulator/stories";
import { formatTimeStr } from "@/lib/simulator/time";
import {
  blockConnection,
  catoTlsInspection,
  createInboundConnection,
  createInternetConnection,
  createWanConnection,
  type TBatchContext,
  type TConnection,
} from "@/lib/simulator/traffic";

/**
 * Builders of Cato event records, one per event type and sub-type. Field names are those of the
 * reference (docs: /work/shared/reference/cato-data.md); every value is a string.
 */
export type TEventType =
  "Security" | "Connectivity" | "System" | "Routing" | "Sockets Management" | "Detection and Response";

export type TSecuritySubType = "Internet Firewall" | "WAN Firewall" | "IPS" | "Anti Malware" | "NG Anti Malware";

/** An event about a flow, with the flow it needs in the same batch. */
export type TFlowEvent = { event: TCatoRecord; connection: TConnection; isNewConnection: boolean };

function createEventBase(
  context: TBatchContext,
  eventType: TEventType,
  eventSubType: string,
  timeMs: number,
): TCatoRecord {
  return {
    event_type: eventType,
    event_sub_type: eventSubType,
    // 16 hexadecimal characters, as in Cato's published records.
    event_id: context.ids.createId(16),
    internalId: context.ids.createId(16),
    event_count: "1",
    time: String(timeMs),
    time_str: formatTimeStr(timeMs),
    account_id: context.account.id,
  };
}

function pickTime(context: TBatchContext): number {
  return context.random.pickInt(context.windowStartMs, context.nowMs);
}

/** An engine reports on a flow while it runs: between its start and its record, within the window. */
function pickFlowEventTime(context: TBatchContext, connection: TConnection): number {
  return context.random.pickInt(Math.max(context.windowStartMs, connection.startMs), connection.timeMs);
}

/*
 * Fields marked "unlisted" below are not among the common fields the reference lists (it names about 60
 * of some 316). They are Cato's field names as far as we know them, kept because a record without them
 * is much smaller than Cato's average of about 1.5 KB. Check them against Cato's field list before a
 * schema depends on them.
 */

function addUserFields(record: TCatoRecord, user: TUser): void {
  record.user_name = user.name;
  record.user_id = user.id;
  record.device_name = user.deviceName;
  record.os_type = catoOsType(user.osType);
  record.os_version = user.osVersion; // unlisted
  if (user.isRemote) record.client_version = user.clientVersion; // unlisted
}

function addSiteFields(record: TCatoRecord, site: TSite): void {
  record.src_site_name = site.name;
  record.src_site_id = site.id;
}

/** The flow's who, 5-tuple and application, as an event carries them. */
function addConnectionFields(record: TCatoRecord, connection: TConnection): void {
  if (connection.source !== "Internet") record.src_is_site_or_vpn = connection.source;
  if (connection.site) addSiteFields(record, connection.site);
  if (connection.user) {
    if (connection.user.isRemote) record.vpn_user_email = connection.user.email;
    addUserFields(record, connection.user);
  }
  record.src_ip = connection.srcIp;
  record.src_port = String(connection.srcPort);
  record.src_country = connection.srcCountry.name;
  record.src_country_code = connection.srcCountry.code;
  if (connection.srcIspIp) record.src_isp_ip = connection.srcIspIp;
  if (connection.ispName) record.ISP_name = connection.ispName;
  record.dest_ip = connection.destIp;
  record.dest_port = String(connection.destPort);
  record.dest_country = connection.destCountry.name;
  record.dest_country_code = connection.destCountry.code; // unlisted
  if (connection.destSite) {
    record.dest_is_site_or_vpn = "Site"; // unlisted
    record.dest_site_name = connection.destSite.name;
  }
  record.ip_protocol = connection.ipProtocol;
  record.pop_name = connection.pop.name;
  if (connection.direction) record.traffic_direction = connection.direction;
  if (connection.direction === "OUTBOUND") {
    record.translated_client_ip = connection.pop.egressIp; // unlisted
    record.tls_inspection = catoTlsInspection(connection.tlsInspection);
  }
  record.application_name = connection.application.name;
  record.application_id = connection.application.id;
  record.categories = connection.application.categories;
  record.is_sanctioned_app = String(SANCTIONED_KINDS.has(connection.application.kind)); // unlisted
  if (connection.domain) record.domain_name = connection.domain;
}

const SANCTIONED_KINDS = new Set(["saas", "real-time", "internal"]);

/** Browser traffic carries its HTTP details; other traffic (a device with no user, non-web ports) does not. */
function addWebFields(record: TCatoRecord, connection: TConnection, method: string): void {
  if (!connection.user || !connection.domain || (connection.destPort !== 443 && connection.destPort !== 80)) return;
  record.http_request_method = method; // unlisted
  record.user_agent = connection.user.userAgent; // unlisted
  if (connection.destPort === 443) record.tls_version = "TLSv1.3"; // unlisted
}

const URL_PATHS = ["/api/v2/items", "/owa/service.svc", "/graphql", "/content/view", "/s/shared", "/static/js/main"];

function createWebUrls(context: TBatchContext, domain: string): { url: string; fullPathUrl: string } {
  const { random } = context;
  const url = `https://${domain}${random.pickItem(URL_PATHS)}/${random.pickHex(16)}`;
  const query = `?client=web&session=${random.pickHex(24)}&r=${random.pickInt(1, 99999)}`;
  return { url, fullPathUrl: `${url}${query}` };
}

export function buildInternetFirewallEvent(context: TBatchContext): TFlowEvent {
  const { random, pickers } = context;
  const rule = pickers.pickInternetRule(random);
  const application = random.pickItem(rule.applications);
  const connection = createInternetConnection(context, { application, isBlocked: rule.action === "Block" });
  const event = createEventBase(context, "Security", "Internet Firewall", pickFlowEventTime(context, connection));
  event.action = rule.action;
  event.rule_name = rule.name;
  event.rule_id = rule.id;
  addConnectionFields(event, connection);
  addWebFields(event, connection, random.rollChance(0.8) ? "GET" : "POST");
  // The path and query of HTTPS traffic are visible only when TLS is inspected.
  if (connection.tlsInspection === "Inspected" && connection.domain) {
    const { url, fullPathUrl } = createWebUrls(context, connection.domain);
    event.url = url;
    event.full_path_url = fullPathUrl;
    if (event.user_agent) event.referer_url = `https://${connection.domain}/`; // unlisted
  }
  event.flow_id = connection.flowId;
  return { event, connection, isNewConnection: true };
}

export function buildWanFirewallEvent(context: TBatchContext): TFlowEvent {
  const { random, pickers } = context;
  const rule = pickers.pickWanRule(random);
  const application = random.pickItem(rule.applications);
  const connection = createWanConnection(context, { application, isBlocked: rule.action === "Block" });
  const event = createEventBase(context, "Security", "WAN Firewall", pickFlowEventTime(context, connection));
  event.action = rule.action;
  event.rule_name = rule.name;
  event.rule_id = rule.id;
  addConnectionFields(event, connection);
  event.flow_id = connection.flowId;
  return { event, connection, isNewConnection: true };
}

export function buildIpsEvent(context: TBatchContext): TFlowEvent {
  const { random, pickers } = context;
  const signature = pickers.pickIpsSignature(random);
  // Most IPS signatures run in block mode; reputation and scan signatures are often left on monitor.
  const isBlock = random.rollChance(
    signature.threatType === "Exploit" || signature.threatType === "Malware" ? 0.9 : 0.6,
  );
  const connection =
    signature.direction === "INBOUND"
      ? createInboundConnection(context, {
          application: signature.application,
          destPort: signature.destPort,
          isBlocked: isBlock,
        })
      : createInternetConnection(context, {
          application: signature.application,
          domains: signature.domains,
          destPort: signature.destPort,
          isBlocked: isBlock,
        });
  const event = createEventBase(context, "Security", "IPS", pickFlowEventTime(context, connection));
  event.action = isBlock ? "Block" : "Monitor";
  event.signature_id = signature.id;
  event.threat_name = signature.threatName;
  event.threat_type = signature.threatType;
  event.risk_level = signature.riskLevel;
  event.severity = signature.riskLevel;
  event.mitre_attack_tactics = signature.mitreTactics;
  event.mitre_attack_techniques = signature.mitreTechniques;
  event.threat_reference = signature.reference; // unlisted
  addConnectionFields(event, connection);
  event.flow_id = connection.flowId;
  return { event, connection, isNewConnection: true };
}

const URL_PATH_PREFIXES = ["s", "dl", "files", "attachments", "download", "shared"];

/**
 * A download stopped by the Anti Malware engine. `downloadConnection`, when given, is a file-sharing
 * flow that another event of the batch already reported (an Internet Firewall Monitor event, say): the
 * same session then shows both events under one flow_id, as it does in Cato.
 */
export function buildAntiMalwareEvent(
  context: TBatchContext,
  subType: "Anti Malware" | "NG Anti Malware",
  downloadConnection: TConnection | undefined,
): TFlowEvent {
  const { random, pickers } = context;
  const connection =
    downloadConnection ??
    createInternetConnection(context, {
      application: random.pickItem(context.account.fileSharingApplications),
      isBlocked: false,
    });
  // The file was downloaded and scanned before the engine stopped the session.
  blockConnection(connection);
  const sample = pickers.pickMalwareSample(random);
  // NG Anti Malware is the machine-learning engine: it also flags files as Suspicious at lower scores.
  // threat_score's scale is not in the reference; 0-100 is assumed.
  const isMalicious = subType === "Anti Malware" || random.rollChance(0.6);
  const score = isMalicious ? random.pickInt(70, 100) : random.pickInt(40, 69);
  const path = `/${random.pickItem(URL_PATH_PREFIXES)}/${random.pickHex(12)}/${sample.fileName}`;
  const domain = connection.domain ?? connection.destIp;
  const event = createEventBase(context, "Security", subType, pickFlowEventTime(context, connection));
  event.action = "Block";
  event.file_name = sample.fileName;
  event.file_hash = sample.fileHash;
  event.threat_name = sample.threatName;
  event.threat_type = "Malware";
  event.threat_verdict = isMalicious ? "Malicious" : "Suspicious";
  event.threat_score = String(score);
  event.file_size = String(sample.fileSize); // unlisted
  event.file_type = sample.fileType; // unlisted
  event.severity = isMalicious ? "High" : "Medium";
  addConnectionFields(event, connection);
  addWebFields(event, connection, "GET");
  event.url = `https://${domain}${path}`;
  event.full_path_url = `https://${domain}${path}?dl=1&token=${random.pickHex(24)}`;
  event.flow_id = connection.flowId;
  return { event, connection, isNewConnection: downloadConnection === undefined };
}

const SITE_DISCONNECT_REASONS = ["keepalive timeout", "WAN link down", "ISP outage", "Socket reboot"];
const VPN_DISCONNECT_REASONS = ["disconnected by user", "session timeout", "network change", "device sleep"];

// Only "Connected" is attested in the reference; "Disconnected" is its natural pair. Other
// connectivity sub-types exist in Cato but no list is published, so none are invented here.
export function buildConnectivityEvent(context: TBatchContext): TCatoRecord {
  const { random, account } = context;
  const isConnected = random.rollChance(0.55);
  const event = createEventBase(context, "Connectivity", isConnected ? "Connected" : "Disconnected", pickTime(context));
  if (random.rollChance(0.35)) {
    const site = random.pickItem(account.sites);
    // Now and then a site lands on another PoP (failover).
    const pop = random.rollChance(0.9) ? site.pop : random.pickItem(account.pops);
    const tunnel = site.socketModel ? `Socket ${site.socketModel}` : "IPsec tunnel";
    event.event_message = isConnected
      ? `${tunnel} connected to PoP ${pop.name} over ${site.linkType}`
      : `${tunnel} disconnected from PoP ${pop.name}: ${random.pickItem(SITE_DISCONNECT_REASONS)}`;
    event.src_is_site_or_vpn = "Site";
    addSiteFields(event, site);
    event.src_country = site.country.name;
    event.src_country_code = site.country.code;
    event.src_isp_ip = site.wanIp;
    event.ISP_name = site.ispName;
    event.pop_name = pop.name;
    event.link_type = site.linkType;
    event.tunnel_protocol = site.tunnelProtocol;
    return event;
  }
  const user = random.pickItem(account.remoteUsers);
  event.event_message = isConnected
    ? `Client connected to PoP ${user.pop.name}`
    : `Client disconnected from PoP ${user.pop.name}: ${random.pickItem(VPN_DISCONNECT_REASONS)}`;
  event.src_is_site_or_vpn = "VPN User";
  event.vpn_user_email = user.email;
  addUserFields(event, user);
  event.src_ip = user.ip;
  event.src_country = user.country.name;
  event.src_country_code = user.country.code;
  event.src_isp_ip = user.ispIp;
  event.ISP_name = user.ispName;
  event.pop_name = user.pop.name;
  // Cato's client tunnels over DTLS and falls back to TLS where UDP is blocked.
  event.tunnel_protocol = random.rollChance(0.85) ? "DTLS" : "TLS";
  return event;
}

const POLICY_NAMES = ["Internet Firewall", "WAN Firewall", "Network Rules", "TLS Inspection", "Threat Prevention"];

function describeManagementAction(context: TBatchContext, admin: TAdmin): string {
  const { random, account } = context;
  return random.rollChance(0.5)
    ? `Admin ${admin.email} published revision "${random.pickItem(POLICY_NAMES)} r${random.pickInt(10, 400)}" of the ${random.pickItem(POLICY_NAMES)} policy`
    : `Admin ${admin.email} modified the configuration of site ${random.pickItem(account.sites).name}`;
}

function describeApiKeyAction(context: TBatchContext, admin: TAdmin): string {
  const { random, account } = context;
  const key = random.pickItem(account.apiKeyNames);
  switch (random.pickInt(0, 3)) {
    case 0:
      return `API key "${key}" was created by ${admin.email}`;
    case 1:
      return `API key "${key}" was revoked by ${admin.email}`;
    case 2:
      return `API key "${key}" exceeded the rate limit of 100 calls per minute for eventsFeed`;
    default:
      return `API key "${key}" permissions were changed by ${admin.email}`;
  }
}

function describeLogin(context: TBatchContext, admin: TAdmin, isApiKey: boolean): string {
  const { random, account } = context;
  if (isApiKey) return `API key "${random.pickItem(account.apiKeyNames)}" authenticated to the Cato API`;
  return random.rollChance(0.75)
    ? `Admin ${admin.email} logged in to the Cato Management Application`
    : `Admin ${admin.email} failed to log in: invalid credentials`;
}

/**
 * Administration through the Cato Management Application or an API key. Logins (and API-key
 * use) are Connectivity events in Cato's published records; the changes they make are
 * System events here (Cato's own sub-types for those are not published).
 */
export function buildSystemEvent(context: TBatchContext): TCatoRecord {
  const { random, account } = context;
  const isApiKey = random.rollChance(0.3);
  const isLogin = random.rollChance(0.5);
  const admin = random.pickItem(account.admins);
  const event = createEventBase(
    context,
    isLogin ? "Connectivity" : "System",
    isApiKey ? "ApiKey" : "Cato Management Application",
    pickTime(context),
  );
  event.event_message = isLogin
    ? describeLogin(context, admin, isApiKey)
    : isApiKey
      ? describeApiKeyAction(context, admin)
      : describeManagementAction(context, admin);
  event.user_name = admin.email;
  event.src_ip = admin.ip;
  event.src_country = admin.country.name;
  event.src_country_code = admin.country.code;
  return event;
}

// The reference gives no sub-types for Routing or Sockets Management events; these are assumed.
export function buildRoutingEvent(context: TBatchContext): TCatoRecord {
  const { random, account } = context;
  const site = random.pickItem(account.sites);
  const event = createEventBase(context, "Routing", "BGP", pickTime(context));
  const peer = `peer ${site.bgpPeerIp} (AS ${site.bgpAsn})`;
  switch (random.pickInt(0, 3)) {
    case 0:
      event.event_message = `BGP session with ${peer} changed state to Established`;
      break;
    case 1:
      event.event_message = `BGP session with ${peer} changed state to Idle: hold timer expired`;
      break;
    case 2:
      event.event_message = `Received ${random.pickInt(1, 40)} routes from ${peer}`;
      break;
    default:
      event.event_message = `Route ${site.subnetPrefix}.${random.pickInt(100, 200)}.0/24 withdrawn by ${peer}`;
  }
  addSiteFields(event, site);
  event.pop_name = site.pop.name;
  return event;
}

export function buildSocketsManagementEvent(context: TBatchContext): TCatoRecord {
  const { random, account } = context;
  const site = random.pickItem(account.socketSites);
  const model = site.socketModel ?? "Socket";
  const subType = random.pickItem(["Socket Upgrade", "Socket Reboot", "Socket HA"] as const);
  const event = createEventBase(context, "Sockets Management", subType, pickTime(context));
  if (subType === "Socket Upgrade") {
    event.event_message = `Socket ${model} upgraded to version ${site.socketVersion}`;
  } else if (subType === "Socket Reboot") {
    event.event_message = `Socket ${model} rebooted by ${random.pickItem(account.admins).email}`;
  } else {
    event.event_message = `Socket ${model} HA role changed to ${random.rollChance(0.5) ? "Primary" : "Secondary"}`;
  }
  addSiteFields(event, site);
  event.pop_name = site.pop.name;
  return event;
}

// Status and verdict value sets are not in the reference; these follow the XDR console's wording.
const pickStoryStatus = createWeightedPicker([
  ["Open", 5],
  ["Pending Analysis", 3],
  ["Pending More Info", 1],
  ["Closed", 2],
  ["Reopened", 1],
] as const);
const pickAnalystVerdict = createWeightedPicker([
  ["Pending", 6],
  ["Malicious", 2],
  ["Suspicious", 2],
  ["Benign", 1],
] as const);
const pickScenario = createWeightedPicker(STORY_SCENARIOS.map((scenario) => [scenario, scenario.weight] as const));

export function buildDetectionAndResponseEvent(context: TBatchContext, minimumRawDataBytes: number): TCatoRecord {
  const { random, account } = context;
  const scenario = pickScenario(random);
  const user = scenario.targetsSite ? undefined : random.pickItem(account.users);
  const site = user ? user.site : random.pickItem(account.sites);
  const story: TStory = {
    storyId: context.ids.createId(24),
    incidentId: context.ids.createId(24),
    scenario,
    status: pickStoryStatus(random),
    analystVerdict: pickAnalystVerdict(random),
    target: { user, site },
  };
  const event = createEventBase(context, "Detection and Response", scenario.producer, pickTime(context));
  event.event_message = scenario.title;
  event.story_id = story.storyId;
  event.incident_id = story.incidentId;
  event.status = story.status;
  event.analyst_verdict = story.analystVerdict;
  event.severity = scenario.severity;
  event.mitre_attack_tactics = scenario.mitreTactics.join(", ");
  if (user) event.user_name = user.name;
  if (site) event.src_site_name = site.name;
  const pop = user?.pop ?? site?.pop;
  if (pop) event.pop_name = pop.name;
  event.raw_data = createStoryRawData(context, story, minimumRawDataBytes);
  return event;
}
