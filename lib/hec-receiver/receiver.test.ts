import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders, Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLoopbackCertificate } from "@/lib/hec-receiver/certificate";
import { startHecReceiver, type THecReceiver } from "@/lib/hec-receiver/receiver";
import { freePort } from "@/scripts/lib/processes";

const TOKEN = "0f3c7f0a-5d3e-4b7e-9c61-2b8f4a6d1e20";
const CHANNEL = "7e1c0e52-3b0a-4f5e-8d8c-6a4b2f1e9d33";
const EVENT_PATH = "/services/collector/event";

type TReply = {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: {
    text?: string;
    code?: number;
    "invalid-event-number"?: number;
    ackId?: number;
    acks?: Record<string, boolean>;
  };
  reusedSocket: boolean;
  localPort: number | undefined;
};

type TSendOptions = {
  method?: string;
  /** null sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  /** Several chunks are sent with chunked transfer encoding, without a Content-Length. */
  body?: string | Buffer | Buffer[];
  agent?: HttpAgent;
  /** The CA to trust; default the receiver's. */
  ca?: string | null;
  timeoutMs?: number;
};

/** One real HTTP(S) request over loopback. */
function send(receiver: THecReceiver, path: string, options: TSendOptions = {}): Promise<TReply> {
  const url = new URL(path, receiver.url);
  const token = options.token === undefined ? receiver.token : options.token;
  const headers: Record<string, string> = { ...(token === null ? {} : { Authorization: `Splunk ${token}` }) };
  Object.assign(headers, options.headers);
  const isTls = url.protocol === "https:";
  const ca = options.ca === undefined ? receiver.caCertPem : options.ca;
  return new Promise((resolve, reject) => {
    const req = (isTls ? httpsRequest : httpRequest)(
      url,
      {
        method: options.method ?? "POST",
        headers,
        agent: options.agent,
        ...(isTls && ca ? { ca } : {}),
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const isJson = (res.headers["content-type"] ?? "").startsWith("application/json");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: isJson ? JSON.parse(text) : {},
            reusedSocket: req.reusedSocket,
            localPort: res.socket?.localPort,
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    const body = options.body ?? "";
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.end(body);
    }
  });
}

function sendEvents(receiver: THecReceiver, body: string | Buffer, options: TSendOptions = {}): Promise<TReply> {
  return send(receiver, EVENT_PATH, { ...options, body });
}

function envelopes(count: number, size = 0): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify({ event: { n: i, pad: "x".repeat(size) } })).join("");
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let receiver: THecReceiver;

beforeAll(async () => {
  receiver = await startHecReceiver({ tokens: [TOKEN] });
});

afterAll(async () => {
  await receiver.stop();
});

beforeEach(() => {
  receiver.setFault({ kind: "none" });
  receiver.setMaxContentLength(800 * 1024 * 1024);
  receiver.clear();
});

