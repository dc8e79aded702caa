import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "@/lib/audit/record";
import { actionLabel, describeDetails } from "./audit-labels";

describe("audit labels", () => {
  it("names every action", () => {
    for (const action of AUDIT_ACTIONS) expect(actionLabel(action)).not.toBe(action);
    expect(actionLabel("something.new")).toBe("something.new");
  });

  it("does not word a refused attempt as if it had succeeded", () => {
    expect(actionLabel("auth.password_changed", "success")).toBe("Password changed");
    expect(actionLabel("auth.password_changed", "failure")).toBe("Password change refused");
    expect(describeDetails({ reason: "wrong_current_password" })).toBe("Reason: wrong current password");
  });

  it("describes an edit by what changed, before → after, in the screen's words", () => {
    expect(
      describeDetails({
        fields: ["description", "index", "apiKey"],
        changes: {
          description: { from: "", to: "Paris office" },
          index: { from: "main", to: null },
          apiKey: { secret: true },
        },
      }),
    ).toBe("Description: none → Paris office; Index: main → token default; API Key changed");
    expect(describeDetails({ fields: [], changes: {} })).toBe("Nothing changed");
  });

  it("reads older entries and other details as words, not raw keys", () => {
    expect(describeDetails({ fields: ["name", "apiKey"] })).toBe("Changed: Connector Name, API Key");
    expect(describeDetails({ otherSessionsEnded: 0 })).toBe("Other sessions ended: 0");
    expect(describeDetails({ role: { from: "admin", to: "viewer" } })).toBe("Role: Admin → Viewer");
    expect(describeDetails({ events: true, flows: false })).toBe("Events: on; Flows: off");
    expect(describeDetails(null)).toBe("");
  });
});
