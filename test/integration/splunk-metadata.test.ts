import { describe, expect, it } from "vitest";
import { runPump } from "@/lib/delivery/pump";
import { appendRecords } from "@/lib/feeds/feed-store";
import { updateIntegration } from "@/lib/integrations/service";
import { setupDeliveryFixture } from "@/test/helpers/delivery";
import { SYSTEM_CALLER } from "@/lib/auth/caller";

/**
 * An integration's host, source and sourcetypes reach Splunk: real Redis feeds, real
 * PostgreSQL, real HTTPS to the project's HEC receiver.
 */
const fixture = setupDeliveryFixture({ indexes: ["main", "cato"] });
const { redis, ctx, event, appendEvents, integration } = fixture;

const metadataOf = (envelope: Record<string, unknown>) => ({
  host: envelope.host,
  source: envelope.source,
  sourcetype: envelope.sourcetype,
});

async function appendFlows(count: number, from = 0) {
  const flows = Array.from({ length: count }, (_, i) => ({
    json: JSON.stringify({ flow_id: `flow-${from + i}`, time: String(1764368000000 + from + i), upstream: "10" }),
  }));
  await appendRecords(redis, "flows", flows, 0);
}

describe("Splunk metadata per integration", () => {
  it("sends the integration's host, source and the sourcetype of each data source", async () => {
    const created = await integration({
      index: "cato",
      events: true,
      flows: true,
      hecHost: "sase-paris",
      hecSource: "cato:prod",
      sourcetypes: { events: "cato_json_events", flows: "cato_json_flows" },
    });
    await appendEvents([event(), event()]);
    await appendFlows(2);

    expect(await runPump(ctx(), created.id, "events", 10_000)).toBe("caught-up");
    expect(await runPump(ctx(), created.id, "flows", 10_000)).toBe("caught-up");

    const received = fixture.receiver.received();
    expect(received).toHaveLength(4);
    const bySourcetype = (sourcetype: string) => received.filter((e) => e.sourcetype === sourcetype);
    expect(bySourcetype("cato_json_events")).toHaveLength(2);
    expect(bySourcetype("cato_json_flows")).toHaveLength(2);
    for (const envelope of received) {
      expect(envelope).toMatchObject({ host: "sase-paris", source: "cato:prod", index: "cato" });
    }
    expect(bySourcetype("cato_json_flows").map((e) => (e.event as { flow_id: string }).flow_id)).toEqual([
      "flow-0",
      "flow-1",
    ]);
  });

  it("keeps the defaults where nothing is set, and an edit applies from the next batch", async () => {
    const created = await integration({ events: true, flows: true });
    await appendEvents([event()]);
    await appendFlows(1);
    await runPump(ctx(), created.id, "events", 10_000);
    await runPump(ctx(), created.id, "flows", 10_000);
    expect(fixture.receiver.received().map(metadataOf)).toEqual([
      { host: "cato-sase", source: "cato_networks", sourcetype: "cato:events" },
      { host: "cato-sase", source: "cato_networks", sourcetype: "cato:flows" },
    ]);

    fixture.receiver.clear();
    await updateIntegration(created.id, { hecHost: "sase-lyon", sourcetypes: { flows: "flows_v2" } }, SYSTEM_CALLER);
    await appendEvents([event()]);
    await appendFlows(1, 1);
    await runPump(ctx(), created.id, "events", 10_000);
    await runPump(ctx(), created.id, "flows", 10_000);
    expect(fixture.receiver.received().map(metadataOf)).toEqual([
      { host: "sase-lyon", source: "cato_networks", sourcetype: "cato:events" },
      { host: "sase-lyon", source: "cato_networks", sourcetype: "flows_v2" },
    ]);
  });

  it("carries the overrides on a record whose raw_data was cut to fit", async () => {
    const created = await integration({ hecHost: "sase-paris", sourcetypes: { events: "cato_dr" } });
    await appendEvents([event({ event_type: "Detection and Response", raw_data: "x".repeat(80_000) })]);
    expect(await runPump(ctx({ maxEventBytes: 20_000 }), created.id, "events", 10_000)).toBe("caught-up");
    const [envelope] = fixture.receiver.received();
    expect(envelope).toMatchObject({
      host: "sase-paris",
      source: "cato_networks",
      sourcetype: "cato_dr",
      fields: { raw_data_truncated: "true" },
    });
  });
});
