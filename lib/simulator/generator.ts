import { createAccount } from "@/lib/simulator/account";
import {
  buildAntiMalwareEvent,
  buildConnectivityEvent,
  buildDetectionAndResponseEvent,
  buildInternetFirewallEvent,
  buildIpsEvent,
  buildRoutingEvent,
  buildSocketsManagementEvent,
  buildSystemEvent,
  buildWanFirewallEvent,
  type TEventType,
  type TFlowEvent,
  type TSecuritySubType,
} from "@/lib/simulator/events";
import { createIdSource } from "@/lib/simulator/ids";
import { createPickers } from "@/lib/simulator/pickers";
import { createRandom, createWeightedPicker } from "@/lib/simulator/random";
import {
  createStandaloneConnection,
  formatFlowRecord,
  type TBatchContext,
  type TConnection,
} from "@/lib/simulator/traffic";

/**
 * A pure, deterministic generator of one Cato account's events and flows, for feeding the
 * integration without a Cato tenant. Same seed and same calls give the same records; nothing is read
 * from the clock or the environment.
 */
export type TCatoRecord = Record<string, string>;
export type TSimulatorBatch = { events: TCatoRecord[]; flows: TCatoRecord[] };
export type TSimulatorOptions = {
  /** Same seed + same calls => identical output. */
  seed: number;
  /** Default "4242". */
  accountId?: string;
  /** One Detection and Response event in N gets raw_data over 5 MB (default 500); 0 = never. */
  largeRawDataEvery?: number;
  /** Size of such raw_data in bytes (default 5_300_000). */
  largeRawDataBytes?: number;
};
export type TSimulator = {
  /**
   * Generates traffic for the second ending at `nowMs`: exactly `eventCount` events, the flows they
   * need, and standalone flows up to `flowCount`. Every event with a `flow_id` has that flow's record
   * in the same batch, even when that takes more than `flowCount` flows.
   */
  generate(input: { nowMs: number; eventCount: number; flowCount: number }): TSimulatorBatch;
};

type TEventKind = TSecuritySubType | Exclude<TEventType, "Security">;

// Shares of a typical account's feed: firewall events dominate, XOps stories are rare.
const pickEventKind = createWeightedPicker<TEventKind>([
  ["Internet Firewall", 42],
  ["IPS", 12],
  ["WAN Firewall", 10],
  ["Anti Malware", 6],
  ["NG Anti Malware", 4],
  ["Connectivity", 14],
  ["System", 5],
  ["Routing", 3],
  ["Sockets Management", 3],
  ["Detection and Response", 1],
]);

/** An Anti Malware event reuses an already reported download flow of the batch this often. */
const SHARED_FLOW_SHARE = 0.35;

function assertCount(name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer of at least ${minimum}, got ${value}`);
  }
}

function sortByTime(records: TCatoRecord[]): TCatoRecord[] {
  return records
    .map((record) => ({ record, timeMs: Number(record.time) }))
    .sort((a, b) => a.timeMs - b.timeMs)
    .map(({ record }) => record);
}

export function createSimulator(options: TSimulatorOptions): TSimulator {
  const accountId = options.accountId ?? "4242";
  const largeRawDataEvery = options.largeRawDataEvery ?? 500;
  const largeRawDataBytes = options.largeRawDataBytes ?? 5_300_000;
  if (accountId.trim() === "") throw new RangeError("accountId must not be empty");
  assertCount("largeRawDataEvery", largeRawDataEvery, 0);
  assertCount("largeRawDataBytes", largeRawDataBytes, 1);

  const random = createRandom(options.seed);
  const account = createAccount(random, accountId);
  const pickers = createPickers(account);
  const ids = createIdSource(random);
  let detectionCount = 0;

  return {
    generate({ nowMs, eventCount, flowCount }) {
      assertCount("nowMs", nowMs, 0);
      assertCount("eventCount", eventCount, 0);
      assertCount("flowCount", flowCount, 0);
      const context: TBatchContext = {
        random,
        ids,
        account,
        pickers,
        windowStartMs: Math.max(0, nowMs - 999),
        nowMs,
      };

      const events: TCatoRecord[] = [];
      const connections: TConnection[] = [];
      // Unblocked file-sharing flows an Anti Malware event may later stop.
      const downloads: TConnection[] = [];
      const addFlowEvent = ({ event, connection, isNewConnection }: TFlowEvent) => {
        events.push(event);
        if (isNewConnection) connections.push(connection);
      };
      const takeDownload = (): TConnection | undefined => {
        if (downloads.length === 0 || !random.rollChance(SHARED_FLOW_SHARE)) return undefined;
        const index = random.pickInt(0, downloads.length - 1);
        const connection = downloads[index];
        downloads[index] = downloads[downloads.length - 1] as TConnection;
        downloads.pop();
        return connection;
      };

      for (let index = 0; index < eventCount; index++) {
        const kind = pickEventKind(random);
        switch (kind) {
          case "Internet Firewall": {
            const flowEvent = buildInternetFirewallEvent(context);
            addFlowEvent(flowEvent);
            const { connection } = flowEvent;
            if (connection.application.kind === "file-sharing" && !connection.isBlocked) downloads.push(connection);
            break;
          }
          case "WAN Firewall":
            addFlowEvent(buildWanFirewallEvent(context));
            break;
          case "IPS":
            addFlowEvent(buildIpsEvent(context));
            break;
          case "Anti Malware":
          case "NG Anti Malware":
            addFlowEvent(buildAntiMalwareEvent(context, kind, takeDownload()));
            break;
          case "Connectivity":
            events.push(buildConnectivityEvent(context));
            break;
          case "System":
            events.push(buildSystemEvent(context));
            break;
          case "Routing":
            events.push(buildRoutingEvent(context));
            break;
          case "Sockets Management":
            events.push(buildSocketsManagementEvent(context));
            break;
          case "Detection and Response": {
            detectionCount++;
            const isLarge = largeRawDataEvery > 0 && detectionCount % largeRawDataEvery === 0;
            events.push(buildDetectionAndResponseEvent(context, isLarge ? largeRawDataBytes : 0));
            break;
          }
        }
      }

      while (connections.length < flowCount) connections.push(createStandaloneConnection(context));
      const flows = connections.map((connection) => formatFlowRecord(connection, account.id));
      return { events: sortByTime(events), flows: sortByTime(flows) };
    },
  };
}
