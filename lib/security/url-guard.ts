import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIPv4, isIPv6, type LookupFunction } from "node:net";

/**
 * The destination guard: the product POSTs to Ingestion URLs that users type, so it
 * must not become a way to reach the product's own network (SSRF).
 *
 * Two checks, because a literal check cannot know what a name resolves to:
 * - at save time, `checkDestinationHost` refuses literal IPs in any spelling and
 *   reserved names (localhost, .internal, metadata names, ...);
 * - at connect time, `createGuardedLookup` resolves the name, checks every address,
 *   and hands the socket only the addresses it checked, so there is no second
 *   resolution for a rebinding DNS server to answer differently.
 *
 * Node calls `lookup` only for names: a socket opened to an IP literal never reaches
 * the guarded lookup, so the sender must also run `checkDestinationHost` on the URL's
 * host right before connecting. Redirects are never followed; that is the sender's job
 * (a 3xx reply is an error), since a redirect would lead to an unchecked URL.
 *
 * `allowPrivateNetworks` (HEC_ALLOW_PRIVATE_NETWORKS) is for operators whose Splunk
 * runs on their own private network. It lifts every address and name rule except the
 * cloud metadata ones: a metadata service hands out the host's cloud credentials, and
 * no Splunk listens there, so allowing private networks never needs to reach one.
 */

export type TAddressVerdict = { ok: true } | { ok: false; reason: string };

export type TGuardOptions = { allowPrivateNetworks: boolean };

/** The `code` of the errors the guarded lookup returns, for the sender to tell them from network errors. */
export const DESTINATION_REFUSED = "EDESTINATIONREFUSED";

export class DestinationRefusedError extends Error {
  override name = "DestinationRefusedError";
  readonly code = DESTINATION_REFUSED;
}

type TFamily = "ipv4" | "ipv6";
type TParsedAddress = { family: TFamily; address: string; zone?: string };
// `what` completes the sentence "<address> is ...".
type TJudgement = { ok: true } | { ok: false; what: string };

type TRange = { network: string; prefix: number; what: string };

/** One BlockList per description, checked in order, so a refusal can say which rule it broke. */
function buildRules(family: TFamily, ranges: TRange[]): { what: string; list: BlockList }[] {
  const rules: { what: string; list: BlockList }[] = [];
  for (const range of ranges) {
    let rule = rules.find((r) => r.what === range.what);
    if (!rule) {
      rule = { what: range.what, list: new BlockList() };
      rules.push(rule);
    }
    rule.list.addSubnet(range.network, range.prefix, family);
  }
  return rules;
}

const METADATA_WHAT = "a cloud metadata address";

// Refused even when private networks are allowed. Exact addresses rather than whole
// ranges, so an operator's own link-local or unique-local Splunk stays reachable.
const METADATA_IPV4 = buildRules("ipv4", [
  { network: "169.254.169.254", prefix: 32, what: METADATA_WHAT }, // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack
  { network: "169.254.170.2", prefix: 32, what: METADATA_WHAT }, // AWS ECS task metadata and credentials
  { network: "169.254.170.23", prefix: 32, what: METADATA_WHAT }, // AWS EKS Pod Identity agent
  { network: "169.254.0.23", prefix: 32, what: METADATA_WHAT }, // Tencent Cloud
  { network: "100.100.100.200", prefix: 32, what: METADATA_WHAT }, // Alibaba Cloud
  { network: "192.0.0.192", prefix: 32, what: METADATA_WHAT }, // Oracle Cloud (legacy)
  { network: "168.63.129.16", prefix: 32, what: "the Azure platform address (WireServer)" }, // public-looking, host-only
]);

const METADATA_IPV6 = buildRules("ipv6", [
  { network: "fd00:ec2::254", prefix: 128, what: METADATA_WHAT }, // AWS IMDS over IPv6
  { network: "fd00:ec2::23", prefix: 128, what: METADATA_WHAT }, // AWS EKS Pod Identity agent over IPv6
  { network: "fd20:ce::254", prefix: 128, what: METADATA_WHAT }, // GCP metadata server on IPv6-only VMs
]);

