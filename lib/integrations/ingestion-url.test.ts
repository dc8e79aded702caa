import { describe, expect, it } from "vitest";
import { hecEventUrl, normaliseIngestionUrl } from "@/lib/integrations/ingestion-url";

const ok = (input: string) => {
  const result = normaliseIngestionUrl(input);
  if (!result.ok) throw new Error(`expected ${input} to be accepted: ${result.reason}`);
  return result.value;
};
const reason = (input: string) => {
  const result = normaliseIngestionUrl(input);
  if (result.ok) throw new Error(`expected ${input} to be refused, got ${result.value}`);
  return result.reason;
};

describe("normaliseIngestionUrl", () => {
  it("writes the default port out", () => {
    expect(ok("https://http-inputs-acme.splunkcloud.com")).toBe("https://http-inputs-acme.splunkcloud.com:443");
  });

  it("keeps an explicit port", () => {
    expect(ok("https://splunk.example.com:8088")).toBe("https://splunk.example.com:8088");
  });

  it("accepts a host without a scheme as https", () => {
    expect(ok("http-inputs-acme.splunkcloud.com")).toBe("https://http-inputs-acme.splunkcloud.com:443");
  });

  it.each([
    "https://splunk.example.com/services/collector",
    "https://splunk.example.com/services/collector/",
    "https://splunk.example.com/services/collector/event",
    "https://splunk.example.com:443/services/collector/event/1.0",
    "HTTPS://SPLUNK.Example.COM/services/collector/event",
  ])("strips the HEC endpoint path from %s", (input) => {
    expect(ok(input)).toBe("https://splunk.example.com:443");
  });

  it("keeps a reverse proxy's path prefix", () => {
    expect(ok("https://gw.example.com/splunk/services/collector/event")).toBe("https://gw.example.com:443/splunk");
  });

  it("is idempotent", () => {
    const once = ok("https://splunk.example.com/services/collector");
    expect(ok(once)).toBe(once);
  });

  it("handles IPv6 literals", () => {
    expect(ok("https://[2001:db8::1]:8088")).toBe("https://[2001:db8::1]:8088");
  });

  it.each([
    ["http://splunk.example.com", /must use https/],
    ["ftp://splunk.example.com", /must use https/],
    ["https://user:pass@splunk.example.com", /user name or password/],
    ["https://splunk.example.com/services/collector?token=x", /query string/],
    ["https://splunk.example.com/#frag", /query string or fragment/],
    ["https://splunk.example.com/services/collector/raw", /event endpoint/],
    ["https://splunk.example.com/services/collector/health", /event endpoint/],
    ["https://splunk example.com", /spaces/],
    ["https://", /not a valid URL/],
    ["", /required/],
    ["https://splunk.example.com:99999", /not a valid URL/],
    ["https://splunk.example.com:0", /between 1 and 65535/],
    ["https://splunk.example.com:00", /between 1 and 65535/],
  ])("refuses %s", (input, pattern) => {
    expect(reason(input)).toMatch(pattern);
  });

  it("builds the event endpoint from a normalised URL", () => {
    expect(hecEventUrl("https://gw.example.com:443/splunk")).toBe(
      "https://gw.example.com:443/splunk/services/collector/event",
    );
  });
});
