import {
  pickApplicationIp,
  pickAttackerIp,
  pickServerIp,
  type TAccount,
  type TApplication,
  type TCountry,
  type TPop,
  type TSite,
  type TUser,
} from "@/lib/simulator/account";
import type { TCatoRecord } from "@/lib/simulator/generator";
import { toDecimalFlowId, type TIdSource } from "@/lib/simulator/ids";
import type { TPickers } from "@/lib/simulator/pickers";
import { createWeightedPicker, type TRandom } from "@/lib/simulator/random";
import { formatTimeStr } from "@/lib/simulator/time";

/** What one generate() call shares between the records it builds. */
export type TBatchContext = {
  random: TRandom;
  ids: TIdSource;
  account: TAccount;
  pickers: TPickers;
  /** Records fall in [windowStartMs, nowMs]: the second before nowMs. */
  windowStartMs: number;
  nowMs: number;
};

/**
 * A traffic flow: the 5-tuple enriched with who, what and how much. Events about the flow read their
 * fields from here, and the flow record is written from here, so the two always agree.
 */
export type TConnection = {
  flowId: string;
  source: "Site" | "VPN User" | "Internet";
  /** The source site, for traffic from a site. */
  site: TSite | undefined;
  user: TUser | undefined;
  /** The destination site, for site-to-site and inbound traffic. */
  destSite: TSite | undefined;
  pop: TPop;
  srcIp: string;
  srcPort: number;
  srcCountry: TCountry;
  srcIspIp: string | undefined;
  ispName: string | undefined;
  destIp: string;
  destPort: number;
  destCountry: TCountry;
  ipProtocol: "TCP" | "UDP";
  application: TApplication;
  domain: string | undefined;
  /** Undefined for site-to-site traffic: the reference gives INBOUND and OUTBOUND only. */
  direction: "INBOUND" | "OUTBOUND" | undefined;
  networkRule: string;
  tlsInspection: string;
  startMs: number;
  durationMs: number;
  /** When the flow record was written: its end for a terminated flow, the latest report otherwise. */
  timeMs: number;
  isTerminated: boolean;
  isBlocked: boolean;
  upstream: number;
  downstream: number;
  upstreamPackets: number;
  downstreamPackets: number;
};

type TSource = Pick<TConnection, "source" | "site" | "user" | "pop" | "srcIp" | "srcCountry" | "srcIspIp" | "ispName">;

function pickSource(context: TBatchContext): TSource {
  const { random, account } = context;
  if (random.rollChance(0.8)) {
    const user = random.pickItem(account.users);
    return {
      source: user.isRemote ? "VPN User" : "Site",
      site: user.site,
      user,
      pop: user.pop,
      srcIp: user.ip,
      srcCountry: user.country,
      srcIspIp: user.ispIp,
      ispName: user.ispName,
    };
  }
  // Printers, servers and IoT at a site: traffic with no user identity.
  const site = random.pickItem(account.sites);
  return {
    source: "Site",
    site,
    user: undefined,
    pop: site.pop,
    srcIp: `${site.subnetPrefix}.${random.pickInt(21, 40)}.${random.pickInt(2, 250)}`,
    srcCountry: site.country,
    srcIspIp: site.wanIp,
    ispName: site.ispName,
  };
}

// Names of network rules are the customer's own; these read like a typical policy.
function pickNetworkRule(application: TApplication): string {
  switch (application.kind) {
    case "real-time":
      return "Prioritize Real-Time Media";
    case "saas":
    case "file-sharing":
    case "generative-ai":
      return "Business Applications";
    case "streaming":
    case "social":
    case "risky":
      return "Recreational - Low Priority";
    case "internal":
      return "Site-to-Site Default";
    case "unknown":
      return "Internet Default";
  }
}

// The value set of tls_inspection is not in the reference; these three are assumed.
/** Cato's records say `true` or `false` for tls_inspection. */
export function catoTlsInspection(verdict: string): string {
  return verdict === "Inspected" ? "true" : "false";
}