describe("HEC receiver: events", () => {
  it("accepts envelopes stacked back to back and separated by newlines, in order", async () => {
    const reply = await sendEvents(
      receiver,
      '{"event":{"a":1},"index":"cato","sourcetype":"cato:event","time":1764367445.123}{"event":"b"}\n{"event":"c","fields":{"site":"Paris"}}\n',
    );
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^application\/json/);
    expect(reply.json).toEqual({ text: "Success", code: 0 });
    expect(receiver.received()).toEqual([
      { event: { a: 1 }, index: "cato", sourcetype: "cato:event", time: 1764367445.123 },
      { event: "b" },
      { event: "c", fields: { site: "Paris" } },
    ]);
    expect(receiver.count()).toBe(3);
    expect(receiver.requests()).toEqual([
      {
        status: 200,
        code: 0,
        bytes: expect.any(Number),
        envelopes: 3,
        channel: null,
        ackId: null,
        isGzip: false,
        at: expect.any(Number),
      },
    ]);
  });

  it("answers on every collector path", async () => {
    for (const path of ["/services/collector", "/services/collector/event/1.0", "/services/collector/event/"]) {
      expect((await send(receiver, path, { body: '{"event":"x"}' })).json.code).toBe(0);
    }
    expect(receiver.count()).toBe(3);
  });

  it("decompresses a gzip body and counts its compressed size", async () => {
    const body = gzipSync(envelopes(200, 100));
    const reply = await sendEvents(receiver, body, { headers: { "Content-Encoding": "gzip" } });
    expect(reply.json.code).toBe(0);
    expect(receiver.received()).toHaveLength(200);
    expect(receiver.received()[199]).toMatchObject({ event: { n: 199 } });
    expect(receiver.requests()[0]?.bytes).toBe(body.length);
  });

  it("answers code 6 to a corrupt gzip body", async () => {
    const reply = await sendEvents(receiver, Buffer.from("not gzip at all"), {
      headers: { "Content-Encoding": "gzip" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ text: "Invalid data format", code: 6 });
  });

  it("answers code 5 to an empty body", async () => {
    const reply = await sendEvents(receiver, "");
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ text: "No data", code: 5 });
  });

  it("answers code 6 with the invalid event's number, and keeps the events before it", async () => {
    const reply = await sendEvents(receiver, '{"event":"a"}{"event":"b"}{"event": nope}{"event":"d"}');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ text: "Invalid data format", code: 6, "invalid-event-number": 2 });
    expect(receiver.received()).toEqual([{ event: "a" }, { event: "b" }]);
    expect(receiver.requests()[0]).toMatchObject({ status: 400, code: 6, envelopes: 2 });
  });

  it("answers code 6 to something that is not an object", async () => {
    expect((await sendEvents(receiver, '[{"event":"a"}]')).json).toEqual({
      text: "Invalid data format",
      code: 6,
      "invalid-event-number": 0,
    });
    expect((await sendEvents(receiver, '{"event":"a"}"b"')).json["invalid-event-number"]).toBe(1);
    expect(receiver.received()).toEqual([{ event: "a" }]);
  });

  it("rejects the whole request with code 7 for an index the token may not use", async () => {
    const reply = await sendEvents(receiver, '{"event":"a","index":"main"}{"event":"b","index":"secret"}');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ text: "Incorrect index", code: 7 });
    expect(receiver.received()).toEqual([]);
  });

  it("answers code 12 to an envelope without an event", async () => {
    const reply = await sendEvents(receiver, '{"event":"a"}{"host":"h"}');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ text: "Event field is required", code: 12, "invalid-event-number": 1 });
    expect(receiver.received()).toEqual([{ event: "a" }]);
  });

  it("answers code 13 to a blank event: empty string, empty object or null", async () => {
    for (const blank of ['""', "{}", "null"]) {
      const reply = await sendEvents(receiver, `{"event":"a"}{"event":${blank}}`);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ text: "Event field cannot be blank", code: 13, "invalid-event-number": 1 });
    }
    expect(receiver.received()).toHaveLength(3);
  });

  it("answers code 15 to nested indexed fields", async () => {
    const reply = await sendEvents(receiver, '{"event":"a","fields":{"site":{"name":"Paris"}}}');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ text: "Error in handling indexed fields", code: 15, "invalid-event-number": 0 });
    expect(receiver.received()).toEqual([]);
  });

  it("answers 404 in Splunk's JSON to an unknown path", async () => {
    const reply = await send(receiver, "/services/collector/nope", { body: '{"event":"a"}' });
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ text: "The requested URL was not found on this server.", code: 404 });
  });
});

describe("HEC receiver: authorization", () => {
  it("answers 401 code 2 without a token", async () => {
    const reply = await sendEvents(receiver, '{"event":"a"}', { token: null });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ text: "Token is required", code: 2 });
  });

  it("answers 401 code 3 to another scheme", async () => {
    const reply = await sendEvents(receiver, '{"event":"a"}', {
      token: null,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ text: "Invalid authorization", code: 3 });
  });

  it("answers 403 code 4 to an unknown token", async () => {
    const reply = await sendEvents(receiver, '{"event":"a"}', { token: "11111111-2222-3333-4444-555555555555" });
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual({ text: "Invalid token", code: 4 });
    expect(receiver.received()).toEqual([]);
  });

  it("answers 400 code 16 to a token in the query string", async () => {
    const reply = await send(receiver, `${EVENT_PATH}?token=${TOKEN}`, { token: null, body: '{"event":"a"}' });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ text: "Query string authorization is not enabled", code: 16 });
  });

  it("reads the scheme in any case", async () => {
    const reply = await sendEvents(receiver, '{"event":"a"}', {
      token: null,
      headers: { Authorization: `splunk ${TOKEN}` },
    });
    expect(reply.json.code).toBe(0);
  });
});

