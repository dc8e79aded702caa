import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/logger";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe("logger", () => {
  it("writes one JSON line per entry with level, time and fields", () => {
    const { lines, stream } = capture();
    createLogger({ level: "info", format: "json" }, stream).warn(
      { integrationId: "i-1", source: "events" },
      "delivery failed",
    );
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: "warn", msg: "delivery failed", integrationId: "i-1", source: "events" });
    expect(typeof entry.time).toBe("string");
  });

  it("redacts fields that must never hold a secret", () => {
    const { lines, stream } = capture();
    createLogger({ level: "info", format: "json" }, stream).info(
      {
        token: "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b",
        request: { apiKey: "k", headers: { authorization: "Splunk s" } },
      },
      "x",
    );
    expect(lines[0]).not.toContain("8a5b2f04");
    expect(lines[0]).not.toContain('"k"');
    expect(lines[0]).not.toContain("Splunk s");
    expect(lines[0]).toContain("[redacted]");
  });

  it("leaves out entries below its level", () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: "warn", format: "json" }, stream);
    logger.info({}, "quiet");
    logger.error({}, "loud");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["loud"]);
  });
});