// IANA's special-purpose registry, the ranges not globally reachable. Order matters
// where ranges nest: the broadcast address before 240.0.0.0/4.
const SPECIAL_IPV4 = buildRules("ipv4", [
  { network: "255.255.255.255", prefix: 32, what: "the broadcast address" },
  { network: "0.0.0.0", prefix: 8, what: 'a "this network" address (0.0.0.0/8)' },
  { network: "127.0.0.0", prefix: 8, what: "a loopback address (127.0.0.0/8)" },
  { network: "10.0.0.0", prefix: 8, what: "a private address (10.0.0.0/8)" },
  { network: "172.16.0.0", prefix: 12, what: "a private address (172.16.0.0/12)" },
  { network: "192.168.0.0", prefix: 16, what: "a private address (192.168.0.0/16)" },
  { network: "100.64.0.0", prefix: 10, what: "a shared carrier-grade NAT address (100.64.0.0/10)" },
  { network: "169.254.0.0", prefix: 16, what: "a link-local address (169.254.0.0/16)" },
  { network: "192.0.0.0", prefix: 24, what: "an IETF protocol address (192.0.0.0/24)" },
  { network: "192.0.2.0", prefix: 24, what: "a documentation address (192.0.2.0/24)" },
  { network: "198.51.100.0", prefix: 24, what: "a documentation address (198.51.100.0/24)" },
  { network: "203.0.113.0", prefix: 24, what: "a documentation address (203.0.113.0/24)" },
  { network: "198.18.0.0", prefix: 15, what: "a benchmarking address (198.18.0.0/15)" },
  { network: "192.88.99.0", prefix: 24, what: "a retired 6to4 relay address (192.88.99.0/24)" },
  { network: "224.0.0.0", prefix: 4, what: "a multicast address (224.0.0.0/4)" },
  { network: "240.0.0.0", prefix: 4, what: "a reserved address (240.0.0.0/4)" },
]);

// Checked before embedded IPv4: as IPv4-compatible forms they would read as 0.0.0.0 and 0.0.0.1.
const UNSPECIFIED_AND_LOOPBACK_IPV6 = buildRules("ipv6", [
  { network: "::", prefix: 128, what: "the unspecified address (::), which reaches this machine" },
  { network: "::1", prefix: 128, what: "the loopback address (::1)" },
]);

const SPECIAL_IPV6 = buildRules("ipv6", [
  { network: "::", prefix: 96, what: "a deprecated IPv4-compatible address (::/96)" },
  { network: "::ffff:0:0:0", prefix: 96, what: "an IPv4-translated address (::ffff:0:0:0/96)" },
  { network: "64:ff9b:1::", prefix: 48, what: "a local-use NAT64 address (64:ff9b:1::/48)" },
  { network: "100::", prefix: 64, what: "a discard-only address (100::/64)" },
  { network: "2001:db8::", prefix: 32, what: "a documentation address (2001:db8::/32)" },
  { network: "3fff::", prefix: 20, what: "a documentation address (3fff::/20)" },
  { network: "2001::", prefix: 23, what: "an IETF protocol address (2001::/23), not globally reachable" },
  { network: "fc00::", prefix: 7, what: "a unique-local (private) address (fc00::/7)" },
  { network: "fe80::", prefix: 10, what: "a link-local address (fe80::/10)" },
  { network: "fec0::", prefix: 10, what: "a deprecated site-local address (fec0::/10)" },
  { network: "ff00::", prefix: 8, what: "a multicast address (ff00::/8)" },
]);

// Everything outside 2000::/3 is reserved or unassigned, so IPv6 is allowed by rule
// rather than refused by exception; forms embedding IPv4 are judged by that IPv4.
const GLOBAL_UNICAST_IPV6 = new BlockList();
GLOBAL_UNICAST_IPV6.addSubnet("2000::", 3, "ipv6");

// Always refused: they name a metadata service wherever the product runs in that cloud.
const METADATA_NAMES = new Set([
  "metadata.google.internal",
  "metadata", // GCP's short name, through the VM's search domain
  "instance-data", // AWS, through the VPC's search domain
  "instance-data.ec2.internal",
  "metadata.tencentyun.com",
]);

