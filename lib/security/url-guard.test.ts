import type { LookupAddress, LookupOptions, lookup } from "node:dns";
import { once } from "node:events";
import https from "node:https";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normaliseIngestionUrl } from "@/lib/integrations/ingestion-url";
import { checkAddress, checkDestinationHost, createGuardedLookup, DESTINATION_REFUSED } from "@/lib/security/url-guard";

const STRICT = { allowPrivateNetworks: false };
const LENIENT = { allowPrivateNetworks: true };

/** The host as the app gets it: the typed URL normalised, then parsed again. */
function hostOf(input: string): string {
  const result = normaliseIngestionUrl(input);
  if (!result.ok) throw new Error(`expected ${input} to be a valid ingestion URL: ${result.reason}`);
  return new URL(result.value).hostname;
}

const METADATA = true;

/**
 * Hosts and URLs a user might type to reach the product's own network. Add every
 * bypass found here. The second field marks metadata destinations, which stay refused
 * when private networks are allowed.
 */
const HOSTILE: [input: string, isMetadata?: boolean][] = [
  // Loopback, in every spelling the URL parser accepts.
  ["127.0.0.1"],
  ["127.1"],
  ["127.0.1"],
  ["2130706433"],
  ["0x7f000001"],
  ["0x7f.1"],
  ["0X7F.0x0.0x0.0x1"],
  ["0177.0.0.1"],
  ["0177.1"],
  ["017700000001"],
  ["127.000.000.001"],
  ["127.0.0.1."],
  ["127.255.255.254"],
  ["%31%32%37.0.0.1"],
  ["１２７.０.０.１"],
  ["127。0。0。1"],
  ["https://127.0.0.1:8088/services/collector/event"],
  // "This network": 0.0.0.0 reaches this machine.
  ["0"],
  ["0x0"],
  ["0.0.0.0"],
  ["0.1.2.3"],
  // Private and shared.
  ["10.0.0.1"],
  ["10.255.255.255"],
  ["012.1"],
  ["167772161"],
  ["172.16.0.1"],
  ["172.31.255.254"],
  ["0xac100001"],
  ["192.168.0.1"],
  ["https://192.168.1.1:8088"],
  ["3232235777"],
  ["100.64.0.1"],
  ["100.127.255.254"],
  ["169.254.0.1"],
  // Other special-purpose IPv4.
  ["192.0.0.1"],
  ["192.0.2.1"],
  ["198.18.0.1"],
  ["198.19.255.255"],
  ["198.51.100.1"],
  ["203.0.113.1"],
  ["192.88.99.1"],
  ["224.0.0.1"],
  ["239.255.255.250"],
  ["240.0.0.1"],
  ["255.255.255.255"],
  ["4294967295"],
  // Cloud metadata, direct and embedded.
  ["169.254.169.254", METADATA],
  ["2852039166", METADATA],
  ["0xa9fea9fe", METADATA],
  ["0251.0376.0251.0376", METADATA],
  ["169.254.43518", METADATA],
  ["169.254.170.2", METADATA],
  ["100.100.100.200", METADATA],
  ["168.63.129.16", METADATA],
  ["192.0.0.192", METADATA],
  ["[fd00:ec2::254]", METADATA],
  ["[FD00:EC2:0:0:0:0:0:254]", METADATA],
  ["[fd20:ce::254]", METADATA],
  ["[::ffff:169.254.169.254]", METADATA],
  ["[::ffff:a9fe:a9fe]", METADATA],
  ["[64:ff9b::169.254.169.254]", METADATA],
  ["[2002:a9fe:a9fe::1]", METADATA],
  ["[::169.254.169.254]", METADATA],
  ["metadata.google.internal", METADATA],
  ["METADATA.GOOGLE.INTERNAL.", METADATA],
  ["metadata", METADATA],
  ["instance-data.ec2.internal", METADATA],
  ["https://metadata.google.internal/computeMetadata/v1", METADATA],
  // IPv6.
  ["[::]"],
  ["[0:0:0:0:0:0:0:0]"],
  ["[::1]"],
  ["[0:0:0:0:0:0:0:1]"],
  ["https://[::1]:8088"],
  ["[::ffff:127.0.0.1]"],
  ["[::ffff:7f00:1]"],
  ["[0:0:0:0:0:ffff:7f00:1]"],
  ["[::ffff:10.0.0.1]"],
  ["[::127.0.0.1]"],
  ["[::ffff:0:127.0.0.1]"],
  ["[::8.8.8.8]"],
  ["[64:ff9b::10.0.0.1]"],
  ["[64:ff9b::7f00:1]"],
  ["[64:ff9b:1::a00:1]"],
  ["[2002:7f00:1::]"],
  ["[2002:c0a8:101::1]"],
  ["[2001:0:4136:e378:8000:63bf:80ff:fffe]"], // Teredo, client 127.0.0.1
  ["[2001:0:4136:e378:8000:63bf:f5ff:fffe]"], // Teredo, client 10.0.0.1
  ["[2001:0:a00:1:8000:63bf:f7f7:f7f7]"], // Teredo, server 10.0.0.1
  ["[fc00::1]"],
  ["[fd12:3456:789a::1]"],
  ["[fe80::1]"],
  ["[febf::1]"],
  ["[fec0::1]"],
  ["[ff02::1]"],
  ["[ff05::1:3]"],
  ["[2001:db8::1]"],
  ["[3fff::1]"],
  ["[100::1]"],
  ["[5f00::1]"],
  // Names that only resolve inside a network.
  ["localhost"],
  ["LOCALHOST."],
  ["localhost.."],
  ["foo.localhost"],
  ["ｌｏｃａｌｈｏｓｔ"],
  ["https://localhost:8088/services/collector"],
  ["splunk.local"],
  ["splunk.internal"],
  ["localhost.localdomain"],
  ["router.home.arpa"],
  ["hec.corp"],
  ["hec.lan"],
  ["splunk"],
];

