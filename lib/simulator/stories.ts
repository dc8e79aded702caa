import { catoOsType, pickAttackerIp, type TCountry, type TSite, type TUser } from "@/lib/simulator/account";
import type { TRandom } from "@/lib/simulator/random";
import type { TBatchContext } from "@/lib/simulator/traffic";

/**
 * Detection and Response (XOps) stories. Cato puts the whole story into the event's `raw_data`; the
 * reference says only that it is a JSON story and can be large, so the layout below (targets,
 * indicators, timeline) is modelled on what the XDR console shows, not on a published schema.
 */
export type TStoryScenario = {
  title: string;
  /** Used as event_sub_type; the reference lists no sub-types for this event type, these are assumed. */
  producer: "Threat Hunting" | "Threat Prevention" | "Anomaly";
  severity: "Low" | "Medium" | "High" | "Critical";
  mitreTactics: readonly string[];
  mitreTechniques: readonly string[];
  indicatorType: "domain" | "ip" | "sha256";
  indicators: readonly string[];
  timelineSubType: string;
  timelineAction: string;
  destPort: number;
  applicationName: string;
  targetsSite: boolean;
  weight: number;
};

// prettier-ignore
export const STORY_SCENARIOS: readonly TStoryScenario[] = [
  { title: "Suspected Cobalt Strike C2 Communication", producer: "Threat Hunting", severity: "Critical", mitreTactics: ["Command and Control"], mitreTechniques: ["T1071.001 Web Protocols", "T1573 Encrypted Channel"], indicatorType: "domain", indicators: ["update-checker.top", "cdn-telemetry.xyz"], timelineSubType: "IPS", timelineAction: "Block", destPort: 443, applicationName: "Unknown TCP", targetsSite: false, weight: 2 },
  { title: "Anomalous Upload Volume to File Sharing", producer: "Anomaly", severity: "Medium", mitreTactics: ["Exfiltration"], mitreTechniques: ["T1567.002 Exfiltration to Cloud Storage"], indicatorType: "domain", indicators: ["content.dropboxapi.com", "wetransfer.com"], timelineSubType: "Internet Firewall", timelineAction: "Monitor", destPort: 443, applicationName: "Dropbox", targetsSite: false, weight: 3 },
  { title: "Repeated Malware Downloads on Host", producer: "Threat Prevention", severity: "High", mitreTactics: ["Execution", "Initial Access"], mitreTechniques: ["T1204.002 Malicious File"], indicatorType: "sha256", indicators: [], timelineSubType: "Anti Malware", timelineAction: "Block", destPort: 443, applicationName: "Discord", targetsSite: false, weight: 2 },
  { title: "SSH Brute Force Against Published Server", producer: "Threat Prevention", severity: "Medium", mitreTactics: ["Credential Access"], mitreTechniques: ["T1110.001 Password Guessing"], indicatorType: "ip", indicators: [], timelineSubType: "IPS", timelineAction: "Block", destPort: 22, applicationName: "SSH", targetsSite: true, weight: 3 },
  { title: "Cryptocurrency Mining Activity", producer: "Threat Hunting", severity: "High", mitreTactics: ["Impact"], mitreTechniques: ["T1496 Resource Hijacking"], indicatorType: "domain", indicators: ["ntp-sync-pool.xyz"], timelineSubType: "IPS", timelineAction: "Monitor", destPort: 3333, applicationName: "Unknown UDP", targetsSite: false, weight: 1 },
  { title: "Phishing Site Visited From Multiple Hosts", producer: "Threat Hunting", severity: "Low", mitreTactics: ["Initial Access"], mitreTechniques: ["T1566.002 Spearphishing Link"], indicatorType: "domain", indicators: ["login-verify-account.info"], timelineSubType: "Internet Firewall", timelineAction: "Block", destPort: 443, applicationName: "Unknown TCP", targetsSite: false, weight: 2 },
];

const INTEL_SOURCES = ["Cato Threat Intelligence", "VirusTotal", "AlienVault OTX", "abuse.ch", "Spamhaus"];

type TStoryTarget = { user: TUser | undefined; site: TSite | undefined };

export type TStory = {
  storyId: string;
  incidentId: string;
  scenario: TStoryScenario;
  status: string;
  analystVerdict: string;
  target: TStoryTarget;
};

