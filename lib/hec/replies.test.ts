import { describe, expect, it } from "vitest";
import { backoffDelay, rejectedDelay } from "@/lib/hec/backoff";
import { classifyReply, parseRetryAfter } from "@/lib/hec/replies";

const reply = (code: number, text = "x", extra: Record<string, unknown> = {}) =>
  JSON.stringify({ text, code, ...extra });

describe("classifyReply", () => {
  it("accepts code 0", () => {
    expect(classifyReply(200, reply(0, "Success"))).toEqual({ kind: "accepted" });
  });

  it.each([
    [403, 1, /token disabled/],
    [401, 2, /no API key/],
    [401, 3, /invalid authorization/],
    [403, 4, /Splunk rejected the API key: invalid token/],
    [400, 7, /index/],
    [400, 21, /invalid token/],
    [400, 22, /token disabled/],
    [400, 5, /no data/],
    [400, 10, /channel/],
    [400, 11, /channel/],
    [400, 12, /event field/],
    [400, 15, /indexed fields/],
    [400, 16, /query string/],
  ])("HTTP %i code %i needs an admin: %s", (status, code, reason) => {
    const verdict = classifyReply(status, reply(code));
    expect(verdict.kind).toBe("rejected");
    expect(verdict.kind === "rejected" && verdict.reason).toMatch(reason);
  });

  it.each([
    [500, 8],
    [503, 9],
    [503, 18],
    [503, 19],
    [503, 20],
  ])("HTTP %i code %i is retried", (status, code) => {
    expect(classifyReply(status, reply(code)).kind).toBe("retry");
  });

  it.each([6, 13])("code %i with invalid-event-number sets one event aside", (code) => {
    expect(classifyReply(400, reply(code, "bad", { "invalid-event-number": 3 }))).toMatchObject({
      kind: "bad-event",
      invalidEventNumber: 3,
    });
    expect(classifyReply(400, reply(code)).kind).toBe("rejected");
  });

  it("413 means smaller batches", () => {
    expect(classifyReply(413, "Content too large").kind).toBe("too-large");
  });

  it("retries 429, other 5xx and load balancer errors, honouring Retry-After", () => {
    expect(classifyReply(429, "", "7")).toMatchObject({ kind: "retry", retryAfterMs: 7000 });
    expect(classifyReply(502, "<html><body>Bad Gateway</body></html>")).toMatchObject({
      kind: "retry",
      reason: expect.stringMatching(/HTTP 502: "<html><body>Bad Gateway/),
    });
    expect(classifyReply(504, "").kind).toBe("retry");
  });

  it("an unexpected reply is an error quoting the status and the body's start", () => {
    const verdict = classifyReply(404, "404 page not found");
    expect(verdict).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/HTTP 404.*"404 page not found".*Ingestion URL/),
    });
    expect(classifyReply(401, "<html>Unauthorized</html>")).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/API key \(HTTP 401/),
    });
    expect(classifyReply(200, "OK").kind).toBe("retry");
  });
});

describe("backoff", () => {
  it("grows exponentially, is capped, and jitters", () => {
    const high = () => 0.999;
    expect(backoffDelay(1, null, high)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(4, null, high)).toBeGreaterThan(7000);
    expect(backoffDelay(30, null, high)).toBeLessThanOrEqual(60_000);
    expect(backoffDelay(5, null, () => 0)).toBe(500);
  });

  it("waits at least as long as Retry-After asks", () => {
    expect(backoffDelay(1, 30_000, () => 0)).toBe(30_000);
  });

  it("retries admin errors about once a minute", () => {
    expect(rejectedDelay(() => 0)).toBe(54_000);
    expect(rejectedDelay(() => 1)).toBe(66_000);
  });

  it("parses Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("120")).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter("soon")).toBeNull();
  });
});