// Names that resolve only inside a network, never in public DNS: RFC 6761 special-use
// names, RFC 6762 (.local and, in its appendix G, the private names people use),
// RFC 8375 (home.arpa) and ICANN's 2024 reservation of .internal.
const PRIVATE_NAME_SUFFIXES = [
  "local",
  "localdomain",
  "internal",
  "intranet",
  "private",
  "corp",
  "home",
  "lan",
  "home.arpa",
  "test",
  "example",
  "invalid",
];

function findRule(rules: { what: string; list: BlockList }[], address: string, family: TFamily): string | undefined {
  return rules.find((rule) => rule.list.check(address, family))?.what;
}

function formatIPv4(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The WHATWG URL parser's IPv6 serialisation: lower case, compressed, no dotted tail. */
function canonicaliseIPv6(address: string): string | undefined {
  try {
    return new URL(`https://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** Eight 16-bit groups of a canonical IPv6 address. */
function splitIPv6(canonical: string): number[] {
  const [head = "", tail] = canonical.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

type TEmbedded = { form: string; ipv4: string[]; isJudgedByIPv4: boolean };

/**
 * The IPv4 address(es) an IPv6 address leads to. Forms that reach the IPv4 network
 * (mapped, NAT64, 6to4, Teredo) are as safe as the IPv4 they lead to; the others are
 * reserved anyway and only looked into for a better reason and for metadata.
 */
function findEmbeddedIPv4(groups: number[]): TEmbedded | undefined {
  const g = (i: number) => groups[i] ?? 0;
  const areZero = (from: number, to: number) => groups.slice(from, to).every((x) => x === 0);
  const last = [formatIPv4(g(6), g(7))];
  if (areZero(0, 5) && g(5) === 0xffff) return { form: "an IPv4-mapped address", ipv4: last, isJudgedByIPv4: true };
  if (areZero(0, 4) && g(4) === 0xffff && g(5) === 0) {
    return { form: "an IPv4-translated address", ipv4: last, isJudgedByIPv4: false };
  }
  if (areZero(0, 6)) return { form: "an IPv4-compatible address", ipv4: last, isJudgedByIPv4: false };
  if (g(0) === 0x64 && g(1) === 0xff9b && areZero(2, 6)) {
    return { form: "a NAT64 address", ipv4: last, isJudgedByIPv4: true };
  }
  if (g(0) === 0x64 && g(1) === 0xff9b && g(2) === 1) {
    return { form: "a local-use NAT64 address", ipv4: last, isJudgedByIPv4: false };
  }
  if (g(0) === 0x2002) return { form: "a 6to4 address", ipv4: [formatIPv4(g(1), g(2))], isJudgedByIPv4: true };
  if (g(0) === 0x2001 && g(1) === 0) {
    // Teredo: the client's IPv4 is stored inverted in the last 32 bits, the server's in bits 32-63.
    const client = formatIPv4(~g(6) & 0xffff, ~g(7) & 0xffff);
    return { form: "a Teredo address", ipv4: [client, formatIPv4(g(2), g(3))], isJudgedByIPv4: true };
  }
  return undefined;
}

/**
 * Reads an IP address in any spelling: IPv6 with or without brackets and a zone index,
 * IPv4 dotted-decimal, and the inet_aton forms (2130706433, 0x7f.1, 0177.0.0.1, 127.1)
 * by way of the WHATWG URL parser, which canonicalises them as browsers and Node do.
 */
function parseAddress(text: string): TParsedAddress | undefined {
  let value = text.trim();
  if (value.startsWith("[") && value.endsWith("]")) value = value.slice(1, -1);
  if (value.includes(":")) {
    const percent = value.indexOf("%");
    const bare = percent === -1 ? value : value.slice(0, percent);
    const zone = percent === -1 ? undefined : value.slice(percent + 1);
    if (!isIPv6(bare)) return undefined;
    const address = canonicaliseIPv6(bare);
    if (address === undefined) return undefined;
    return zone === undefined ? { family: "ipv6", address } : { family: "ipv6", address, zone };
  }
  if (isIPv4(value)) return { family: "ipv4", address: value };
  // Anything that would make the URL parser read a different host than the one given.
  if (value === "" || /[\s/\\?#@[\]]/.test(value)) return undefined;
  try {
    const hostname = new URL(`https://${value}/`).hostname;
    return isIPv4(hostname) ? { family: "ipv4", address: hostname } : undefined;
  } catch {
    return undefined;
  }
}

function judgeIPv4(address: string, allowPrivateNetworks: boolean): TJudgement {
  const metadata = findRule(METADATA_IPV4, address, "ipv4");
  if (metadata) return { ok: false, what: metadata };
  if (allowPrivateNetworks) return { ok: true };
  const special = findRule(SPECIAL_IPV4, address, "ipv4");
  return special ? { ok: false, what: special } : { ok: true };
}

function judgeIPv6(parsed: TParsedAddress, allowPrivateNetworks: boolean): TJudgement {
  const { address, zone } = parsed;
  const embedded = findEmbeddedIPv4(splitIPv6(address));
  const metadata = findRule(METADATA_IPV6, address, "ipv6");
  if (metadata) return { ok: false, what: metadata };
  for (const ipv4 of embedded?.ipv4 ?? []) {
    const what = findRule(METADATA_IPV4, ipv4, "ipv4");
    if (what) return { ok: false, what: `${embedded?.form} embedding ${ipv4}, ${what}` };
  }
  if (allowPrivateNetworks) return { ok: true };

  if (zone !== undefined) {
    return { ok: false, what: `a scoped address (zone ${zone}), which exists only on this machine's own links` };
  }
  const unspecifiedOrLoopback = findRule(UNSPECIFIED_AND_LOOPBACK_IPV6, address, "ipv6");
  if (unspecifiedOrLoopback) return { ok: false, what: unspecifiedOrLoopback };
  if (embedded) {
    for (const ipv4 of embedded.ipv4) {
      const verdict = judgeIPv4(ipv4, false);
      if (!verdict.ok) return { ok: false, what: `${embedded.form} embedding ${ipv4}, ${verdict.what}` };
    }
    if (embedded.isJudgedByIPv4) return { ok: true };
  }
  const special = findRule(SPECIAL_IPV6, address, "ipv6");
  if (special) return { ok: false, what: special };
  if (!GLOBAL_UNICAST_IPV6.check(address, "ipv6")) {
    return { ok: false, what: "outside the global unicast range (2000::/3), so reserved or unassigned" };
  }
  return { ok: true };
}

function judgeAddress(parsed: TParsedAddress, allowPrivateNetworks: boolean): TJudgement {
  return parsed.family === "ipv4"
    ? judgeIPv4(parsed.address, allowPrivateNetworks)
    : judgeIPv6(parsed, allowPrivateNetworks);
}

/** "0x7f.1 (127.0.0.1)" when the spelling differs, so the user sees what was understood. */
function describe(text: string, parsed: TParsedAddress): string {
  const written = text.trim();
  const bare = written.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const understood = parsed.zone === undefined ? parsed.address : `${parsed.address}%${parsed.zone}`;
  return bare === understood ? written : `${written} (${understood})`;
}

/** Classifies one IP address (any textual spelling Node's net/URL accept or that inet_aton would accept). */
export function checkAddress(address: string, options: TGuardOptions): TAddressVerdict {
  const parsed = parseAddress(address);
  if (!parsed) return { ok: false, reason: `${address.trim() || "An empty string"} is not an IP address` };
  const judgement = judgeAddress(parsed, options.allowPrivateNetworks);
  return judgement.ok ? judgement : { ok: false, reason: `${describe(address, parsed)} is ${judgement.what}` };
}

function judgeName(name: string, allowPrivateNetworks: boolean): TJudgement {
  if (METADATA_NAMES.has(name)) return { ok: false, what: "the name of a cloud metadata service" };
  if (allowPrivateNetworks) return { ok: true };
  if (name === "localhost" || name.endsWith(".localhost")) return { ok: false, what: "a name for this machine" };
  const suffix = PRIVATE_NAME_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix) return { ok: false, what: `a name under .${suffix}, which only resolves inside a private network` };
  if (!name.includes(".")) return { ok: false, what: "a single-label name, which only resolves on a local network" };
  return { ok: true };
}

/**
 * Save-time check of a normalised ingestion URL's host (no DNS): literal IPs in any
 * spelling and reserved names. Takes `url.hostname` as the URL parser gives it
 * (IPv6 in brackets); an unbracketed IPv6 address is read too.
 */
export function checkDestinationHost(hostname: string, options: TGuardOptions): TAddressVerdict {
  const text = hostname.trim();
  const refuse = (what: string): TAddressVerdict => ({ ok: false, reason: `${text} is ${what}` });
  if (text === "") return { ok: false, reason: "The host name is empty" };
  if (/[\s/\\?#@]/.test(text)) return refuse("not a host name");
  if (text.includes(":") && !text.startsWith("[")) {
    return parseAddress(text) ? checkAddress(text, options) : refuse("not a host name");
  }
  let canonical: string;
  try {
    canonical = new URL(`https://${text}/`).hostname;
  } catch {
    return refuse("not a valid host name");
  }
  if (canonical.startsWith("[") || isIPv4(canonical)) {
    const parsed = parseAddress(canonical);
    if (!parsed) return refuse("not a valid host name");
    const judgement = judgeAddress(parsed, options.allowPrivateNetworks);
    return judgement.ok ? judgement : { ok: false, reason: `${describe(text, parsed)} is ${judgement.what}` };
  }
  // A trailing dot makes a name absolute ("localhost."); it names the same host.
  const name = canonical.replace(/\.+$/, "");
  if (name === "" || name.split(".").includes("")) return refuse("not a valid host name");
  const judgement = judgeName(name, options.allowPrivateNetworks);
  return judgement.ok ? judgement : refuse(judgement.what);
}

/** The address as the socket will get it: the form that was judged, zone kept. */
function judgeResolvedAddress(
  address: string,
  allowPrivateNetworks: boolean,
): { ok: true; value: LookupAddress } | { ok: false; what: string } {
  const parsed = parseAddress(address);
  if (!parsed) return { ok: false, what: "not an IP address" };
  const judgement = judgeAddress(parsed, allowPrivateNetworks);
  if (!judgement.ok) return judgement;
  const zone = parsed.zone === undefined ? "" : `%${parsed.zone}`;
  return { ok: true, value: { address: `${parsed.address}${zone}`, family: parsed.family === "ipv4" ? 4 : 6 } };
}

/**
 * A `lookup` for node:net, node:tls and node:https. It checks the name, resolves it
 * with dns.lookup, and refuses if ANY address is refused rather than dropping the bad
 * ones: a name that mixes public and private answers is hostile or misconfigured, and
 * filtering would let an attacker keep a private address in the answer for a later try.
 * It hands back the addresses it checked (as it read them), so the socket connects to
 * a checked address and no second resolution happens. Honours `all` (which Node's
 * happy-eyeballs connect uses) and passes `family`, `hints` and `order` to the resolver.
 */
export function createGuardedLookup(options: {
  allowPrivateNetworks: boolean;
  resolve?: typeof dnsLookup;
}): LookupFunction {
  const { allowPrivateNetworks } = options;
  const resolve = options.resolve ?? dnsLookup;
  return (hostname, lookupOptions, callback) => {
    const fail = (error: NodeJS.ErrnoException) => callback(error, lookupOptions.all ? [] : "");
    const named = checkDestinationHost(hostname, { allowPrivateNetworks });
    if (!named.ok) {
      // dns.lookup always answers asynchronously; callers may rely on that.
      process.nextTick(fail, new DestinationRefusedError(`Refused to connect to ${hostname}: ${named.reason}`));
      return;
    }
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return fail(error);
      const checked: LookupAddress[] = [];
      for (const { address } of addresses) {
        const verdict = judgeResolvedAddress(address, allowPrivateNetworks);
        if (!verdict.ok) {
          const message = `Refused to connect to ${hostname}: it resolves to ${address}, ${verdict.what}`;
          return fail(new DestinationRefusedError(message));
        }
        checked.push(verdict.value);
      }
      const [first] = checked;
      if (!first) {
        const notFound: NodeJS.ErrnoException = new Error(`${hostname} did not resolve to any address`);
        notFound.code = "ENOTFOUND";
        return fail(notFound);
      }
      if (lookupOptions.all) callback(null, checked);
      else callback(null, first.address, first.family);
    });
  };
}