function formatIsoTime(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

function pickIndicatorValue(scenario: TStoryScenario, random: TRandom): string {
  if (scenario.indicatorType === "sha256") return random.pickHex(64);
  if (scenario.indicatorType === "ip" || scenario.indicators.length === 0) return pickAttackerIp(random);
  return random.pickItem(scenario.indicators);
}

function describeTarget(target: TStoryTarget, country: TCountry | undefined) {
  if (target.user) {
    return {
      type: "user",
      name: target.user.name,
      email: target.user.email,
      ip: target.user.ip,
      site: target.user.site?.name ?? "Remote",
      device_name: target.user.deviceName,
      os_type: catoOsType(target.user.osType),
      country: country?.name,
    };
  }
  return {
    type: "site",
    name: target.site?.name ?? "",
    ip: target.site?.wanIp ?? "",
    country: country?.name,
  };
}

/**
 * The story as JSON, with the timeline last so that a large story can be made by repeating timeline
 * entries (a beaconing host produces thousands of near-identical signals) without building an object
 * graph of megabytes. The result is valid JSON of at least `minimumBytes` bytes.
 */
export function createStoryRawData(context: TBatchContext, story: TStory, minimumBytes: number): string {
  const { random, account } = context;
  const { scenario, target } = story;
  const country = target.user?.country ?? target.site?.country;
  const firstSignalMs = context.nowMs - random.pickInt(3_600_000, 48 * 3_600_000);
  const timelineLength = random.pickInt(40, 160);
  const stepMs = Math.max(1, Math.floor((context.nowMs - firstSignalMs) / timelineLength));

  const indicatorCount = random.pickInt(3, 25);
  const indicators = [];
  for (let index = 0; index < indicatorCount; index++) {
    indicators.push({
      type: scenario.indicatorType,
      value: pickIndicatorValue(scenario, random),
      reputation: random.rollChance(0.7) ? "Malicious" : "Suspicious",
      sources: [random.pickItem(INTEL_SOURCES), random.pickItem(INTEL_SOURCES)],
      first_seen: formatIsoTime(firstSignalMs - random.pickInt(0, 30 * 86_400_000)),
      hits: random.pickInt(1, 500),
    });
  }

  const targets = [describeTarget(target, country)];
  const extraTargets = random.pickInt(0, 3);
  for (let index = 0; index < extraTargets; index++) {
    const user = random.pickItem(account.users);
    targets.push(describeTarget({ user, site: user.site }, user.country));
  }

  const sourceIp = target.user?.ip ?? pickAttackerIp(random);
  const destinationIp = target.user ? pickAttackerIp(random) : (target.site?.wanIp ?? "");
  const timeline = [];
  for (let index = 0; index < timelineLength; index++) {
    const upstream = random.pickInt(200, 40_000);
    const downstream = random.pickInt(0, 200_000);
    timeline.push({
      time: formatIsoTime(firstSignalMs + index * stepMs + random.pickInt(0, stepMs - 1)),
      event_type: "Security",
      event_sub_type: scenario.timelineSubType,
      action: scenario.timelineAction,
      src_ip: target.user ? sourceIp : pickAttackerIp(random),
      src_port: random.pickInt(49152, 65535),
      dest_ip: destinationIp,
      dest_port: scenario.destPort,
      domain_name: scenario.indicators.length > 0 ? random.pickItem(scenario.indicators) : undefined,
      application_name: scenario.applicationName,
      pop_name: target.user?.pop.name ?? target.site?.pop.name,
      upstream,
      downstream,
      traffic: upstream + downstream,
      flow_id: random.pickHex(32),
    });
  }

  const json = JSON.stringify({
    story_id: story.storyId,
    incident_id: story.incidentId,
    account_id: account.id,
    title: scenario.title,
    producer: scenario.producer,
    severity: scenario.severity,
    criticality: random.pickInt(1, 10),
    status: story.status,
    analyst_verdict: story.analystVerdict,
    created_time: formatIsoTime(firstSignalMs),
    updated_time: formatIsoTime(context.nowMs),
    first_signal_time: formatIsoTime(firstSignalMs),
    last_signal_time: formatIsoTime(context.nowMs - random.pickInt(0, 60_000)),
    mitre: { tactics: scenario.mitreTactics, techniques: scenario.mitreTechniques },
    summary: `${scenario.title}: ${timelineLength} signals from ${targets.length} target(s) matched ${indicatorCount} indicator(s).`,
    targets,
    indicators,
    timeline,
  });
  if (json.length >= minimumBytes) return json;

  // `json` ends with `...]}`: the timeline array, then the object. Repeat its entries inside the array.
  const entries = JSON.stringify(timeline).slice(1, -1);
  const repeats = Math.ceil((minimumBytes - json.length) / (entries.length + 1));
  return `${json.slice(0, -2)}${`,${entries}`.repeat(repeats)}]}`;
}
