import { describe, expect, it } from "vitest";
import {
  checkDataSources,
  integrationFormSchema,
  ZCreateIntegrationInput,
  ZUpdateIntegrationInput,
} from "@/lib/integrations/schema";
import { toInvalidParams } from "@/lib/validation";

const valid = {
  app: "splunk",
  auth: "api_key",
  name: "SOC Splunk",
  description: "",
  ingestionUrl: "https://http-inputs-acme.splunkcloud.com",
  apiKey: "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b",
  index: null,
  events: true,
  flows: false,
  audit: false,
  eventFilter: [{ field: "event_type", operator: "in", values: ["Security"] }],
  errorEvents: true,
};

function errorsOf(input: unknown) {
  const result = ZCreateIntegrationInput.safeParse(input);
  if (result.success) return [];
  return toInvalidParams(result.error);
}

describe("ZCreateIntegrationInput", () => {
  it("accepts the documented body and normalises it", () => {
    const data = ZCreateIntegrationInput.parse(valid);
    expect(data.ingestionUrl).toBe("https://http-inputs-acme.splunkcloud.com:443");
    expect(data.index).toBeNull();
  });

  it("fills defaults: Events alone, no filter, error events on, token default index", () => {
    const data = ZCreateIntegrationInput.parse({ name: "x", ingestionUrl: "https://s.example.com", apiKey: "k" });
    expect(data).toMatchObject({
      app: "splunk",
      auth: "api_key",
      description: "",
      index: null,
      events: true,
      flows: false,
      audit: false,
      eventFilter: [],
      errorEvents: true,
    });
  });

  it("trims strings and treats a blank index as the token default", () => {
    const data = ZCreateIntegrationInput.parse({ ...valid, name: "  SOC  ", index: "   " });
    expect(data.name).toBe("SOC");
    expect(data.index).toBeNull();
  });

  it.each([
    [{ name: "" }, "name", /Connector Name is required/],
    [{ name: "   " }, "name", /Connector Name is required/],
    [{ name: "x".repeat(101) }, "name", /at most 100/],
    [{ name: "a\u0000b" }, "name", /control characters/],
    [{ name: 42 }, "name", /Connector Name must be text/],
    [{ description: "d".repeat(501) }, "description", /at most 500/],
    [{ ingestionUrl: "http://s.example.com" }, "ingestionUrl", /https/],
    [{ apiKey: "" }, "apiKey", /API Key is required/],
    [{ apiKey: "has space" }, "apiKey", /without spaces/],
    [{ index: "Main" }, "index", /lowercase/],
    [{ index: "_internal" }, "index", /starting with a letter or digit/],
    [{ index: 5 }, "index", /Index must be text or null/],
    [{ events: "yes" }, "events", /Events must be true or false/],
    [{ events: false, flows: false }, "events", /at least one data source: Events, Flows or Audit Trail/],
    [{ events: false, flows: false, audit: false }, "events", /at least one data source/],
    [{ audit: "yes" }, "audit", /Audit Trail must be true or false/],
    [{ app: "datadog" }, "app", /splunk/],
    [{ auth: "oauth" }, "auth", /api_key/],
    [{ eventFilter: "Security" }, "eventFilter", /list of conditions/],
    [
      { eventFilter: [{ field: "src_ip", operator: "is", values: ["x"] }] },
      "eventFilter.0.field",
      /event_type or event_sub_type/,
    ],
    [
      { eventFilter: [{ field: "event_type", operator: "like", values: ["x"] }] },
      "eventFilter.0.operator",
      /is, is_not, in or not_in/,
    ],
    [
      { eventFilter: [{ field: "event_type", operator: "is_not", values: ["Security", "System"] }] },
      "eventFilter.0.values",
      /^Filter operator "is not" takes exactly one value; use "in" or "not in" for several$/,
    ],
    [
      { eventFilter: [{ field: "event_type", operator: "in", values: [] }] },
      "eventFilter.0.values",
      /at least one value/,
    ],
    [
      { eventFilter: [{ field: "event_type", operator: "is", values: ["Security", "System"] }] },
      "eventFilter.0.values",
      /exactly one value/,
    ],
    [
      { eventFilter: [{ field: "event_type", operator: "in", values: ["Nope"] }] },
      "eventFilter.0.values.0",
      /not an event type/,
    ],
    [
      { eventFilter: [{ field: "event_sub_type", operator: "in", values: [" "] }] },
      "eventFilter.0.values.0",
      /must not be blank/,
    ],
  ])("refuses %j on %s", (patch, name, pattern) => {
    const errors = errorsOf({ ...valid, ...patch });
    const match = errors.find((e) => e.name === name);
    expect(match, JSON.stringify(errors)).toBeDefined();
    expect(match!.reason).toMatch(pattern);
  });

  it("names unknown fields", () => {
    const errors = errorsOf({ ...valid, token: "x", __proto__: { polluted: true } });
    expect(errors).toContainEqual({ name: "token", reason: "token is not a known field" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses half a surrogate pair in text, which PostgreSQL would refuse as JSON, and keeps whole emoji", () => {
    expect(errorsOf({ ...valid, name: "SOC \ud800" })).toContainEqual({
      name: "name",
      reason: "Connector Name must be valid Unicode text",
    });
    expect(errorsOf({ ...valid, description: "\udfff" })).toContainEqual({
      name: "description",
      reason: "Description must be valid Unicode text",
    });
    expect(errorsOf({ ...valid, name: "SOC 😀" })).toEqual([]);
  });

  it("reports a missing required field as required", () => {
    const rest: Partial<typeof valid> = { ...valid };
    delete rest.name;
    expect(errorsOf(rest)).toContainEqual({ name: "name", reason: "Connector Name is required" });
  });

  it("accepts event sub-types freely and drops repeated values", () => {
    const data = ZCreateIntegrationInput.parse({
      ...valid,
      eventFilter: [{ field: "event_sub_type", operator: "not_in", values: ["IPS", "IPS", "Internet Firewall"] }],
    });
    expect(data.eventFilter[0]!.values).toEqual(["IPS", "Internet Firewall"]);
  });
});

describe("data sources", () => {
  it.each([
    ["Audit Trail alone", { events: false, flows: false, audit: true }],
    ["Flows alone", { events: false, flows: true, audit: false }],
    ["all three", { events: true, flows: true, audit: true }],
  ])("accepts %s", (_, sources) => {
    expect(errorsOf({ ...valid, ...sources })).toEqual([]);
    expect(integrationFormSchema("edit").safeParse({ ...valid, ...sources }).success).toBe(true);
  });

  it("refuses none of the three, on the events field, in the API and in the edit form", () => {
    const reason = "Choose at least one data source: Events, Flows or Audit Trail";
    expect(errorsOf({ ...valid, events: false, flows: false, audit: false })).toEqual([{ name: "events", reason }]);
    const edit = integrationFormSchema("edit").safeParse({ ...valid, events: false, flows: false, audit: false });
    expect(edit.error && toInvalidParams(edit.error)).toEqual([{ name: "events", reason }]);
  });

  it("checks the merged sources of an edit", () => {
    expect(checkDataSources({ events: false, flows: false, audit: true })).toBeNull();
    expect(checkDataSources({ events: false, flows: false, audit: false })).toMatch(/Audit Trail/);
  });
});

describe("Splunk metadata", () => {
  it("defaults to host cato-sase, source cato_networks and a cato: sourcetype per data source", () => {
    const data = ZCreateIntegrationInput.parse(valid);
    expect(data).toMatchObject({
      hecHost: "cato-sase",
      hecSource: "cato_networks",
      sourcetypes: { events: "cato:events", flows: "cato:flows", audit: "cato:audit" },
    });
  });

  it("keeps the other defaults when only some sourcetypes are given, and trims", () => {
    const data = ZCreateIntegrationInput.parse({
      ...valid,
      hecHost: "  sase-paris ",
      hecSource: "cato:prod",
      sourcetypes: { flows: " cato_json_flows " },
    });
    expect(data).toMatchObject({
      hecHost: "sase-paris",
      hecSource: "cato:prod",
      sourcetypes: { events: "cato:events", flows: "cato_json_flows", audit: "cato:audit" },
    });
    expect(integrationFormSchema("create").parse({ ...valid, sourcetypes: {} }).sourcetypes).toEqual({
      events: "cato:events",
      flows: "cato:flows",
      audit: "cato:audit",
    });
  });

  it.each([
    [{ hecHost: "" }, "hecHost", "Host must not be blank"],
    [{ hecHost: "   " }, "hecHost", "Host must not be blank"],
    [{ hecHost: null }, "hecHost", "Host is required"],
    [{ hecHost: 7 }, "hecHost", "Host must be text"],
    [{ hecHost: "h".repeat(256) }, "hecHost", "Host must be at most 255 characters"],
    [{ hecSource: "cato\nnetworks" }, "hecSource", "Source must not contain control characters"],
    [{ hecSource: "a\u2028b" }, "hecSource", "Source must not contain control characters"],
    [{ sourcetypes: { events: "" } }, "sourcetypes.events", "Events sourcetype must not be blank"],
    [
      { sourcetypes: { flows: "cato\tflows" } },
      "sourcetypes.flows",
      "Flows sourcetype must not contain control characters",
    ],
    [
      { sourcetypes: { audit: "a".repeat(256) } },
      "sourcetypes.audit",
      "Audit Trail sourcetype must be at most 255 characters",
    ],
    [{ sourcetypes: { audit: "\ud800" } }, "sourcetypes.audit", "Audit Trail sourcetype must be valid Unicode text"],
    [{ sourcetypes: "cato:events" }, "sourcetypes", "Sourcetypes must be an object with events, flows and audit"],
    [{ sourcetypes: { raw: "x" } }, "sourcetypes.raw", "raw is not a known field"],
  ])("refuses %j on %s", (patch, name, reason) => {
    expect(errorsOf({ ...valid, ...patch })).toContainEqual({ name, reason });
    expect(toInvalidParams(ZUpdateIntegrationInput.safeParse(patch).error!)).toContainEqual({ name, reason });
  });

  it("in an edit, takes only the sourcetypes given, without filling defaults over stored values", () => {
    expect(ZUpdateIntegrationInput.parse({ sourcetypes: { events: "cato_json_events" } })).toEqual({
      sourcetypes: { events: "cato_json_events" },
    });
    expect(ZUpdateIntegrationInput.parse({ hecHost: " h " })).toEqual({ hecHost: "h" });
  });

  it("accepts the longest allowed values and Splunk-style names", () => {
    const data = ZCreateIntegrationInput.parse({
      ...valid,
      hecHost: "h".repeat(255),
      hecSource: "/var/log/cato sase.log",
      sourcetypes: { events: "cato_json_events", flows: "cato::flows", audit: "Cato Audit" },
    });
    expect(data.hecHost).toHaveLength(255);
  });
});

describe("ZUpdateIntegrationInput", () => {
  it("takes any subset and leaves the rest out", () => {
    expect(ZUpdateIntegrationInput.parse({ description: "new" })).toEqual({ description: "new" });
    expect(ZUpdateIntegrationInput.parse({ audit: true })).toEqual({ audit: true });
  });

  it("applies the same field rules", () => {
    expect(ZUpdateIntegrationInput.safeParse({ ingestionUrl: "http://x.example.com" }).success).toBe(false);
    expect(ZUpdateIntegrationInput.safeParse({ secret: 1 }).success).toBe(false);
  });
});

describe("integrationFormSchema", () => {
  it("in edit mode, an empty API Key means keep the stored one", () => {
    const data = integrationFormSchema("edit").parse({ ...valid, apiKey: "" });
    expect(data.apiKey).toBeUndefined();
  });

  it("in create mode, the API Key is required with the API's wording", () => {
    const result = integrationFormSchema("create").safeParse({ ...valid, apiKey: "" });
    expect(result.success).toBe(false);
    expect(result.error && toInvalidParams(result.error)).toContainEqual({
      name: "apiKey",
      reason: "API Key is required",
    });
  });
});

describe("cross-field rules", () => {
  it("reports a missing data source together with other field errors", () => {
    const result = ZCreateIntegrationInput.safeParse({ ...valid, name: "", events: false, flows: false });
    expect(result.success).toBe(false);
    const names = result.error ? toInvalidParams(result.error).map((p) => p.name) : [];
    expect(names).toEqual(expect.arrayContaining(["name", "events"]));
  });
});
