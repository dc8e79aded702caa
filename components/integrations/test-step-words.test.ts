import { describe, expect, it } from "vitest";
import { describeTestStep } from "@/components/integrations/test-step-words";

describe("describeTestStep", () => {
  it("says the status once", () => {
    expect(describeTestStep("skipped", "Skipped: an earlier step failed.")).toBe("an earlier step failed.");
    expect(describeTestStep("passed", "HEC answered that it is healthy.")).toBe("HEC answered that it is healthy.");
  });

  it("puts system error codes into words", () => {
    expect(describeTestStep("failed", "getaddrinfo ENOTFOUND splunk.example.invalid")).toBe(
      "Host not found: no DNS record for splunk.example.invalid.",
    );
    expect(describeTestStep("failed", "connect ECONNREFUSED 127.0.0.1:8088")).toBe(
      "Connection refused: nothing is listening at 127.0.0.1:8088.",
    );
    expect(describeTestStep("failed", "self-signed certificate in certificate chain")).toBe(
      "The certificate is self-signed and not trusted.",
    );
  });
});