const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "[2606:4700:4700::1111]",
  "http-inputs-acme.splunkcloud.com",
  "https://http-inputs-acme.splunkcloud.com:443/services/collector/event",
  "splunk.example.com",
  "134744072", // 8.8.8.8
  // Just outside the refused ranges.
  "11.0.0.1",
  "126.255.255.255",
  "128.0.0.1",
  "100.63.255.255",
  "100.128.0.1",
  "169.253.255.255",
  "172.15.255.255",
  "172.32.0.1",
  "192.167.255.255",
  "192.169.0.1",
  "198.17.255.255",
  "198.20.0.1",
  "223.255.255.255",
  "169.254.169.254.nip.io", // a name: only the connect-time check can see where it leads
  // IPv6 forms that lead to a public IPv4.
  "[::ffff:8.8.8.8]",
  "[64:ff9b::8.8.8.8]",
  "[2002:808:808::1]",
  "[2001:0:4136:e378:8000:63bf:f7f7:f7f7]", // Teredo, client 8.8.8.8
  "[2a00:1450:4001:80b::200e]",
];

describe("checkDestinationHost", () => {
  it.each(HOSTILE)("refuses %s, saying in words which rule it breaks", (input) => {
    const verdict = checkDestinationHost(hostOf(input), STRICT);
    expect(verdict.ok).toBe(false);
    // "<host> is a loopback address (127.0.0.0/8)", "... is a name for this machine", ...
    expect(!verdict.ok && verdict.reason).toMatch(/ is (a|an|the|not|outside) \S+/);
  });

  it.each(HOSTILE.filter(([, isMetadata]) => !isMetadata))("allows %s when private networks are allowed", (input) => {
    expect(checkDestinationHost(hostOf(input), LENIENT)).toEqual({ ok: true });
  });

  it.each(HOSTILE.filter(([, isMetadata]) => isMetadata))(
    "refuses metadata %s even when private networks are allowed",
    (input) => {
      const verdict = checkDestinationHost(hostOf(input), LENIENT);
      expect(verdict.ok).toBe(false);
    },
  );

  it.each(PUBLIC)("allows %s", (input) => {
    expect(checkDestinationHost(hostOf(input), STRICT)).toEqual({ ok: true });
  });

  it("says in plain words what was understood and why it is refused", () => {
    expect(checkDestinationHost("0x7f.1", STRICT)).toEqual({
      ok: false,
      reason: "0x7f.1 (127.0.0.1) is a loopback address (127.0.0.0/8)",
    });
    expect(checkDestinationHost(hostOf("[::ffff:127.0.0.1]"), STRICT)).toEqual({
      ok: false,
      reason: "[::ffff:7f00:1] is an IPv4-mapped address embedding 127.0.0.1, a loopback address (127.0.0.0/8)",
    });
    expect(checkDestinationHost("[2002:c0a8:101::1]", STRICT)).toEqual({
      ok: false,
      reason: "[2002:c0a8:101::1] is a 6to4 address embedding 192.168.1.1, a private address (192.168.0.0/16)",
    });
    expect(checkDestinationHost("169.254.169.254", LENIENT)).toEqual({
      ok: false,
      reason: "169.254.169.254 is a cloud metadata address",
    });
    expect(checkDestinationHost("localhost", STRICT)).toEqual({
      ok: false,
      reason: "localhost is a name for this machine",
    });
    expect(checkDestinationHost("splunk.internal", STRICT)).toEqual({
      ok: false,
      reason: "splunk.internal is a name under .internal, which only resolves inside a private network",
    });
  });

  it.each(["[fe80::1%25eth0]", "[::ffff:0177.0.0.1]", "256.0.0.1", "4294967296", "08.0.0.1", "1.2.3.4.5"])(
    "%s cannot be saved at all, and the guard refuses it too",
    (input) => {
      expect(normaliseIngestionUrl(input).ok).toBe(false);
      expect(checkDestinationHost(input, LENIENT).ok).toBe(false);
    },
  );

  it.each(["evil.com@127.0.0.1", "127.0.0.1@evil.com", "evil.com/x", "host:8088", "a..b", ""])(
    "refuses %j, which is not a bare host name",
    (input) => {
      expect(checkDestinationHost(input, LENIENT).ok).toBe(false);
    },
  );
});

