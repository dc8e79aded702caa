import type { TRandom } from "@/lib/simulator/random";

/**
 * The Cato account the simulator pretends to be: sites, users, applications, PoPs, ISPs and policy,
 * built once from the seed so that every batch talks about the same company. All text is ASCII, so a
 * string's length is its size in bytes (the D&R raw_data size contract relies on it).
 */
export type TCountry = { code: string; name: string };

export type TPop = {
  name: string;
  country: TCountry;
  /** The PoP address that Internet traffic leaves from (Cato's NAT to the Internet). */
  egressIp: string;
};

export type TSite = {
  id: string;
  name: string;
  country: TCountry;
  pop: TPop;
  /** First two octets of the site's private /16, e.g. "10.12". */
  subnetPrefix: string;
  /** The site's public address on its ISP link. */
  wanIp: string;
  ispName: string;
  linkType: string;
  tunnelProtocol: string;
  /** Undefined for a site that connects with IPsec rather than a Socket. */
  socketModel: string | undefined;
  socketVersion: string;
  bgpPeerIp: string;
  bgpAsn: string;
};

export type TUser = {
  id: string;
  name: string;
  email: string;
  /** The site the user works at; undefined for remote (VPN/SDP) users. */
  site: TSite | undefined;
  isRemote: boolean;
  /** LAN address at the site, or the address Cato's client gets from the VPN range. */
  ip: string;
  /** Home ISP and public address of a remote user; the site's for site users. */
  ispName: string;
  ispIp: string;
  country: TCountry;
  pop: TPop;
  deviceName: string;
  osType: string;
  osVersion: string;
  /** Version of Cato's client, which remote users connect with. */
  clientVersion: string;
  userAgent: string;
};

export type TApplicationKind =
  "saas" | "real-time" | "file-sharing" | "streaming" | "social" | "generative-ai" | "risky" | "internal" | "unknown";

export type TApplication = {
  id: string;
  name: string;
  categories: string;
  /** Cato's application risk score; assumed 1 (low) to 10 (high), the scale is not in the reference. */
  riskScore: number;
  kind: TApplicationKind;
  domains: readonly string[];
  /** Leading octets of the addresses the application is served from. */
  ipPrefixes: readonly string[];
  destPorts: readonly number[];
  ipProtocol: "TCP" | "UDP";
  destCountry: TCountry;
  /** Byte ranges of a typical flow, upstream and downstream. */
  upstreamBytes: readonly [number, number];
  downstreamBytes: readonly [number, number];
  /** Relative share of standalone flows. */
  flowWeight: number;
  isTlsInspected: boolean;
};

export type TFirewallRule = {
  id: string;
  name: string;
  action: "Allow" | "Block" | "Monitor";
  applications: readonly TApplication[];
  weight: number;
};

export type TIpsSignature = {
  id: string;
  threatName: string;
  threatType: string;
  riskLevel: "Low" | "Medium" | "High" | "Critical";
  direction: "INBOUND" | "OUTBOUND";
  application: TApplication;
  destPort: number;
  /** Hosts an OUTBOUND signature fires on (C2, phishing, mining pools). */
  domains: readonly string[];
  mitreTactics: string;
  mitreTechniques: string;
  /** Where an analyst reads about the threat. */
  reference: string;
  weight: number;
};

export type TMalwareSample = {
  fileName: string;
  fileType: string;
  fileSize: number;
  fileHash: string;
  threatName: string;
  weight: number;
};

export type TAdmin = { name: string; email: string; ip: string; country: TCountry };

export type TAccount = {
  id: string;
  emailDomain: string;
  pops: readonly TPop[];
  sites: readonly TSite[];
  /** Sites connected by a Socket, the subjects of Sockets Management events. */
  socketSites: readonly TSite[];
  users: readonly TUser[];
  /** Users who work away from the sites and connect with Cato's client (VPN/SDP). */
  remoteUsers: readonly TUser[];
  admins: readonly TAdmin[];
  applications: readonly TApplication[];
  /** Where downloads come from: the applications Anti Malware events are about. */
  fileSharingApplications: readonly TApplication[];
  internetRules: readonly TFirewallRule[];
  wanRules: readonly TFirewallRule[];
  ipsSignatures: readonly TIpsSignature[];
  malwareSamples: readonly TMalwareSample[];
  apiKeyNames: readonly string[];
  /** Where attackers and unknown hosts sit. */
  externalCountries: readonly TCountry[];
};

const COUNTRIES = {
  US: { code: "US", name: "United States" },
  GB: { code: "GB", name: "United Kingdom" },
  IL: { code: "IL", name: "Israel" },
  DE: { code: "DE", name: "Germany" },
  SG: { code: "SG", name: "Singapore" },
  FR: { code: "FR", name: "France" },
  CA: { code: "CA", name: "Canada" },
  NL: { code: "NL", name: "Netherlands" },
  IE: { code: "IE", name: "Ireland" },
  RU: { code: "RU", name: "Russian Federation" },
  CN: { code: "CN", name: "China" },
  BR: { code: "BR", name: "Brazil" },
  VN: { code: "VN", name: "Vietnam" },
  KP: { code: "KP", name: "North Korea" },
  IR: { code: "IR", name: "Iran" },
} satisfies Record<string, TCountry>;

type TCountryCode = keyof typeof COUNTRIES;