function pickTlsInspection(application: TApplication, destPort: number, random: TRandom): string {
  if (destPort !== 443 || application.kind === "internal") return "Not Inspected";
  if (!application.isTlsInspected) return "Bypassed";
  return random.rollChance(0.9) ? "Inspected" : "Bypassed";
}

function pickEphemeralPort(random: TRandom): number {
  return random.pickInt(49152, 65535);
}

type TTraffic = Pick<
  TConnection,
  | "startMs"
  | "durationMs"
  | "timeMs"
  | "isTerminated"
  | "isBlocked"
  | "upstream"
  | "downstream"
  | "upstreamPackets"
  | "downstreamPackets"
>;

function countPackets(bytes: number, averagePacketBytes: number): number {
  return bytes === 0 ? 0 : Math.max(1, Math.round(bytes / averagePacketBytes));
}

function pickTraffic(context: TBatchContext, application: TApplication, isBlocked: boolean): TTraffic {
  const { random } = context;
  const timeMs = random.pickInt(context.windowStartMs, context.nowMs);
  let durationMs: number;
  let upstream: number;
  let downstream: number;
  let isTerminated: boolean;
  if (isBlocked) {
    // A blocked flow dies after the handshake and the first request.
    durationMs = random.pickInt(1, 150);
    upstream = random.pickInt(60, 1800);
    downstream = random.rollChance(0.5) ? 0 : random.pickInt(40, 1500);
    isTerminated = true;
  } else {
    const isLongLived = application.kind === "real-time" || application.kind === "streaming";
    durationMs = Math.round(isLongLived ? random.pickLogUniform(2_000, 3_600_000) : random.pickLogUniform(15, 180_000));
    upstream = Math.round(random.pickLogUniform(...application.upstreamBytes));
    downstream = Math.round(random.pickLogUniform(...application.downstreamBytes));
    isTerminated = random.rollChance(durationMs > 60_000 ? 0.5 : 0.9);
  }
  return {
    startMs: timeMs - durationMs,
    durationMs,
    timeMs,
    isTerminated,
    isBlocked,
    upstream,
    downstream,
    upstreamPackets: countPackets(upstream, random.pickInt(120, 700)),
    downstreamPackets: countPackets(downstream, random.pickInt(600, 1400)),
  };
}

/** Traffic from a site or remote user to an Internet application. */
export function createInternetConnection(
  context: TBatchContext,
  options: { application: TApplication; domains?: readonly string[]; destPort?: number; isBlocked: boolean },
): TConnection {
  const { random } = context;
  const { application } = options;
  const domains = options.domains ?? application.domains;
  const destPort = options.destPort ?? random.pickItem(application.destPorts);
  return {
    flowId: toDecimalFlowId(context.ids.createId(16), random),
    ...pickSource(context),
    destSite: undefined,
    srcPort: pickEphemeralPort(random),
    destIp: pickApplicationIp(application, random),
    destPort,
    destCountry: application.destCountry,
    ipProtocol: application.ipProtocol,
    application,
    domain: domains.length > 0 ? random.pickItem(domains) : undefined,
    direction: "OUTBOUND",
    networkRule: pickNetworkRule(application),
    tlsInspection: pickTlsInspection(application, destPort, random),
    ...pickTraffic(context, application, options.isBlocked),
  };
}

/** Site-to-site traffic over Cato's backbone: a user or device at one site reaching a server at another. */
export function createWanConnection(
  context: TBatchContext,
  options: { application: TApplication; isBlocked: boolean },
): TConnection {
  const { random, account } = context;
  const { application } = options;
  const source = pickSource(context);
  const otherSites = account.sites.filter((site) => site !== source.site);
  const destSite = random.pickItem(otherSites);
  const destPort = random.pickItem(application.destPorts);
  return {
    flowId: toDecimalFlowId(context.ids.createId(16), context.random),
    ...source,
    destSite,
    srcPort: pickEphemeralPort(random),
    destIp: pickServerIp(destSite, random),
    destPort,
    destCountry: destSite.country,
    ipProtocol: application.ipProtocol,
    application,
    domain: undefined,
    direction: undefined,
    networkRule: pickNetworkRule(application),
    tlsInspection: "Not Inspected",
    ...pickTraffic(context, application, options.isBlocked),
  };
}