describe("HEC receiver: body limit", () => {
  it("answers 413 to a declared Content-Length over the limit without reading it", async () => {
    receiver.setMaxContentLength(1000);
    const reply = await sendEvents(receiver, envelopes(20, 100));
    expect(reply.status).toBe(413);
    expect(reply.json.code).toBe(413);
    expect(reply.json.text).toMatch(/Content-Length of \d+ too large \(maximum is 1000\)/);
    expect(receiver.received()).toEqual([]);
  });

  it("answers 413 to a chunked upload once it goes over the limit", async () => {
    receiver.setMaxContentLength(1000);
    const body = Buffer.from(envelopes(20, 100));
    const chunks = [body.subarray(0, 600), body.subarray(600, 1200), body.subarray(1200)];
    const reply = await send(receiver, EVENT_PATH, { body: chunks });
    expect(reply.status).toBe(413);
    expect(reply.json.text).toMatch(/maximum is 1000/);
    expect(receiver.received()).toEqual([]);
  });

  it("takes a body of exactly the limit", async () => {
    const body = envelopes(3, 10);
    receiver.setMaxContentLength(Buffer.byteLength(body));
    expect((await sendEvents(receiver, body)).json.code).toBe(0);
  });
});

describe("HEC receiver: health, raw and acknowledgement", () => {
  it("answers health 17, and 503 code 18 when unhealthy or busy", async () => {
    const healthy = await send(receiver, "/services/collector/health", { method: "GET", token: null });
    expect(healthy.status).toBe(200);
    expect(healthy.json).toEqual({ text: "HEC is healthy", code: 17 });
    for (const kind of ["unhealthy", "busy"] as const) {
      receiver.setFault({ kind });
      const sick = await send(receiver, "/services/collector/health", { method: "GET", token: null });
      expect(sick.status).toBe(503);
      expect(sick.json).toEqual({ text: "HEC is unhealthy, queues are full", code: 18 });
    }
  });

  it("stores each raw line as an event when a channel is given (header or query)", async () => {
    const byHeader = await send(receiver, "/services/collector/raw?sourcetype=cato:raw", {
      headers: { "X-Splunk-Request-Channel": CHANNEL },
      body: "line one\nline two\n",
    });
    expect(byHeader.json).toEqual({ text: "Success", code: 0 });
    const byQuery = await send(receiver, `/services/collector/raw/1.0?channel=${CHANNEL}`, { body: "line three" });
    expect(byQuery.json.code).toBe(0);
    expect(receiver.received()).toEqual([
      { sourcetype: "cato:raw", event: "line one" },
      { sourcetype: "cato:raw", event: "line two" },
      { event: "line three" },
    ]);
  });

  it("answers code 10 to raw data without a channel and 11 to a channel that is not a GUID", async () => {
    const missing = await send(receiver, "/services/collector/raw", { body: "line" });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ text: "Data channel is missing", code: 10 });
    const invalid = await send(receiver, "/services/collector/raw?channel=abc", { body: "line" });
    expect(invalid.json).toEqual({ text: "Invalid data channel", code: 11 });
    expect(receiver.received()).toEqual([]);
  });

  it("answers code 14 to an ack query when acknowledgement is off", async () => {
    const reply = await send(receiver, "/services/collector/ack", {
      headers: { "X-Splunk-Request-Channel": CHANNEL },
      body: '{"acks":[0]}',
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ text: "ACK is disabled", code: 14 });
  });

  it("gives ack ids per channel and reports each as indexed once", async () => {
    const acking = await startHecReceiver({ tokens: [TOKEN], ackEnabled: true });
    try {
      const channel = { "X-Splunk-Request-Channel": CHANNEL };
      expect((await sendEvents(acking, '{"event":"a"}', { headers: channel })).json).toEqual({
        text: "Success",
        code: 0,
        ackId: 0,
      });
      expect((await sendEvents(acking, '{"event":"b"}', { headers: channel })).json.ackId).toBe(1);
      // With acknowledgement on, Splunk wants a channel on every send.
      expect((await sendEvents(acking, '{"event":"c"}')).json.code).toBe(10);
      const poll = await send(acking, "/services/collector/ack", { headers: channel, body: '{"acks":[0,1,7]}' });
      expect(poll.status).toBe(200);
      expect(poll.json).toEqual({ acks: { "0": true, "1": true, "7": false } });
      const again = await send(acking, "/services/collector/ack", { headers: channel, body: '{"acks":[0]}' });
      expect(again.json).toEqual({ acks: { "0": false } });
      expect((await send(acking, "/services/collector/ack", { body: '{"acks":[0]}' })).json.code).toBe(10);
    } finally {
      await acking.stop();
    }
  });

  it("numbers requests in the order it handles them: one held back gets a higher ack id than one sent after it", async () => {
    const acking = await startHecReceiver({ tokens: [TOKEN], ackEnabled: true });
    try {
      const channel = { "X-Splunk-Request-Channel": CHANNEL };
      acking.setFault({ kind: "slow-once-containing", text: "first", delayMs: 200 });
      const first = sendEvents(acking, '{"event":"first"}', { headers: channel });
      await waitUntil(() => acking.inProgress() === 1, "the first request to arrive");
      const second = await sendEvents(acking, '{"event":"second"}', { headers: channel });
      expect(second.json.ackId).toBe(0);
      expect((await first).json.ackId).toBe(1);
      expect(acking.received().map((e) => e.event)).toEqual(["second", "first"]);
    } finally {
      await acking.stop();
    }
  });

  it("hands over what it received without forgetting the acks still to be polled, and logs each poll", async () => {
    const acking = await startHecReceiver({ tokens: [TOKEN], ackEnabled: true });
    try {
      const channel = { "X-Splunk-Request-Channel": CHANNEL };
      await sendEvents(acking, '{"event":"a"}', { headers: channel });
      await sendEvents(acking, '{"event":"b"}', { headers: channel });
      expect(acking.takeReceived().map((e) => e.event)).toEqual(["a", "b"]);
      expect(acking.takeReceived()).toEqual([]);
      expect(acking.count()).toBe(2);
      expect(acking.pendingAcks()).toBe(2);
      // The ids keep counting on the channel: no id is given twice.
      expect((await sendEvents(acking, '{"event":"c"}', { headers: channel })).json.ackId).toBe(2);
      const poll = await send(acking, "/services/collector/ack", { headers: channel, body: '{"acks":[1,0,9]}' });
      expect(poll.json).toEqual({ acks: { "1": true, "0": true, "9": false } });
      expect(acking.ackPolls()).toEqual([
        { channel: CHANNEL, ackIds: [1, 0, 9], trueIds: [1, 0], at: expect.any(Number) },
      ]);
      acking.clear();
      expect(acking.ackPolls()).toEqual([]);
      expect(acking.pendingAcks()).toBe(0);
    } finally {
      await acking.stop();
    }
  });
});