describe("checkAddress", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1 is a loopback address (127.0.0.0/8)"],
    ["0177.0.0.1", "0177.0.0.1 (127.0.0.1) is a loopback address (127.0.0.0/8)"],
    ["2130706433", "2130706433 (127.0.0.1) is a loopback address (127.0.0.0/8)"],
    ["::1", "::1 is the loopback address (::1)"],
    ["[::1]", "[::1] is the loopback address (::1)"],
    [
      "0:0:0:0:0:ffff:7f00:1",
      "0:0:0:0:0:ffff:7f00:1 (::ffff:7f00:1) is an IPv4-mapped address embedding 127.0.0.1, a loopback address (127.0.0.0/8)",
    ],
    ["fe80::1%eth0", "fe80::1%eth0 is a scoped address (zone eth0), which exists only on this machine's own links"],
    ["255.255.255.255", "255.255.255.255 is the broadcast address"],
    ["100.64.0.1", "100.64.0.1 is a shared carrier-grade NAT address (100.64.0.0/10)"],
  ])("refuses %s: %s", (address, reason) => {
    expect(checkAddress(address, STRICT)).toEqual({ ok: false, reason });
  });

  it.each(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "[2606:4700:4700::1111]", "::ffff:8.8.8.8"])(
    "allows %s",
    (address) => {
      expect(checkAddress(address, STRICT)).toEqual({ ok: true });
    },
  );

  it.each(["fd00:ec2::254", "::ffff:169.254.169.254", "100.100.100.200", "fd00:ec2::254%eth0"])(
    "refuses metadata %s when private networks are allowed",
    (address) => {
      expect(checkAddress(address, LENIENT).ok).toBe(false);
    },
  );

  it.each(["10.1.2.3", "fe80::1%eth0", "fd12::1", "127.0.0.1"])("allows %s when private networks are allowed", (a) => {
    expect(checkAddress(a, LENIENT)).toEqual({ ok: true });
  });

  it.each(["splunk.example.com", "x@8.8.8.8", "8.8.8.8/32", "127.0.0.1:80", "::ffff:0177.0.0.1", ""])(
    "refuses %j, which is not an IP address",
    (address) => {
      const verdict = checkAddress(address, LENIENT);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toMatch(/is not an IP address$/);
    },
  );
});

