import { describe, expect, it } from "vitest";
import { createSimulator, type TCatoRecord, type TSimulatorBatch } from "@/lib/simulator/generator";

const NOW_MS = Date.UTC(2026, 10, 28, 22, 14, 5, 500);
const SECURITY_SUB_TYPES = ["Internet Firewall", "WAN Firewall", "IPS", "Anti Malware", "NG Anti Malware"];
const EVENT_TYPES = ["Security", "Connectivity", "System", "Routing", "Sockets Management", "Detection and Response"];
const FIVE_TUPLE = ["src_ip", "src_port", "dest_ip", "dest_port", "ip_protocol"];
const FIVE_MB = 5 * 1024 * 1024;

/** 20 batches of 1,000 events, alternating flow counts below and above what the events need. */
function generateSample(seed: number, options: { largeRawDataEvery?: number } = {}): TSimulatorBatch[] {
  const simulator = createSimulator({ seed, ...options });
  return Array.from({ length: 20 }, (_, index) =>
    simulator.generate({ nowMs: NOW_MS + index * 1000, eventCount: 1000, flowCount: index % 2 === 0 ? 200 : 3000 }),
  );
}

const sample = generateSample(42);
const sampleEvents = sample.flatMap((batch) => batch.events);

function countBy(records: readonly TCatoRecord[], field: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record[field] ?? "", (counts.get(record[field] ?? "") ?? 0) + 1);
  return counts;
}

function withoutRawData(event: TCatoRecord): TCatoRecord {
  const copy = { ...event };
  delete copy.raw_data;
  return copy;
}