describe("HEC receiver: batches received but never indexed", () => {
  it("answers 200 with an ack id that never turns true for that share of batches, and keeps none of them", async () => {
    const acking = await startHecReceiver({ tokens: [TOKEN], ackEnabled: true, neverIndexedRatio: 0.5 });
    try {
      const channel = { "X-Splunk-Request-Channel": CHANNEL };
      for (const event of ["a", "b", "c", "d"]) {
        const reply = await sendEvents(acking, `{"event":"${event}"}`, { headers: channel });
        expect(reply.json).toMatchObject({ code: 0, ackId: expect.any(Number) });
      }
      expect(acking.received().map((e) => e.event)).toEqual(["a", "c"]);
      expect(acking.requests().map((r) => [r.channel, r.ackId])).toEqual([
        [CHANNEL, 0],
        [CHANNEL, 1],
        [CHANNEL, 2],
        [CHANNEL, 3],
      ]);
      const poll = await send(acking, "/services/collector/ack", { headers: channel, body: '{"acks":[0,1,2,3]}' });
      expect(poll.json).toEqual({ acks: { "0": true, "1": false, "2": true, "3": false } });
      expect(acking.pendingAcks()).toBe(0);
    } finally {
      await acking.stop();
    }
  });
});

describe("HEC receiver: faults", () => {
  const cases = [
    { fault: { kind: "busy" }, status: 503, body: { text: "Server is busy", code: 9 } },
    { fault: { kind: "unhealthy" }, status: 503, body: { text: "HEC is unhealthy, queues are full", code: 18 } },
    { fault: { kind: "internal" }, status: 500, body: { text: "Internal server error", code: 8 } },
    { fault: { kind: "invalid-token" }, status: 403, body: { text: "Invalid token", code: 4 } },
    { fault: { kind: "token-disabled" }, status: 403, body: { text: "Token disabled", code: 1 } },
    { fault: { kind: "incorrect-index" }, status: 400, body: { text: "Incorrect index", code: 7 } },
  ] as const;

  for (const { fault, status, body } of cases) {
    it(`answers ${status} code ${body.code} to everything under the ${fault.kind} fault, then recovers`, async () => {
      receiver.setFault(fault);
      const reply = await sendEvents(receiver, '{"event":"a"}');
      expect(reply.status).toBe(status);
      expect(reply.json).toEqual(body);
      expect(receiver.received()).toEqual([]);
      receiver.setFault({ kind: "none" });
      expect((await sendEvents(receiver, '{"event":"a"}')).json.code).toBe(0);
    });
  }

  it("answers busy once to the first request holding the given text", async () => {
    receiver.setFault({ kind: "busy-once-containing", text: '"needle"' });
    expect((await sendEvents(receiver, '{"event":"hay"}')).json.code).toBe(0);
    expect((await sendEvents(receiver, '{"event":"needle"}')).json.code).toBe(9);
    expect((await sendEvents(receiver, '{"event":"needle"}')).json.code).toBe(0);
    expect(receiver.received().map((e) => e.event)).toEqual(["hay", "needle"]);
  });

  it("answers busy to that fraction of requests, every other one for 0.5", async () => {
    receiver.setFault({ kind: "busy-ratio", ratio: 0.5 });
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) codes.push((await sendEvents(receiver, `{"event":${i}}`)).json.code);
    expect(codes).toEqual([0, 9, 0, 9, 0, 9]);
    expect(receiver.received().map((envelope) => envelope.event)).toEqual([0, 2, 4]);
  });

  it("answers normally after the delay when slow, and a client that gives up first gets no answer", async () => {
    receiver.setFault({ kind: "slow", delayMs: 300 });
    const startedAt = performance.now();
    const reply = await sendEvents(receiver, '{"event":"a"}');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(reply.json.code).toBe(0);
    await expect(sendEvents(receiver, '{"event":"b"}', { timeoutMs: 50 })).rejects.toThrow("client timeout");
  });

  it("answers a proxy's HTML page with the given status", async () => {
    receiver.setFault({ kind: "html", status: 502 });
    const reply = await sendEvents(receiver, '{"event":"a"}');
    expect(reply.status).toBe(502);
    expect(reply.headers["content-type"]).toMatch(/^text\/html/);
    expect(reply.text).toContain("<title>502 Bad Gateway</title>");
    expect(receiver.requests()[0]).toMatchObject({ status: 502, code: null, envelopes: 0 });
  });

  it("answers 429 with Retry-After when rate limited", async () => {
    receiver.setFault({ kind: "rate-limited", retryAfterSeconds: 7 });
    const reply = await sendEvents(receiver, '{"event":"a"}');
    expect(reply.status).toBe(429);
    expect(reply.headers["retry-after"]).toBe("7");
    expect(reply.json.code).toBe(429);
  });

  it("resets the connection without answering", async () => {
    receiver.setFault({ kind: "reset" });
    await expect(sendEvents(receiver, '{"event":"a"}')).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect(receiver.received()).toEqual([]);
    expect(receiver.requests()[0]).toMatchObject({ status: 0, code: null });
  });
});