/** A host on the Internet reaching a site's public address (scans, brute force, exploits). */
export function createInboundConnection(
  context: TBatchContext,
  options: { application: TApplication; destPort: number; isBlocked: boolean },
): TConnection {
  const { random, account } = context;
  const destSite = random.pickItem(account.sites);
  return {
    flowId: toDecimalFlowId(context.ids.createId(16), context.random),
    source: "Internet",
    site: undefined,
    user: undefined,
    destSite,
    pop: destSite.pop,
    srcIp: pickAttackerIp(random),
    srcPort: random.pickInt(1024, 65535),
    srcCountry: random.pickItem(account.externalCountries),
    srcIspIp: undefined,
    ispName: undefined,
    destIp: destSite.wanIp,
    destPort: options.destPort,
    destCountry: destSite.country,
    ipProtocol: options.application.ipProtocol,
    application: options.application,
    domain: undefined,
    direction: "INBOUND",
    networkRule: "Remote Port Forwarding",
    tlsInspection: "Not Inspected",
    ...pickTraffic(context, options.application, options.isBlocked),
  };
}

/** Marks a flow as stopped by a security engine: it ends there. */
export function blockConnection(connection: TConnection): void {
  connection.isBlocked = true;
  connection.isTerminated = true;
}

type TStandaloneKind = "internet" | "wan" | "inbound";

const pickStandaloneKind = createWeightedPicker<TStandaloneKind>([
  ["internet", 82],
  ["wan", 16],
  ["inbound", 2],
]);

/** Ordinary traffic that no security engine reported on: most flows are like this. */
export function createStandaloneConnection(context: TBatchContext): TConnection {
  const { random, pickers } = context;
  const kind = pickStandaloneKind(random);
  if (kind === "wan") {
    return createWanConnection(context, { application: pickers.pickWanApplication(random), isBlocked: false });
  }
  if (kind === "inbound") {
    // A published server at a site, reached through remote port forwarding.
    const application = pickers.pickWanApplication(random);
    const destPort = random.pickItem(application.destPorts);
    return createInboundConnection(context, { application, destPort, isBlocked: false });
  }
  return createInternetConnection(context, { application: pickers.pickInternetApplication(random), isBlocked: false });
}

export function formatFlowRecord(connection: TConnection, accountId: string): TCatoRecord {
  const record: TCatoRecord = {
    account_id: accountId,
    flow_id: connection.flowId,
    time: String(connection.timeMs),
    time_str: formatTimeStr(connection.timeMs),
    flow_start_time: String(connection.startMs),
    duration: String(connection.durationMs),
    is_flow_terminated: String(connection.isTerminated),
    src_ip: connection.srcIp,
    src_port: String(connection.srcPort),
    dest_ip: connection.destIp,
    dest_port: String(connection.destPort),
    ip_protocol: connection.ipProtocol,
  };
  if (connection.site) record.src_site_name = connection.site.name;
  if (connection.user) record.user_name = connection.user.name;
  record.application_name = connection.application.name;
  record.application_id = connection.application.id;
  record.application_risk_score = String(connection.application.riskScore);
  record.categories = connection.application.categories;
  record.traffic = String(connection.upstream + connection.downstream);
  record.upstream = String(connection.upstream);
  record.downstream = String(connection.downstream);
  // The reference speaks of "upstream/downstream packet and byte counts" without naming the packet fields.
  record.upstream_packets = String(connection.upstreamPackets);
  record.downstream_packets = String(connection.downstreamPackets);
  // Each record is one native flow, so it aggregates exactly one created flow.
  record.flows_created = "1";
  record.tls_inspection = catoTlsInspection(connection.tlsInspection);
  record.network_rule = connection.networkRule;
  if (connection.direction) record.traffic_direction = connection.direction;
  return record;
}