describe("simulator records", () => {
  it("are flat objects of strings, events with type, sub-type and time, flows with flow_id and time", () => {
    const records = sample.flatMap((batch) => [...batch.events, ...batch.flows]);
    expect(records.filter((record) => Object.values(record).some((value) => typeof value !== "string"))).toEqual([]);
    const badEvents = sampleEvents.filter(
      (event) =>
        !event.event_type ||
        !event.event_sub_type ||
        !/^\d+$/.test(event.time ?? "") ||
        event.account_id !== "4242" ||
        event.event_count !== "1",
    );
    expect(badEvents).toEqual([]);
    const flows = sample.flatMap((batch) => batch.flows);
    expect(flows.filter((flow) => !/^\d{18}$/.test(flow.flow_id ?? "") || !/^\d+$/.test(flow.time ?? ""))).toEqual([]);
  });

  it("fall in the second before nowMs, with time_str the same instant", () => {
    const batch = createSimulator({ seed: 3 }).generate({ nowMs: NOW_MS, eventCount: 2000, flowCount: 3000 });
    for (const record of [...batch.events, ...batch.flows]) {
      const timeMs = Number(record.time);
      expect(timeMs).toBeGreaterThan(NOW_MS - 1000);
      expect(timeMs).toBeLessThanOrEqual(NOW_MS);
      expect(record.time_str).toBe(new Date(timeMs).toISOString().slice(0, 19) + "Z");
    }
    expect(batch.events[0]?.time_str).toMatch(/^2026-11-28T22:14:0[45]Z$/);
  });

  it("count exactly eventCount events, and flows up to flowCount or as many as the events need", () => {
    const simulator = createSimulator({ seed: 5 });
    expect(simulator.generate({ nowMs: NOW_MS, eventCount: 0, flowCount: 0 })).toEqual({ events: [], flows: [] });
    expect(simulator.generate({ nowMs: NOW_MS, eventCount: 0, flowCount: 25 }).flows).toHaveLength(25);
    sample.forEach((batch, index) => {
      const flowCount = index % 2 === 0 ? 200 : 3000;
      expect(batch.events).toHaveLength(1000);
      const needed = new Set(batch.events.map((event) => event.flow_id).filter(Boolean)).size;
      // Even batches ask for fewer flows than the events need (extra flows come anyway), odd ones for more.
      expect(needed > 200 && needed < 3000).toBe(true);
      expect(batch.flows).toHaveLength(Math.max(needed, flowCount));
    });
  });

  it("put the flow of every event that has a flow_id into the same batch, with the same 5-tuple and who/what", () => {
    let correlated = 0;
    const mismatches: string[] = [];
    for (const batch of sample) {
      const flows = new Map(batch.flows.map((flow) => [flow.flow_id, flow]));
      expect(flows.size).toBe(batch.flows.length);
      for (const event of batch.events) {
        if (event.flow_id === undefined) continue;
        const flow = flows.get(event.flow_id);
        if (!flow) {
          mismatches.push(`no flow ${event.flow_id} for a ${event.event_sub_type} event`);
          continue;
        }
        correlated++;
        for (const field of [...FIVE_TUPLE, "application_name", "user_name", "src_site_name"]) {
          if (event[field] !== flow[field]) mismatches.push(`${field} differs on flow ${event.flow_id}`);
        }
        if (Number(event.time) < Number(flow.flow_start_time)) mismatches.push(`event before flow ${event.flow_id}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(correlated).toBeGreaterThan(10_000);
  });

  it("give flows consistent counters: traffic = upstream + downstream, start = time - duration", () => {
    const flows = sample.flatMap((batch) => batch.flows);
    const isCount = (value: string | undefined) => /^\d+$/.test(value ?? "");
    const bad = flows.filter(
      (flow) =>
        flow.traffic !== String(Number(flow.upstream) + Number(flow.downstream)) ||
        Number(flow.flow_start_time) !== Number(flow.time) - Number(flow.duration) ||
        !["true", "false"].includes(flow.is_flow_terminated ?? "") ||
        !["upstream_packets", "downstream_packets", "flows_created", "duration"].every((field) =>
          isCount(flow[field]),
        ) ||
        !flow.application_name,
    );
    expect(bad).toEqual([]);
  });

  it("let an Anti Malware event share the flow of another event, as one session does in Cato", () => {
    const shared = sample.some((batch) => {
      const counts = countBy(
        batch.events.filter((event) => event.flow_id),
        "flow_id",
      );
      return [...counts.values()].some((count) => count > 1);
    });
    expect(shared).toBe(true);
  });

  it("never repeat an id within a run", () => {
    const eventIds = sampleEvents.map((event) => event.event_id);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const flowIds = sample.flatMap((batch) => batch.flows.map((flow) => flow.flow_id));
    expect(new Set(flowIds).size).toBe(flowIds.length);
  });
});

describe("simulator determinism", () => {
  it("reproduces identical output from the same seed and calls, and different output from another seed", () => {
    const run = (seed: number) => {
      const simulator = createSimulator({ seed, largeRawDataEvery: 3, largeRawDataBytes: 50_000 });
      return [1, 2, 3].map((step) =>
        simulator.generate({ nowMs: NOW_MS + step * 1000, eventCount: 400, flowCount: 600 }),
      );
    };
    expect(run(11)).toEqual(run(11));
    expect(run(12)).not.toEqual(run(11));
  });
});

describe("simulated events", () => {
  it("cover all six event types and five Security sub-types, Security the most", () => {
    const types = countBy(sampleEvents, "event_type");
    for (const type of EVENT_TYPES) expect(types.get(type), type).toBeGreaterThan(0);
    expect([...types.keys()].sort()).toEqual([...EVENT_TYPES].sort());
    const security = types.get("Security") ?? 0;
    for (const type of EVENT_TYPES.slice(1)) expect(security).toBeGreaterThan(types.get(type) ?? 0);
    const subTypes = countBy(
      sampleEvents.filter((event) => event.event_type === "Security"),
      "event_sub_type",
    );
    expect([...subTypes.keys()].sort()).toEqual([...SECURITY_SUB_TYPES].sort());
  });

  it("make Internet Firewall events complete: rule, domain, site or VPN user, outbound", () => {
    const events = sampleEvents.filter((event) => event.event_sub_type === "Internet Firewall");
    expect(countBy(events, "action").size).toBe(3);
    for (const event of events) {
      expect(event.rule_name).toBeTruthy();
      expect(event.rule_id).toBeTruthy();
      expect(event.domain_name).toBeTruthy();
      expect(["Monitor", "Block", "Allow"]).toContain(event.action);
      expect(event.traffic_direction).toBe("OUTBOUND");
      expect(["Site", "VPN User"]).toContain(event.src_is_site_or_vpn);
      if (event.src_is_site_or_vpn === "Site") expect(event.src_site_name).toBeTruthy();
      else expect(event.vpn_user_email).toMatch(/@/);
      for (const field of [...FIVE_TUPLE, "application_name", "categories", "pop_name", "flow_id"]) {
        expect(event[field], field).toBeTruthy();
      }
    }
  });

  it("make WAN Firewall events run between two sites", () => {
    for (const event of sampleEvents.filter((e) => e.event_sub_type === "WAN Firewall")) {
      expect(event.rule_name).toBeTruthy();
      expect(event.dest_site_name).toBeTruthy();
      expect(event.dest_site_name).not.toBe(event.src_site_name);
      expect(event.flow_id).toBeTruthy();
    }
  });

  it("give every blocked IPS event a signature and threat name, and IPS values from their sets", () => {
    const events = sampleEvents.filter((event) => event.event_sub_type === "IPS");
    expect(events.some((event) => event.action === "Block")).toBe(true);
    expect(countBy(events, "traffic_direction").size).toBe(2);
    for (const event of events) {
      if (event.action === "Block") {
        expect(event.signature_id).toBeTruthy();
        expect(event.threat_name).toBeTruthy();
      }
      expect(["Block", "Monitor"]).toContain(event.action);
      expect(["Low", "Medium", "High", "Critical"]).toContain(event.risk_level);
      expect(["INBOUND", "OUTBOUND"]).toContain(event.traffic_direction);
      expect(event.threat_type).toBeTruthy();
      expect(event.mitre_attack_tactics).toBeTruthy();
      expect(event.dest_port).toMatch(/^\d+$/);
      expect(event.flow_id).toBeTruthy();
    }
  });

  it("make Anti Malware events blocked downloads of a hashed file", () => {
    const events = sampleEvents.filter(
      (e) => e.event_sub_type === "Anti Malware" || e.event_sub_type === "NG Anti Malware",
    );
    for (const event of events) {
      expect(event.action).toBe("Block");
      expect(event.file_name).toBeTruthy();
      expect(event.file_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(event.threat_name).toBeTruthy();
      expect(["Malicious", "Suspicious"]).toContain(event.threat_verdict);
      expect(event.threat_score).toMatch(/^\d+$/);
      expect(event.url?.endsWith(event.file_name ?? "-")).toBe(true);
      expect(event.full_path_url?.startsWith(event.url ?? "-")).toBe(true);
      expect(event.flow_id).toBeTruthy();
    }
  });

  it("match the value shapes of Cato's published records", () => {
    const flows = sample.flatMap((batch) => batch.flows);
    expect(sampleEvents.filter((e) => !/^[0-9a-f]{16}$/.test(e.event_id ?? ""))).toEqual([]);
    expect(sampleEvents.filter((e) => !/^[0-9a-f]{16}$/.test(e.internalId ?? ""))).toEqual([]);
    const withFlow = [...sampleEvents.filter((e) => e.flow_id !== undefined), ...flows];
    expect(withFlow.filter((r) => !/^[1-9]\d{17}$/.test(r.flow_id ?? ""))).toEqual([]);
    const osTypes = new Set(sampleEvents.map((e) => e.os_type).filter((v) => v !== undefined));
    expect(osTypes.has("OS_WINDOWS") && osTypes.has("OS_MAC")).toBe(true);
    for (const os of osTypes) expect(os).toMatch(/^OS_[A-Z]+$/);
    const tls = new Set([...sampleEvents, ...flows].map((r) => r.tls_inspection).filter((v) => v !== undefined));
    expect([...tls].sort()).toEqual(["false", "true"]);
    const logins = sampleEvents.filter((e) =>
      /logged in to the Cato Management Application/.test(e.event_message ?? ""),
    );
    expect(logins.length).toBeGreaterThan(0);
    for (const login of logins) expect(login.event_type).toBe("Connectivity");
    const apiKeyUse = sampleEvents.filter((e) => /authenticated to the Cato API/.test(e.event_message ?? ""));
    expect(apiKeyUse.length).toBeGreaterThan(0);
    for (const use of apiKeyUse) expect([use.event_type, use.event_sub_type]).toEqual(["Connectivity", "ApiKey"]);
  });

  it("keep flow_id off Connectivity, System, Routing and Sockets Management events, and fill their own fields", () => {
    for (const event of sampleEvents) {
      if (event.event_type === "Security") continue;
      expect(event.flow_id, event.event_type).toBeUndefined();
      if (
        event.event_type === "Connectivity" &&
        event.event_sub_type !== "Connected" &&
        event.event_sub_type !== "Disconnected"
      ) {
        // Logins through the Cato Management Application and API keys, as Cato records them.
        expect(["Cato Management Application", "ApiKey"]).toContain(event.event_sub_type);
        expect(event.event_message).toMatch(/logged in|failed to log in|authenticated to the Cato API/);
        expect(event.user_name).toMatch(/@/);
      } else if (event.event_type === "Connectivity") {
        expect(event.pop_name).toBeTruthy();
        expect(event.ISP_name).toBeTruthy();
        expect(event.tunnel_protocol).toBeTruthy();
        expect(event.src_site_name ?? event.vpn_user_email).toBeTruthy();
      } else if (event.event_type === "System") {
        expect(["Cato Management Application", "ApiKey"]).toContain(event.event_sub_type);
        expect(event.event_message).toBeTruthy();
        expect(event.user_name).toMatch(/@/);
      } else if (event.event_type === "Routing" || event.event_type === "Sockets Management") {
        expect(event.event_message).toBeTruthy();
        expect(event.src_site_name).toBeTruthy();
      }
    }
  });

  it("give Detection and Response events a story whose raw_data is JSON of tens of KB", () => {
    const events = sampleEvents.filter((event) => event.event_type === "Detection and Response");
    for (const event of events) {
      for (const field of ["story_id", "incident_id", "status", "analyst_verdict", "severity"]) {
        expect(event[field], field).toBeTruthy();
      }
      const story = JSON.parse(event.raw_data ?? "") as Record<string, unknown>;
      expect(story.story_id).toBe(event.story_id);
      expect(Array.isArray(story.timeline) && Array.isArray(story.indicators) && Array.isArray(story.targets)).toBe(
        true,
      );
      expect(event.raw_data?.length).toBeGreaterThan(10_000);
      expect(event.raw_data?.length).toBeLessThan(FIVE_MB);
    }
  });

  it("average about Cato's 1-2 KB an event, D&R raw_data aside", () => {
    const sizes = sampleEvents.map((event) => JSON.stringify(withoutRawData(event)).length);
    const average = sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
    console.info(`simulator: average event size ${average.toFixed(0)} bytes over ${sizes.length} events`);
    expect(average).toBeGreaterThan(1000);
    expect(average).toBeLessThan(2000);
  });
});

describe("large D&R raw_data", () => {
  it("is over 5 MB (at least largeRawDataBytes) and still valid JSON when largeRawDataEvery is 1", () => {
    const batch = createSimulator({ seed: 8, largeRawDataEvery: 1 }).generate({
      nowMs: NOW_MS,
      eventCount: 600,
      flowCount: 0,
    });
    const events = batch.events.filter((event) => event.event_type === "Detection and Response");
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(Buffer.byteLength(event.raw_data ?? "")).toBeGreaterThanOrEqual(5_300_000);
      expect(Buffer.byteLength(event.raw_data ?? "")).toBeGreaterThan(FIVE_MB);
    }
    const story = JSON.parse(events[0]?.raw_data ?? "") as { story_id: string };
    expect(story.story_id).toBe(events[0]?.story_id);
  });

  it("follows largeRawDataBytes and comes once in largeRawDataEvery D&R events", () => {
    const simulator = createSimulator({ seed: 9, largeRawDataEvery: 4, largeRawDataBytes: 200_000 });
    const events = [1, 2, 3, 4, 5].flatMap((step) =>
      simulator
        .generate({ nowMs: NOW_MS + step * 1000, eventCount: 1000, flowCount: 0 })
        .events.filter((event) => event.event_type === "Detection and Response"),
    );
    const large = events.filter((event) => (event.raw_data?.length ?? 0) >= 200_000);
    expect(events.length).toBeGreaterThanOrEqual(8);
    expect(large).toHaveLength(Math.floor(events.length / 4));
  });

  it("never comes when largeRawDataEvery is 0", () => {
    const events = generateSample(42, { largeRawDataEvery: 0 })
      .flatMap((batch) => batch.events)
      .filter((event) => event.event_type === "Detection and Response");
    expect(events.length).toBeGreaterThan(50);
    for (const event of events) expect(event.raw_data?.length).toBeLessThan(FIVE_MB);
  });
});

describe("simulator options", () => {
  it("uses the account id given", () => {
    const batch = createSimulator({ seed: 1, accountId: "7777" }).generate({
      nowMs: NOW_MS,
      eventCount: 50,
      flowCount: 50,
    });
    for (const record of [...batch.events, ...batch.flows]) expect(record.account_id).toBe("7777");
  });

  it("refuses counts and options that make no sense", () => {
    const simulator = createSimulator({ seed: 1 });
    expect(() => simulator.generate({ nowMs: NOW_MS, eventCount: -1, flowCount: 0 })).toThrow(RangeError);
    expect(() => simulator.generate({ nowMs: NOW_MS, eventCount: 1.5, flowCount: 0 })).toThrow(RangeError);
    expect(() => simulator.generate({ nowMs: Number.NaN, eventCount: 1, flowCount: 0 })).toThrow(RangeError);
    expect(() => createSimulator({ seed: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => createSimulator({ seed: 1, largeRawDataEvery: -1 })).toThrow(RangeError);
    expect(() => createSimulator({ seed: 1, largeRawDataBytes: 0 })).toThrow(RangeError);
  });
});

describe("simulator speed", () => {
  it("reports how long 10,000 events take (measured, not asserted)", () => {
    const simulator = createSimulator({ seed: 77 });
    simulator.generate({ nowMs: NOW_MS, eventCount: 10_000, flowCount: 10_000 });
    const timings = [1, 2, 3].map((step) => {
      const started = performance.now();
      const batch = simulator.generate({ nowMs: NOW_MS + step * 1000, eventCount: 10_000, flowCount: 10_000 });
      const elapsed = performance.now() - started;
      expect(batch.events).toHaveLength(10_000);
      return elapsed;
    });
    console.info(
      `simulator: 10,000 events + 10,000 flows in ${timings.map((ms) => ms.toFixed(0)).join(" / ")} ms (warm)`,
    );
  });
});