describe("HEC receiver: connections", () => {
  it("keeps a connection alive across requests", async () => {
    const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await sendEvents(receiver, '{"event":"a"}', { agent });
      const second = await sendEvents(receiver, '{"event":"b"}', { agent });
      expect(first.reusedSocket).toBe(false);
      expect(second.reusedSocket).toBe(true);
      expect(second.localPort).toBe(first.localPort);
      expect(second.headers["keep-alive"]).toMatch(/timeout=\d+/);
    } finally {
      agent.destroy();
    }
  });

  it("keeps the connection usable after a 413", async () => {
    const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
    try {
      receiver.setMaxContentLength(1000);
      expect((await sendEvents(receiver, envelopes(20, 100), { agent })).status).toBe(413);
      expect((await sendEvents(receiver, '{"event":"a"}', { agent })).json.code).toBe(0);
    } finally {
      agent.destroy();
    }
  });

  it("writes its CA, valid for more than a day, to the file it names", () => {
    const ca = new X509Certificate(receiver.caCertPem ?? "");
    expect(readFileSync(receiver.caCertPath ?? "", "utf8")).toBe(receiver.caCertPem);
    expect(ca.ca).toBe(true);
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(24 * 60 * 60 * 1000);
  });

  it("is trusted by a TLS client given its CA (also for the name localhost) and refused otherwise", async () => {
    expect((await sendEvents(receiver, '{"event":"a"}')).json.code).toBe(0);
    const byName = await new Promise<X509Certificate>((resolve, reject) => {
      const req = httpsRequest(
        `${receiver.url}/services/collector/health`,
        { ca: receiver.caCertPem ?? "", servername: "localhost", agent: false },
        (res) => {
          res.resume();
          const peer = (res.socket as TLSSocket).getPeerX509Certificate();
          if (peer) resolve(peer);
          else reject(new Error("no certificate"));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(byName.checkHost("localhost")).toBe("localhost");
    expect(byName.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(byName.checkIP("::1")).toBe("::1");
    expect(byName.verify(new X509Certificate(receiver.caCertPem ?? "").publicKey)).toBe(true);
    await expect(sendEvents(receiver, '{"event":"a"}', { ca: null })).rejects.toMatchObject({
      code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    });
    const otherCa = (await createLoopbackCertificate()).caCertPem;
    await expect(sendEvents(receiver, '{"event":"a"}', { ca: otherCa })).rejects.toMatchObject({
      code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    });
  });

  it("is trusted by a child process through NODE_EXTRA_CA_CERTS and refused without it", async () => {
    const script = `fetch(${JSON.stringify(`${receiver.url}/services/collector/health`)}).then(
      (r) => r.json().then((b) => console.log(r.status, b.code)),
      (e) => console.log("refused", e.cause?.code ?? e.message))`;
    const run = (env: NodeJS.ProcessEnv) =>
      promisify(execFile)(process.execPath, ["-e", script], { env }).then(({ stdout }) => stdout.trim());
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    expect(await run({ ...env, NODE_EXTRA_CA_CERTS: receiver.caCertPath ?? "" })).toBe("200 17");
    expect(await run(env)).toBe("refused UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("answers plain HTTP when TLS is off", async () => {
    const plain = await startHecReceiver({ tls: false, tokens: [TOKEN] });
    try {
      expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(plain.caCertPem).toBeNull();
      expect((await sendEvents(plain, '{"event":"a"}')).json.code).toBe(0);
    } finally {
      await plain.stop();
    }
  });

  it("stops with a keep-alive connection open, and a new receiver starts on the same port with the same CA", async () => {
    const port = await freePort();
    const first = await startHecReceiver({ port, tokens: [TOKEN] });
    const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await sendEvents(first, '{"event":"before"}', { agent })).json.code).toBe(0);
      await first.stop();
      // The client sees its pooled connection closed (it may take it a moment to notice).
      await waitUntil(() => Object.keys(agent.freeSockets).length === 0, "the pooled connection to close");
      await expect(sendEvents(first, '{"event":"down"}')).rejects.toMatchObject({ code: "ECONNREFUSED" });

      const second = await startHecReceiver({ port, tokens: [TOKEN] });
      try {
        expect(second.url).toBe(first.url);
        expect(second.caCertPem).toBe(first.caCertPem);
        expect((await sendEvents(second, '{"event":"after"}', { agent, ca: first.caCertPem })).json.code).toBe(0);
        expect(second.received()).toEqual([{ event: "after" }]);
      } finally {
        await second.stop();
      }
    } finally {
      agent.destroy();
    }
  });
});
