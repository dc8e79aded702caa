/**
 * Acknowledgment polls against one destination: N integrations with indexer
 * acknowledgment, all sending to the same receiver, while records keep arriving at a
 * steady rate; counts the /services/collector/ack requests the receiver answers per
 * second, beside the event requests. Each pump polls its own acks on its own channel,
 * so this is what many integrations of one Splunk cost its HEC endpoint in polls.
 */
import { Redis } from "ioredis";
import { db, disconnectDb } from "@/lib/db";
import { appendRecords } from "@/lib/feeds/feed-store";
import { toNewRecord } from "@/lib/feeds/ingest";
import { startHecReceiver } from "@/lib/hec-receiver/receiver";
import { createIntegration } from "@/lib/integrations/service";
import { SYSTEM_CALLER } from "@/lib/auth/caller";
import { waitForWorkerReady } from "./delivery";
import { startWorker, stopWorker, waitUntil, type TBenchEnvironment } from "./environment";

export type TAckPolls = {
  integrations: number;
  seconds: number;
  /** /ack requests answered per second, over the measured span. */
  ackPollsPerSecond: number;
  /** Event requests (batches) answered per second, over the same span. */
  eventRequestsPerSecond: number;
  /** Integrations that polled at least once during the span. */
  pollingIntegrations: number;
  /** Most polls in any one second of the span. */
  peakAckPollsPerSecond: number;
  /** Share of the polls that found no batch indexed yet (0 to 1). */
  emptyPollShare: number;
};

export async function benchAckPolls(
  environment: TBenchEnvironment,
  options: {
    integrations: number;
    /** Records appended to the events feed per second; every integration delivers each. */
    recordsPerSecond: number;
    /** Measured after a warm-up in which every integration delivered. */
    seconds: number;
    workerEnv?: Record<string, string>;
  },
): Promise<TAckPolls> {
  const redis = new Redis(environment.redisUrl);
  await redis.flushdb();
  const receiver = await startHecReceiver({
    certificate: environment.certificate,
    storeEvents: false,
    ackEnabled: true,
  });
  // Only this run's integrations: those of an earlier run point at a receiver that is gone.
  await db().integration.deleteMany({});
  for (let i = 0; i < options.integrations; i++) {
    await createIntegration(
      { name: `Ack polls ${i} ${Date.now()}`, ingestionUrl: receiver.url, apiKey: receiver.token, indexerAck: true },
      SYSTEM_CALLER,
    );
  }
  let appending = true;
  let next = 0;
  const appender = (async () => {
    // Ten appends a second, as a Cato poller and the ingest API deliver small pages.
    const perTick = Math.max(1, Math.round(options.recordsPerSecond / 10));
    while (appending) {
      const records = Array.from({ length: perTick }, () =>
        toNewRecord("events", {
          event_type: "Security",
          event_sub_type: "IPS",
          time: String(Date.now()),
          id: String(next++),
          pad: "x".repeat(1200),
        }),
      );
      await appendRecords(redis, "events", records, 0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const worker = startWorker({ ...environment.env, ...options.workerEnv });
  try {
    await waitForWorkerReady(redis);
    // Warm-up: every integration has sent and polled at least once.
    await waitUntil(
      () => new Set(receiver.ackPolls().map((p) => p.channel)).size >= options.integrations,
      300_000,
      "an ack poll from every integration",
    );
    const from = Date.now();
    const pollsBefore = receiver.ackPolls().length;
    const requestsBefore = receiver.requests().length;
    await new Promise((r) => setTimeout(r, options.seconds * 1000));
    const to = Date.now();
    const polls = receiver.ackPolls().slice(pollsBefore);
    const seconds = (to - from) / 1000;
    const perSecond = new Map<number, number>();
    for (const poll of polls) {
      const second = Math.floor((poll.at - from) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    return {
      integrations: options.integrations,
      seconds,
      ackPollsPerSecond: polls.length / seconds,
      eventRequestsPerSecond: (receiver.requests().length - requestsBefore) / seconds,
      pollingIntegrations: new Set(polls.map((p) => p.channel)).size,
      peakAckPollsPerSecond: Math.max(0, ...perSecond.values()),
      emptyPollShare: polls.length > 0 ? polls.filter((p) => p.trueIds.length === 0).length / polls.length : 0,
    };
  } finally {
    appending = false;
    await appender;
    await stopWorker(worker);
    await receiver.stop();
    redis.disconnect();
    await disconnectDb();
  }
}
