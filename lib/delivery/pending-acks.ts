import { z } from "zod";

/**
 * A batch Splunk took, not yet under the marker: with indexer acknowledgment it waits
 * for its ack id to turn true; others (no ack id, filtered out, set aside) are ready at
 * once but wait for the batches before them. Stored with the delivery state, so another
 * worker picks up where this one stopped.
 */
const ZPendingAck = z.object({
  ackId: z.number().int().nullable(),
  to: z.string(),
  records: z.number(),
  bytes: z.number(),
  gap: z.number(),
  setAside: z.number(),
  sentAt: z.number(),
  acked: z.boolean(),
});
const ZPendingAcks = z.array(ZPendingAck).catch([]);
export type TPendingAck = z.infer<typeof ZPendingAck>;

export function readPendingAcks(value: unknown): TPendingAck[] {
  return ZPendingAcks.parse(value);
}