type TResolveCall = { hostname: string; options: LookupOptions };

/** A dns.lookup stand-in that answers from a table, as dns.lookup does with `all: true`. */
function createFakeResolve(answers: Record<string, string[]>) {
  const calls: TResolveCall[] = [];
  const resolve = (
    hostname: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ) => {
    calls.push({ hostname, options });
    const list = answers[hostname];
    process.nextTick(() => {
      if (!list) {
        const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = "ENOTFOUND";
        return callback(error, []);
      }
      callback(
        null,
        list.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 })),
      );
    });
  };
  return { calls, resolve: resolve as unknown as typeof lookup };
}

type TLookupResult = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function runLookup(guarded: net.LookupFunction, hostname: string, options: LookupOptions = {}): Promise<TLookupResult> {
  return new Promise((resolve) => {
    guarded(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe("createGuardedLookup", () => {
  it("refuses a public-looking name that resolves to a private address", async () => {
    const fake = createFakeResolve({ "hec.attacker.example.com": ["10.0.0.5"] });
    const guarded = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
    const { error } = await runLookup(guarded, "hec.attacker.example.com");
    expect(error?.code).toBe(DESTINATION_REFUSED);
    expect(error?.message).toBe(
      "Refused to connect to hec.attacker.example.com: it resolves to 10.0.0.5, a private address (10.0.0.0/8)",
    );
  });

  it("passes a public answer through exactly", async () => {
    const fake = createFakeResolve({ "http-inputs-acme.splunkcloud.com": ["52.5.6.7"] });
    const guarded = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
    const result = await runLookup(guarded, "http-inputs-acme.splunkcloud.com");
    expect(result).toEqual({ error: null, address: "52.5.6.7", family: 4 });
  });

  it.each([[["52.5.6.7", "127.0.0.1"]], [["::1", "52.5.6.7"]], [["2606:4700:4700::1111", "fd00:ec2::254"]]])(
    "refuses mixed answers %j",
    async (answer) => {
      const fake = createFakeResolve({ "mixed.example.com": answer });
      const guarded = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
      expect((await runLookup(guarded, "mixed.example.com")).error?.code).toBe(DESTINATION_REFUSED);
      expect((await runLookup(guarded, "mixed.example.com", { all: true })).error?.code).toBe(DESTINATION_REFUSED);
    },
  );

  it("answers with every checked address when asked for all", async () => {
    const fake = createFakeResolve({ "hec.example.com": ["2606:4700:4700::1111", "52.5.6.7"] });
    const guarded = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
    const result = await runLookup(guarded, "hec.example.com", { all: true });
    expect(result.error).toBeNull();
    expect(result.address).toEqual([
      { address: "2606:4700:4700::1111", family: 6 },
      { address: "52.5.6.7", family: 4 },
    ]);
  });

  it("asks the resolver for every address and passes the caller's options on", async () => {
    const fake = createFakeResolve({ "hec.example.com": ["2606:4700:4700::1111"] });
    const guarded = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
    await runLookup(guarded, "hec.example.com", { family: 6, hints: 32 });
    expect(fake.calls).toEqual([{ hostname: "hec.example.com", options: { family: 6, hints: 32, all: true } }]);
  });

  it("hands back the address in the form it checked", async () => {
    const fake = createFakeResolve({ "hec.example.com": ["::FFFF:8.8.8.8"] });
    const guarded = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
    expect(await runLookup(guarded, "hec.example.com")).toEqual({ error: null, address: "::ffff:808:808", family: 6 });
  });

  it("refuses a reserved name without resolving it", async () => {
    const fake = createFakeResolve({ localhost: ["52.5.6.7"] });
    const guarded = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
    const { error } = await runLookup(guarded, "localhost");
    expect(error?.code).toBe(DESTINATION_REFUSED);
    expect(error?.message).toBe("Refused to connect to localhost: localhost is a name for this machine");
    expect(fake.calls).toEqual([]);
  });

  it("allows private answers when private networks are allowed, but never metadata", async () => {
    const fake = createFakeResolve({
      "splunk.corp.example.com": ["10.0.0.5"],
      "169.254.169.254.nip.io": ["169.254.169.254"],
    });
    const guarded = createGuardedLookup({ ...LENIENT, resolve: fake.resolve });
    expect(await runLookup(guarded, "splunk.corp.example.com")).toEqual({
      error: null,
      address: "10.0.0.5",
      family: 4,
    });
    const { error } = await runLookup(guarded, "169.254.169.254.nip.io");
    expect(error?.code).toBe(DESTINATION_REFUSED);
    expect(error?.message).toContain("cloud metadata address");
  });

  it("passes resolver errors on unchanged", async () => {
    const fake = createFakeResolve({});
    const guarded = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
    expect((await runLookup(guarded, "nowhere.example.com")).error?.code).toBe("ENOTFOUND");
  });
});

describe("createGuardedLookup on real sockets", () => {
  let server: net.Server;
  let port: number;
  const received: net.Socket[] = [];

  beforeAll(async () => {
    server = net.createServer((socket) => {
      received.push(socket);
      socket.end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    for (const socket of received) socket.destroy();
    server.close();
    await once(server, "close");
  });

  /** Resolves with the socket's first error, or null once it has connected. */
  function outcome(socket: net.Socket): Promise<NodeJS.ErrnoException | null> {
    return new Promise((resolve) => {
      socket.once("connect", () => {
        socket.destroy();
        resolve(null);
      });
      socket.once("error", resolve);
    });
  }

  it.each([true, false])(
    "net.connect to localhost fails with the guard's error (autoSelectFamily %s)",
    async (autoSelectFamily) => {
      const lookup = createGuardedLookup(STRICT);
      const error = await outcome(net.connect({ host: "localhost", port, lookup, autoSelectFamily }));
      expect(error?.code).toBe(DESTINATION_REFUSED);
    },
  );

  it("https.request to localhost fails with the guard's error", async () => {
    const request = https.request({ host: "localhost", port, lookup: createGuardedLookup(STRICT), agent: false });
    request.end();
    const [error] = (await once(request, "error")) as [NodeJS.ErrnoException];
    expect(error.code).toBe(DESTINATION_REFUSED);
    expect(error.message).toBe("Refused to connect to localhost: localhost is a name for this machine");
  });

  it("connects to the address it checked, not to a fresh resolution", async () => {
    // hec.example.com is public in real DNS; the socket reaching this server proves no second lookup happened.
    const fake = createFakeResolve({ "hec.example.com": ["127.0.0.1"] });
    const refused = createGuardedLookup({ ...STRICT, resolve: fake.resolve });
    expect((await outcome(net.connect({ host: "hec.example.com", port, lookup: refused })))?.code).toBe(
      DESTINATION_REFUSED,
    );

    const allowed = createGuardedLookup({ ...LENIENT, resolve: fake.resolve });
    const before = received.length;
    const connected = once(server, "connection");
    expect(await outcome(net.connect({ host: "hec.example.com", port, lookup: allowed }))).toBeNull();
    await connected;
    expect(received.length).toBe(before + 1);
  });

  it("resolves with dns.lookup by default", async () => {
    const lookup = createGuardedLookup(LENIENT);
    expect(await outcome(net.connect({ host: "localhost", port, family: 4, lookup }))).toBeNull();
  });

  it("is not consulted for an IP literal, so the sender must check the host itself", async () => {
    // Node skips `lookup` when the host is already an address; checkDestinationHost is the check that applies.
    const lookup = createGuardedLookup(STRICT);
    expect(await outcome(net.connect({ host: "127.0.0.1", port, lookup }))).toBeNull();
    expect(checkDestinationHost("127.0.0.1", STRICT).ok).toBe(false);
  });
});