const POP_SEEDS: readonly Omit<TPop, "egressIp">[] = [
  { name: "New York", country: COUNTRIES.US },
  { name: "Chicago", country: COUNTRIES.US },
  { name: "Ashburn", country: COUNTRIES.US },
  { name: "London_2", country: COUNTRIES.GB },
  { name: "Frankfurt", country: COUNTRIES.DE },
  { name: "Paris", country: COUNTRIES.FR },
  { name: "Amsterdam", country: COUNTRIES.NL },
  { name: "Tel Aviv", country: COUNTRIES.IL },
  { name: "Singapore", country: COUNTRIES.SG },
  { name: "Toronto", country: COUNTRIES.CA },
];

const ISPS: Record<string, readonly string[]> = {
  US: ["Verizon Business", "Comcast Business", "AT&T Services", "Spectrum Enterprise"],
  GB: ["British Telecommunications", "Virgin Media Business", "Colt Technology Services"],
  IL: ["Bezeq International", "Partner Communications", "Cellcom Israel"],
  DE: ["Deutsche Telekom AG", "Vodafone GmbH"],
  SG: ["Singtel", "StarHub"],
  FR: ["Orange S.A.", "SFR"],
  CA: ["Bell Canada", "Rogers Communications"],
  NL: ["KPN B.V.", "Ziggo"],
  IE: ["Eir", "Vodafone Ireland"],
};

// First octets of widely used public unicast ranges, so generated addresses never look private or reserved.
const PUBLIC_FIRST_OCTETS = [24, 38, 45, 50, 62, 66, 68, 71, 73, 77, 79, 80, 81, 82, 84, 85, 86, 87, 89, 91, 93, 94];
const ATTACKER_FIRST_OCTETS = [5, 31, 37, 45, 46, 91, 103, 109, 141, 176, 185, 193, 194, 195, 212, 217];

type TSiteSeed = {
  name: string;
  country: TCountryCode;
  pop: string;
  socketModel: string | undefined;
};

const SITE_SEEDS: readonly TSiteSeed[] = [
  { name: "NYC-HQ", country: "US", pop: "New York", socketModel: "X1700" },
  { name: "London-Office", country: "GB", pop: "London_2", socketModel: "X1600" },
  { name: "Tel-Aviv-DC", country: "IL", pop: "Tel Aviv", socketModel: "X1700" },
  { name: "Frankfurt-Branch", country: "DE", pop: "Frankfurt", socketModel: "X1500" },
  { name: "Singapore-Office", country: "SG", pop: "Singapore", socketModel: "X1600" },
  { name: "Chicago-Branch", country: "US", pop: "Chicago", socketModel: "X1500" },
  { name: "Paris-Sales", country: "FR", pop: "Paris", socketModel: undefined },
  { name: "Toronto-Office", country: "CA", pop: "Toronto", socketModel: "X1600" },
];

// link_type and tunnel_protocol values are not listed in the reference; these are plausible assumptions.
const LINK_TYPES = ["Internet", "Internet", "Alt. WAN", "LTE"];
const SOCKET_VERSIONS = ["21.0.18517", "22.0.19209", "22.0.19654", "23.0.20112"];

// prettier-ignore
const FIRST_NAMES = [
  "Dana", "Noam", "Maya", "Oren", "Emily", "James", "Sophie", "Oliver", "Chloe", "Lucas",
  "Hannah", "Felix", "Wei", "Priya", "Arjun", "Mei", "Lea", "Hugo", "Camille", "Ethan",
  "Olivia", "Daniel", "Tamar", "Yossi", "Sarah", "Michael", "Laura", "Jonas", "Aisha", "Marco",
  "Elena", "Kenji", "Grace", "Samuel", "Nina", "Omar", "Julia", "Tom", "Rachel", "Adam",
];

// prettier-ignore
const LAST_NAMES = [
  "Cohen", "Levi", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Muller", "Schmidt", "Dubois",
  "Martin", "Tan", "Lim", "Chen", "Patel", "Sharma", "Nguyen", "Garcia", "Rossi", "Friedman",
  "Katz", "Mizrahi", "Walker", "Clarke", "Becker", "Weber", "Moreau", "Laurent", "Wong", "Ong",
];

type TApplicationSeed = Omit<TApplication, "destCountry"> & { destCountry: TCountryCode };

const KB = 1024;
const MB = 1024 * 1024;

