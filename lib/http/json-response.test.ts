import { describe, expect, it } from "vitest";
import { jsonResponse, toSafeJson } from "@/lib/http/json-response";

describe("toSafeJson", () => {
  it("escapes markup and line separators, and parses back to the same value", () => {
    const value = { name: "</script><script>alert(1)</script> & \u2028", n: [1, "a<b"] };
    const text = toSafeJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe("jsonResponse", () => {
  it("answers application/json unless told otherwise, keeping status and headers", async () => {
    const plain = jsonResponse({ a: "<b>" }, { status: 201, headers: { location: "/x" } });
    expect(plain.status).toBe(201);
    expect(plain.headers.get("content-type")).toBe("application/json");
    expect(plain.headers.get("location")).toBe("/x");
    expect(await plain.text()).toBe('{"a":"\\u003cb\\u003e"}');
    const problem = jsonResponse({}, { headers: { "content-type": "application/problem+json" } });
    expect(problem.headers.get("content-type")).toBe("application/problem+json");
  });
});
