import { Writable } from "node:stream";
import { expect } from "vitest";
import { createLogger } from "@/lib/logger";

/**
 * Sends this test process' product log output (lib/logger.ts: route handlers, services,
 * pumps) to memory, at debug level so that every line is written, keeping up to a byte
 * cap. Call it before the code under test logs anything.
 */
const CAP_BYTES = 8 * 1024 * 1024;

export function captureLogs() {
  let chunks: string[] = [];
  let bytes = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (bytes + chunk.length <= CAP_BYTES) chunks.push(chunk.toString("utf8"));
      bytes += chunk.length;
      done();
    },
  });
  (globalThis as unknown as { logger?: unknown }).logger = createLogger({ level: "debug", format: "json" }, stream);
  return {
    text: () => chunks.join(""),
    clear: () => {
      chunks = [];
      bytes = 0;
    },
  };
}

/** Fails naming which kind of secret appeared, without printing the secret or the log. */
export function expectNoSecrets(logs: string, secrets: Record<string, readonly string[]>): void {
  for (const [kind, values] of Object.entries(secrets)) {
    const leaked = values.filter((value) => value.length > 0 && logs.includes(value));
    expect(leaked.length, `${leaked.length} ${kind} value(s) appear in the log output`).toBe(0);
  }
}
