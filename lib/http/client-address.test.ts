import { describe, expect, it } from "vitest";
import { clientOf } from "./client-address";

describe("client address", () => {
  it("ignores a client's own X-Forwarded-For when no proxy is trusted", () => {
    expect(clientOf({ "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https" }, "::ffff:203.0.113.9", 0)).toEqual({
      address: "203.0.113.9",
      proto: "http",
    });
  });

  it("takes the entry the trusted proxy wrote, not what the client prepended", () => {
    const headers = { "x-forwarded-for": "6.6.6.6, 198.51.100.20", "x-forwarded-proto": "https" };
    expect(clientOf(headers, "10.0.0.2", 1)).toEqual({ address: "198.51.100.20", proto: "https" });
    expect(clientOf({ "x-forwarded-for": "6.6.6.6, 198.51.100.20, 10.0.0.3" }, "10.0.0.2", 2).address).toBe(
      "198.51.100.20",
    );
  });

  it("falls back to the connection when the proxy sent no header", () => {
    expect(clientOf({}, "10.0.0.2", 1).address).toBe("10.0.0.2");
    expect(clientOf({}, undefined, 0).address).toBe("");
  });
});
