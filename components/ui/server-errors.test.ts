import { describe, expect, it } from "vitest";
import { placeServerErrors } from "@/components/ui/server-errors";
import { ApiError } from "@/lib/api-client";

const FIELDS = ["email", "password", "role"] as const;

describe("placeServerErrors", () => {
  it("puts each named field's first reason next to that field", () => {
    const error = new ApiError(409, "A user with the email a@example.com already exists.", [
      { name: "email", reason: "A user with the email a@example.com already exists" },
      { name: "email", reason: "a second reason" },
    ]);
    expect(placeServerErrors(error, FIELDS, "Adding failed.")).toEqual({
      fields: { email: "A user with the email a@example.com already exists" },
    });
  });

  it("gives the detail to the form when no named field is on it", () => {
    const error = new ApiError(422, "Validation failed.", [{ name: "setupCode", reason: "wrong" }]);
    expect(placeServerErrors(error, FIELDS, "Adding failed.")).toEqual({ fields: {}, form: "Validation failed." });
    expect(placeServerErrors(new ApiError(403, "This needs the Admin role."), FIELDS, "x")).toEqual({
      fields: {},
      form: "This needs the Admin role.",
    });
  });

  it("falls back when the request never got a reply", () => {
    expect(placeServerErrors(new TypeError("Failed to fetch"), FIELDS, "Adding failed.")).toEqual({
      fields: {},
      form: "Adding failed.",
    });
  });
});
