import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "@/lib/audit/record";
import { actionLabel, describeDetails } from "./audit-labels";

describe("audit labels", () => {
  it("names every action", () => {
    for (const action of AUDIT_ACTIONS) expect(actionLabel(action)).not.toBe(action);
    expect(actionLabel("something.new")).toBe("something.new");
  });

  it("describes what an edit changed", () => {
    expect(describeDetails({ fields: ["name", "apiKey"], previousName: "Old" })).toBe(
      "fields: name, apiKey; previousName: Old",
    );
    expect(describeDetails({ role: { from: "admin", to: "viewer" } })).toBe("role: admin → viewer");
    expect(describeDetails(null)).toBe("");
  });
});