// Application ids as lowercase slugs: the reference names the field, not the format of its values.
// prettier-ignore
const APPLICATION_SEEDS: readonly TApplicationSeed[] = [
  { id: "office365", name: "Office365", categories: "Business Systems, Collaboration", riskScore: 1, kind: "saas", domains: ["outlook.office365.com", "login.microsoftonline.com", "graph.microsoft.com", "acmecorp.sharepoint.com"], ipPrefixes: ["52.96", "40.99", "52.97"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 400 * KB], downstreamBytes: [8 * KB, 6 * MB], flowWeight: 16, isTlsInspected: true },
  { id: "microsoft_teams", name: "Microsoft Teams", categories: "Collaboration, Video Conferencing", riskScore: 1, kind: "real-time", domains: ["teams.microsoft.com", "api.teams.skype.com"], ipPrefixes: ["52.112", "52.113"], destPorts: [443, 3478], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [20 * KB, 40 * MB], downstreamBytes: [20 * KB, 60 * MB], flowWeight: 8, isTlsInspected: false },
  { id: "salesforce", name: "Salesforce", categories: "CRM, Business Systems", riskScore: 1, kind: "saas", domains: ["acmecorp.my.salesforce.com", "login.salesforce.com"], ipPrefixes: ["136.146", "101.53"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 200 * KB], downstreamBytes: [10 * KB, 3 * MB], flowWeight: 6, isTlsInspected: true },
  { id: "zoom", name: "Zoom", categories: "Video Conferencing", riskScore: 2, kind: "real-time", domains: ["zoom.us", "us05web.zoom.us"], ipPrefixes: ["170.114", "206.247"], destPorts: [443, 8801], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [50 * KB, 80 * MB], downstreamBytes: [50 * KB, 120 * MB], flowWeight: 6, isTlsInspected: false },
  { id: "slack", name: "Slack", categories: "Collaboration, Instant Messaging", riskScore: 2, kind: "saas", domains: ["acmecorp.slack.com", "files.slack.com", "wss-primary.slack.com"], ipPrefixes: ["3.120", "54.88"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [1 * KB, 300 * KB], downstreamBytes: [2 * KB, 2 * MB], flowWeight: 8, isTlsInspected: true },
  { id: "github", name: "GitHub", categories: "Development Tools", riskScore: 2, kind: "file-sharing", domains: ["github.com", "api.github.com", "raw.githubusercontent.com", "objects.githubusercontent.com"], ipPrefixes: ["140.82", "185.199"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 2 * MB], downstreamBytes: [10 * KB, 40 * MB], flowWeight: 5, isTlsInspected: true },
  { id: "atlassian", name: "Atlassian", categories: "Development Tools, Collaboration", riskScore: 1, kind: "saas", domains: ["acmecorp.atlassian.net", "api.atlassian.com"], ipPrefixes: ["104.192", "185.166"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 300 * KB], downstreamBytes: [10 * KB, 4 * MB], flowWeight: 4, isTlsInspected: true },
  { id: "google_workspace", name: "Google Workspace", categories: "Business Systems, Email", riskScore: 1, kind: "saas", domains: ["mail.google.com", "docs.google.com", "calendar.google.com"], ipPrefixes: ["142.250", "172.217"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 500 * KB], downstreamBytes: [10 * KB, 5 * MB], flowWeight: 5, isTlsInspected: true },
  { id: "zendesk", name: "Zendesk", categories: "CRM", riskScore: 2, kind: "saas", domains: ["acmecorp.zendesk.com"], ipPrefixes: ["216.198", "104.16"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 100 * KB], downstreamBytes: [10 * KB, 2 * MB], flowWeight: 2, isTlsInspected: true },
  { id: "workday", name: "Workday", categories: "HR, Business Systems", riskScore: 1, kind: "saas", domains: ["wd5.myworkday.com"], ipPrefixes: ["199.48"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 100 * KB], downstreamBytes: [10 * KB, 2 * MB], flowWeight: 1, isTlsInspected: true },
  { id: "okta", name: "Okta", categories: "Identity Management", riskScore: 1, kind: "saas", domains: ["acmecorp.okta.com", "login.okta.com"], ipPrefixes: ["3.97", "52.6"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [1 * KB, 30 * KB], downstreamBytes: [4 * KB, 200 * KB], flowWeight: 3, isTlsInspected: false },
  { id: "aws", name: "Amazon Web Services", categories: "Cloud Services, IaaS", riskScore: 2, kind: "saas", domains: ["s3.amazonaws.com", "console.aws.amazon.com", "ec2.us-east-1.amazonaws.com"], ipPrefixes: ["52.216", "54.231", "3.5"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 20 * MB], downstreamBytes: [4 * KB, 60 * MB], flowWeight: 5, isTlsInspected: true },
  { id: "dropbox", name: "Dropbox", categories: "File Sharing", riskScore: 4, kind: "file-sharing", domains: ["www.dropbox.com", "dl.dropboxusercontent.com", "content.dropboxapi.com"], ipPrefixes: ["162.125"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 50 * MB], downstreamBytes: [10 * KB, 80 * MB], flowWeight: 3, isTlsInspected: true },
  { id: "wetransfer", name: "WeTransfer", categories: "File Sharing", riskScore: 5, kind: "file-sharing", domains: ["wetransfer.com", "download.wetransfer.com"], ipPrefixes: ["18.66", "99.84"], destPorts: [443], ipProtocol: "TCP", destCountry: "NL", upstreamBytes: [2 * KB, 80 * MB], downstreamBytes: [10 * KB, 120 * MB], flowWeight: 1, isTlsInspected: true },
  { id: "google_drive", name: "Google Drive", categories: "File Sharing, Cloud Storage", riskScore: 3, kind: "file-sharing", domains: ["drive.google.com", "drive.usercontent.google.com"], ipPrefixes: ["142.250", "216.58"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 40 * MB], downstreamBytes: [10 * KB, 60 * MB], flowWeight: 3, isTlsInspected: true },
  { id: "box", name: "Box", categories: "File Sharing, Cloud Storage", riskScore: 3, kind: "file-sharing", domains: ["app.box.com", "dl.boxcloud.com"], ipPrefixes: ["74.112", "107.152"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 40 * MB], downstreamBytes: [10 * KB, 60 * MB], flowWeight: 1, isTlsInspected: true },
  { id: "discord", name: "Discord", categories: "Instant Messaging, Gaming", riskScore: 6, kind: "file-sharing", domains: ["discord.com", "cdn.discordapp.com", "gateway.discord.gg"], ipPrefixes: ["162.159"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [1 * KB, 2 * MB], downstreamBytes: [4 * KB, 20 * MB], flowWeight: 1, isTlsInspected: true },
  { id: "youtube", name: "YouTube", categories: "Streaming Media", riskScore: 3, kind: "streaming", domains: ["www.youtube.com", "rr3---sn-4g5e6nz7.googlevideo.com", "i.ytimg.com"], ipPrefixes: ["142.250", "173.194"], destPorts: [443], ipProtocol: "UDP", destCountry: "US", upstreamBytes: [10 * KB, 2 * MB], downstreamBytes: [500 * KB, 300 * MB], flowWeight: 6, isTlsInspected: false },
  { id: "netflix", name: "Netflix", categories: "Streaming Media", riskScore: 3, kind: "streaming", domains: ["www.netflix.com", "ipv4-c001-nyc001-ix.1.oca.nflxvideo.net"], ipPrefixes: ["45.57", "198.38"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [10 * KB, 1 * MB], downstreamBytes: [1 * MB, 500 * MB], flowWeight: 1, isTlsInspected: false },
  { id: "spotify", name: "Spotify", categories: "Streaming Media, Music", riskScore: 3, kind: "streaming", domains: ["open.spotify.com", "audio-ak-spotify-com.akamaized.net"], ipPrefixes: ["35.186", "104.154"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [4 * KB, 200 * KB], downstreamBytes: [200 * KB, 30 * MB], flowWeight: 2, isTlsInspected: false },
  { id: "linkedin", name: "LinkedIn", categories: "Social Networks", riskScore: 3, kind: "social", domains: ["www.linkedin.com", "media.licdn.com"], ipPrefixes: ["13.107", "108.174"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 200 * KB], downstreamBytes: [20 * KB, 8 * MB], flowWeight: 2, isTlsInspected: true },
  { id: "facebook", name: "Facebook", categories: "Social Networks", riskScore: 4, kind: "social", domains: ["www.facebook.com", "scontent.xx.fbcdn.net"], ipPrefixes: ["157.240", "31.13"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 400 * KB], downstreamBytes: [20 * KB, 20 * MB], flowWeight: 2, isTlsInspected: true },
  { id: "tiktok", name: "TikTok", categories: "Social Networks, Streaming Media", riskScore: 7, kind: "social", domains: ["www.tiktok.com", "v16-webapp.tiktok.com"], ipPrefixes: ["23.53", "161.117"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [4 * KB, 500 * KB], downstreamBytes: [200 * KB, 80 * MB], flowWeight: 1, isTlsInspected: true },
  { id: "chatgpt", name: "ChatGPT", categories: "Generative AI", riskScore: 5, kind: "generative-ai", domains: ["chatgpt.com", "api.openai.com"], ipPrefixes: ["104.18", "172.64"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 2 * MB], downstreamBytes: [4 * KB, 4 * MB], flowWeight: 2, isTlsInspected: true },
  { id: "claude", name: "Claude", categories: "Generative AI", riskScore: 4, kind: "generative-ai", domains: ["claude.ai", "api.anthropic.com"], ipPrefixes: ["160.79"], destPorts: [443], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [2 * KB, 2 * MB], downstreamBytes: [4 * KB, 4 * MB], flowWeight: 1, isTlsInspected: true },
  { id: "bet365", name: "Bet365", categories: "Gambling", riskScore: 8, kind: "risky", domains: ["www.bet365.com"], ipPrefixes: ["5.226"], destPorts: [443], ipProtocol: "TCP", destCountry: "GB", upstreamBytes: [1 * KB, 50 * KB], downstreamBytes: [4 * KB, 2 * MB], flowWeight: 0.2, isTlsInspected: false },
  { id: "nordvpn", name: "NordVPN", categories: "Anonymizers", riskScore: 9, kind: "risky", domains: ["nordvpn.com", "us8412.nordvpn.com"], ipPrefixes: ["194.35", "185.246"], destPorts: [443, 1194], ipProtocol: "UDP", destCountry: "NL", upstreamBytes: [1 * KB, 20 * MB], downstreamBytes: [1 * KB, 60 * MB], flowWeight: 0.2, isTlsInspected: false },
  { id: "bittorrent", name: "BitTorrent", categories: "P2P", riskScore: 9, kind: "risky", domains: ["tracker.opentrackr.org", "router.bittorrent.com"], ipPrefixes: ["93.158", "185.21"], destPorts: [6881, 6969], ipProtocol: "UDP", destCountry: "NL", upstreamBytes: [1 * KB, 40 * MB], downstreamBytes: [1 * KB, 200 * MB], flowWeight: 0.2, isTlsInspected: false },
  { id: "dns", name: "DNS", categories: "Network Services", riskScore: 1, kind: "unknown", domains: ["dns.google", "one.one.one.one"], ipPrefixes: ["8.8", "1.1"], destPorts: [53], ipProtocol: "UDP", destCountry: "US", upstreamBytes: [60, 400], downstreamBytes: [80, 1200], flowWeight: 10, isTlsInspected: false },
  { id: "tcp", name: "Unknown TCP", categories: "Uncategorized", riskScore: 6, kind: "unknown", domains: ["update-checker.top", "cdn-telemetry.xyz", "static-assets-cdn.click", "login-verify-account.info"], ipPrefixes: ["185.220", "45.134", "91.215"], destPorts: [443, 8080, 8443, 4444], ipProtocol: "TCP", destCountry: "RU", upstreamBytes: [200, 200 * KB], downstreamBytes: [200, 400 * KB], flowWeight: 1, isTlsInspected: false },
  { id: "udp", name: "Unknown UDP", categories: "Uncategorized", riskScore: 6, kind: "unknown", domains: ["ntp-sync-pool.xyz"], ipPrefixes: ["103.75", "45.95"], destPorts: [3333, 5060, 9000], ipProtocol: "UDP", destCountry: "CN", upstreamBytes: [100, 50 * KB], downstreamBytes: [100, 50 * KB], flowWeight: 0.5, isTlsInspected: false },
  // Site-to-site (WAN) applications: destinations are servers inside the account's sites.
  { id: "ssh", name: "SSH", categories: "Remote Access", riskScore: 3, kind: "internal", domains: [], ipPrefixes: [], destPorts: [22], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [4 * KB, 2 * MB], downstreamBytes: [4 * KB, 10 * MB], flowWeight: 1, isTlsInspected: false },
  { id: "rdp", name: "RDP", categories: "Remote Access", riskScore: 4, kind: "internal", domains: [], ipPrefixes: [], destPorts: [3389], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [40 * KB, 20 * MB], downstreamBytes: [200 * KB, 200 * MB], flowWeight: 1, isTlsInspected: false },
  { id: "smb", name: "SMB", categories: "File Sharing, Network Services", riskScore: 3, kind: "internal", domains: [], ipPrefixes: [], destPorts: [445], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [4 * KB, 40 * MB], downstreamBytes: [4 * KB, 200 * MB], flowWeight: 2, isTlsInspected: false },
  { id: "ldap", name: "LDAP", categories: "Network Services, Directory Services", riskScore: 2, kind: "internal", domains: [], ipPrefixes: [], destPorts: [389, 636], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [500, 20 * KB], downstreamBytes: [1 * KB, 200 * KB], flowWeight: 2, isTlsInspected: false },
  { id: "kerberos", name: "Kerberos", categories: "Network Services, Directory Services", riskScore: 2, kind: "internal", domains: [], ipPrefixes: [], destPorts: [88], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [500, 6 * KB], downstreamBytes: [800, 8 * KB], flowWeight: 2, isTlsInspected: false },
  { id: "ms_sql", name: "MS SQL", categories: "Database", riskScore: 3, kind: "internal", domains: [], ipPrefixes: [], destPorts: [1433], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [1 * KB, 2 * MB], downstreamBytes: [2 * KB, 40 * MB], flowWeight: 1, isTlsInspected: false },
  { id: "http", name: "HTTP", categories: "Web", riskScore: 3, kind: "internal", domains: [], ipPrefixes: [], destPorts: [80, 8080], ipProtocol: "TCP", destCountry: "US", upstreamBytes: [500, 200 * KB], downstreamBytes: [1 * KB, 5 * MB], flowWeight: 1, isTlsInspected: false },
];

type TRuleSeed = { name: string; action: TFirewallRule["action"]; applicationIds: readonly string[]; weight: number };

// prettier-ignore
const INTERNET_RULE_SEEDS: readonly TRuleSeed[] = [
  { name: "Monitor File Sharing", action: "Monitor", applicationIds: ["dropbox", "wetransfer", "google_drive", "box", "discord", "github"], weight: 16 },
  { name: "Monitor Social Media", action: "Monitor", applicationIds: ["linkedin", "facebook", "tiktok"], weight: 10 },
  { name: "Monitor Generative AI", action: "Monitor", applicationIds: ["chatgpt", "claude"], weight: 8 },
  { name: "Monitor Streaming Media", action: "Monitor", applicationIds: ["youtube", "netflix", "spotify"], weight: 8 },
  { name: "Allow Business SaaS", action: "Allow", applicationIds: ["office365", "microsoft_teams", "salesforce", "zoom", "slack", "atlassian", "google_workspace", "zendesk", "workday", "okta", "aws"], weight: 12 },
  { name: "Block Gambling", action: "Block", applicationIds: ["bet365"], weight: 4 },
  { name: "Block Anonymizers and P2P", action: "Block", applicationIds: ["nordvpn", "bittorrent"], weight: 5 },
  { name: "Block Uncategorized Hosts", action: "Block", applicationIds: ["tcp", "udp"], weight: 6 },
  { name: "Block TikTok for Finance", action: "Block", applicationIds: ["tiktok"], weight: 2 },
];

// prettier-ignore
const WAN_RULE_SEEDS: readonly TRuleSeed[] = [
  { name: "Allow Branches to DC Services", action: "Allow", applicationIds: ["ldap", "kerberos", "smb"], weight: 10 },
  { name: "Monitor RDP Between Sites", action: "Monitor", applicationIds: ["rdp"], weight: 6 },
  { name: "Allow IT SSH to Servers", action: "Allow", applicationIds: ["ssh"], weight: 4 },
  { name: "Monitor SQL Access to DC", action: "Monitor", applicationIds: ["ms_sql"], weight: 4 },
  { name: "Block Guest Wi-Fi to Corporate", action: "Block", applicationIds: ["http", "smb", "rdp"], weight: 5 },
];

type TSignatureSeed = Omit<TIpsSignature, "application" | "id"> & { applicationId: string };

// Signature id format is not in the reference; numeric ids like those of common IPS rule sets.
// prettier-ignore
const IPS_SIGNATURE_SEEDS: readonly TSignatureSeed[] = [
  { threatName: "Suspicious SSH Scanner Activity", threatType: "Reputation", riskLevel: "Medium", direction: "INBOUND", applicationId: "ssh", destPort: 22, domains: [], mitreTactics: "Reconnaissance, Credential Access", mitreTechniques: "Active Scanning, Brute Force", reference: "https://attack.mitre.org/techniques/T1110/", weight: 14 },
  { threatName: "Known Malicious IP - Inbound RDP", threatType: "Reputation", riskLevel: "High", direction: "INBOUND", applicationId: "rdp", destPort: 3389, domains: [], mitreTactics: "Initial Access", mitreTechniques: "External Remote Services", reference: "https://attack.mitre.org/techniques/T1133/", weight: 8 },
  { threatName: "Apache Log4j Remote Code Execution (CVE-2021-44228)", threatType: "Exploit", riskLevel: "Critical", direction: "INBOUND", applicationId: "http", destPort: 8080, domains: [], mitreTactics: "Initial Access, Execution", mitreTechniques: "Exploit Public-Facing Application", reference: "https://nvd.nist.gov/vuln/detail/CVE-2021-44228", weight: 4 },
  { threatName: "Microsoft Exchange ProxyShell (CVE-2021-34473)", threatType: "Exploit", riskLevel: "Critical", direction: "INBOUND", applicationId: "tcp", destPort: 443, domains: [], mitreTactics: "Initial Access", mitreTechniques: "Exploit Public-Facing Application", reference: "https://nvd.nist.gov/vuln/detail/CVE-2021-34473", weight: 3 },
  { threatName: "SMB Remote Code Execution (MS17-010 EternalBlue)", threatType: "Exploit", riskLevel: "Critical", direction: "INBOUND", applicationId: "smb", destPort: 445, domains: [], mitreTactics: "Lateral Movement", mitreTechniques: "Exploitation of Remote Services", reference: "https://nvd.nist.gov/vuln/detail/CVE-2017-0144", weight: 2 },
  { threatName: "Nmap Scripting Engine Scan", threatType: "Scan", riskLevel: "Low", direction: "INBOUND", applicationId: "http", destPort: 80, domains: [], mitreTactics: "Reconnaissance", mitreTechniques: "Active Scanning", reference: "https://attack.mitre.org/techniques/T1595/", weight: 6 },
  { threatName: "Cobalt Strike Beacon C2 Communication", threatType: "Malware", riskLevel: "Critical", direction: "OUTBOUND", applicationId: "tcp", destPort: 443, domains: ["update-checker.top", "cdn-telemetry.xyz"], mitreTactics: "Command and Control", mitreTechniques: "Application Layer Protocol, Encrypted Channel", reference: "https://attack.mitre.org/software/S0154/", weight: 3 },
  { threatName: "Emotet C2 Communication", threatType: "Malware", riskLevel: "High", direction: "OUTBOUND", applicationId: "tcp", destPort: 8080, domains: ["static-assets-cdn.click"], mitreTactics: "Command and Control", mitreTechniques: "Non-Standard Port", reference: "https://attack.mitre.org/software/S0367/", weight: 3 },
  { threatName: "Outbound Connection to Known Phishing Domain", threatType: "Reputation", riskLevel: "Medium", direction: "OUTBOUND", applicationId: "tcp", destPort: 443, domains: ["login-verify-account.info"], mitreTactics: "Initial Access", mitreTechniques: "Phishing", reference: "https://attack.mitre.org/techniques/T1566/", weight: 6 },
  { threatName: "Cryptocurrency Mining Pool Connection", threatType: "Malware", riskLevel: "Medium", direction: "OUTBOUND", applicationId: "udp", destPort: 3333, domains: ["ntp-sync-pool.xyz"], mitreTactics: "Impact", mitreTechniques: "Resource Hijacking", reference: "https://attack.mitre.org/techniques/T1496/", weight: 3 },
  { threatName: "DNS Tunneling Activity", threatType: "Malware", riskLevel: "High", direction: "OUTBOUND", applicationId: "dns", destPort: 53, domains: ["dns.google"], mitreTactics: "Command and Control, Exfiltration", mitreTechniques: "Protocol Tunneling", reference: "https://attack.mitre.org/techniques/T1071/004/", weight: 2 },
];

const MALWARE_SEEDS: readonly Omit<TMalwareSample, "fileHash">[] = [
  {
    fileName: "Invoice_2291.pdf.exe",
    fileType: "PE32 executable",
    fileSize: 482304,
    threatName: "Trojan.GenericKD.46789012",
    weight: 5,
  },
  {
    fileName: "Q3_Payroll_Update.xlsm",
    fileType: "Microsoft Excel macro-enabled workbook",
    fileSize: 91136,
    threatName: "Trojan.Downloader.Emotet",
    weight: 4,
  },
  {
    fileName: "setup_free_vpn.exe",
    fileType: "PE32 executable",
    fileSize: 6815744,
    threatName: "Adware.Bundler.InstallCore",
    weight: 3,
  },
  {
    fileName: "DHL_Shipment_Notice.zip",
    fileType: "ZIP archive",
    fileSize: 1245184,
    threatName: "Trojan.Agent.Qakbot",
    weight: 3,
  },
  {
    fileName: "chrome_update.msi",
    fileType: "Windows Installer package",
    fileSize: 3407872,
    threatName: "Trojan.Win32.SocGholish",
    weight: 2,
  },
  {
    fileName: "scan_0042.iso",
    fileType: "ISO 9660 disk image",
    fileSize: 2097152,
    threatName: "Backdoor.IcedID",
    weight: 2,
  },
  {
    fileName: "keygen_photoshop.exe",
    fileType: "PE32 executable",
    fileSize: 733184,
    threatName: "PUP.HackTool.Keygen",
    weight: 3,
  },
  {
    fileName: "meeting_notes.one",
    fileType: "Microsoft OneNote document",
    fileSize: 315392,
    threatName: "Trojan.OneNote.AsyncRAT",
    weight: 2,
  },
  {
    fileName: "loader.ps1",
    fileType: "PowerShell script",
    fileSize: 4096,
    threatName: "Trojan.PowerShell.Downloader",
    weight: 2,
  },
];

const API_KEY_NAMES = ["splunk-events-feed", "terraform-provisioning", "soc-automation", "backup-reporting"];

function formatIp(prefix: string, random: TRandom): string {
  const parts = prefix.split(".");
  while (parts.length < 3) parts.push(String(random.pickInt(0, 255)));
  return `${parts.join(".")}.${random.pickInt(1, 254)}`;
}

export function pickPublicIp(random: TRandom): string {
  return formatIp(String(random.pickItem(PUBLIC_FIRST_OCTETS)), random);
}

export function pickAttackerIp(random: TRandom): string {
  return formatIp(String(random.pickItem(ATTACKER_FIRST_OCTETS)), random);
}

/** An address the application is served from. */
export function pickApplicationIp(application: TApplication, random: TRandom): string {
  if (application.ipPrefixes.length === 0) return pickPublicIp(random);
  return formatIp(random.pickItem(application.ipPrefixes), random);
}

/** A server inside the site (its .0.x block holds servers; users are above it). */
export function pickServerIp(site: TSite, random: TRandom): string {
  return `${site.subnetPrefix}.0.${random.pickInt(10, 60)}`;
}

function pickUniqueInt(random: TRandom, min: number, max: number, taken: Set<number>): number {
  let value = random.pickInt(min, max);
  while (taken.has(value)) value = random.pickInt(min, max);
  taken.add(value);
  return value;
}

function createUuid(random: TRandom): string {
  const hex = random.pickHex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function findPop(pops: readonly TPop[], name: string): TPop {
  const pop = pops.find((candidate) => candidate.name === name);
  if (!pop) throw new Error(`unknown PoP ${name}`);
  return pop;
}

function findNearestPop(pops: readonly TPop[], country: TCountry, random: TRandom): TPop {
  const local = pops.filter((pop) => pop.country.code === country.code);
  return local.length > 0 ? random.pickItem(local) : findPop(pops, "Amsterdam");
}

function createSites(random: TRandom, pops: readonly TPop[]): TSite[] {
  const takenIds = new Set<number>();
  return SITE_SEEDS.map((seed, index) => {
    const country = COUNTRIES[seed.country];
    return {
      // Site ids are numeric in Cato's API.
      id: String(pickUniqueInt(random, 100000, 999999, takenIds)),
      name: seed.name,
      country,
      pop: findPop(pops, seed.pop),
      subnetPrefix: `10.${10 + index}`,
      wanIp: pickPublicIp(random),
      ispName: random.pickItem(ISPS[country.code] ?? ["Unknown ISP"]),
      linkType: random.pickItem(LINK_TYPES),
      tunnelProtocol: seed.socketModel ? "DTLS" : "IPsec",
      socketModel: seed.socketModel,
      socketVersion: random.pickItem(SOCKET_VERSIONS),
      bgpPeerIp: `10.${10 + index}.0.254`,
      bgpAsn: String(65000 + index * 10),
    };
  });
}

/**
 * os_type as Cato's records spell it. OS_WINDOWS and OS_MAC are seen in published records;
 * the others follow the same pattern and are assumed.
 */
const CATO_OS_TYPES: Record<string, string> = {
  Windows: "OS_WINDOWS",
  macOS: "OS_MAC",
  Linux: "OS_LINUX",
  iOS: "OS_IOS",
  Android: "OS_ANDROID",
};

export function catoOsType(osType: string): string {
  return CATO_OS_TYPES[osType] ?? "OS_UNKNOWN";
}

// The operating systems users run (their names here are the simulator's own; see catoOsType).
const OS_TYPES = ["Windows", "Windows", "Windows", "macOS", "macOS", "Linux", "iOS", "Android"];
const OS_VERSIONS: Record<string, readonly string[]> = {
  Windows: ["10.0.19045", "10.0.22631", "10.0.26100"],
  macOS: ["14.6.1", "15.1", "15.3.2"],
  Linux: ["Ubuntu 22.04", "Ubuntu 24.04", "Fedora 40"],
  iOS: ["17.6.1", "18.2"],
  Android: ["14", "15"],
};
const USER_AGENTS: Record<string, readonly string[]> = {
  Windows: [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  ],
  macOS: [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  ],
  Linux: ["Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"],
  iOS: [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
  ],
  Android: [
    "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
  ],
};
const CLIENT_VERSIONS = ["5.10.12.1820", "5.11.3.1944", "5.12.1.2031"];

function createUsers(random: TRandom, pops: readonly TPop[], sites: readonly TSite[], emailDomain: string): TUser[] {
  const takenNames = new Set<string>();
  const takenIds = new Set<number>();
  const takenHosts = new Set<string>();
  const users: TUser[] = [];
  for (let index = 0; index < 40; index++) {
    let first = random.pickItem(FIRST_NAMES);
    let last = random.pickItem(LAST_NAMES);
    while (takenNames.has(`${first} ${last}`)) {
      first = random.pickItem(FIRST_NAMES);
      last = random.pickItem(LAST_NAMES);
    }
    takenNames.add(`${first} ${last}`);
    // A third of the staff work remotely; fixed by position so every account has some.
    const isRemote = index % 3 === 1;
    const homeSite = random.pickItem(sites);
    // Remote users mostly live near an office; a few travel.
    const country = isRemote && random.rollChance(0.2) ? COUNTRIES.IE : homeSite.country;
    let host = `${random.pickInt(1, 20)}.${random.pickInt(2, 250)}`;
    while (takenHosts.has(host)) host = `${random.pickInt(1, 20)}.${random.pickInt(2, 250)}`;
    takenHosts.add(host);
    const osType = random.pickItem(OS_TYPES);
    const deviceSuffix =
      osType === "macOS" ? "MBP" : osType === "iOS" ? "IPHONE" : osType === "Android" ? "PIXEL" : "LT";
    users.push({
      id: String(pickUniqueInt(random, 1000, 99999, takenIds)),
      name: `${first} ${last}`,
      email: `${first}.${last}@${emailDomain}`.toLowerCase(),
      site: isRemote ? undefined : homeSite,
      isRemote,
      // Cato's client takes addresses from the account's VPN range; 10.41.0.0/16 is a common choice.
      ip: isRemote ? `10.41.${host}` : `${homeSite.subnetPrefix}.${host}`,
      ispName: isRemote ? random.pickItem(ISPS[country.code] ?? ["Unknown ISP"]) : homeSite.ispName,
      ispIp: isRemote ? pickPublicIp(random) : homeSite.wanIp,
      country,
      pop: isRemote ? findNearestPop(pops, country, random) : homeSite.pop,
      deviceName: `${first.charAt(0)}${last}-${deviceSuffix}`.toUpperCase(),
      osType,
      osVersion: random.pickItem(OS_VERSIONS[osType] ?? ["unknown"]),
      clientVersion: random.pickItem(CLIENT_VERSIONS),
      userAgent: random.pickItem(USER_AGENTS[osType] ?? USER_AGENTS.Windows ?? []),
    });
  }
  return users;
}

function createRules(
  random: TRandom,
  seeds: readonly TRuleSeed[],
  applications: ReadonlyMap<string, TApplication>,
): TFirewallRule[] {
  return seeds.map((seed) => ({
    // Rule id format is not in the reference; Cato shows GUID-like ids for policy rules.
    id: createUuid(random),
    name: seed.name,
    action: seed.action,
    applications: seed.applicationIds.map((id) => findApplication(applications, id)),
    weight: seed.weight,
  }));
}

function findApplication(applications: ReadonlyMap<string, TApplication>, id: string): TApplication {
  const application = applications.get(id);
  if (!application) throw new Error(`unknown application ${id}`);
  return application;
}

export function createAccount(random: TRandom, accountId: string): TAccount {
  const emailDomain = "acmecorp.com";
  const pops = POP_SEEDS.map((seed) => ({ ...seed, egressIp: pickPublicIp(random) }));
  const sites = createSites(random, pops);
  const users = createUsers(random, pops, sites, emailDomain);
  const applications = APPLICATION_SEEDS.map((seed) => ({ ...seed, destCountry: COUNTRIES[seed.destCountry] }));
  const applicationsById = new Map(applications.map((application) => [application.id, application]));
  const takenSignatureIds = new Set<number>();
  const admins = users.slice(0, 3).map((user) => ({
    name: user.name,
    email: user.email,
    ip: user.ispIp,
    country: user.country,
  }));
  return {
    id: accountId,
    emailDomain,
    pops,
    sites,
    socketSites: sites.filter((site) => site.socketModel !== undefined),
    users,
    remoteUsers: users.filter((user) => user.isRemote),
    admins,
    applications,
    fileSharingApplications: applications.filter((application) => application.kind === "file-sharing"),
    internetRules: createRules(random, INTERNET_RULE_SEEDS, applicationsById),
    wanRules: createRules(random, WAN_RULE_SEEDS, applicationsById),
    ipsSignatures: IPS_SIGNATURE_SEEDS.map(({ applicationId, ...seed }) => ({
      ...seed,
      id: String(pickUniqueInt(random, 2000000, 2999999, takenSignatureIds)),
      application: findApplication(applicationsById, applicationId),
    })),
    malwareSamples: MALWARE_SEEDS.map((seed) => ({ ...seed, fileHash: random.pickHex(64) })),
    apiKeyNames: API_KEY_NAMES,
    externalCountries: [
      COUNTRIES.RU,
      COUNTRIES.CN,
      COUNTRIES.BR,
      COUNTRIES.VN,
      COUNTRIES.KP,
      COUNTRIES.IR,
      COUNTRIES.NL,
    ],
  };
}
