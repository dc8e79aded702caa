/**
 * A request body that produces its bytes only as the reader pulls them, and counts
 * them: a test can tell a route that refused a body from its declared length (nothing
 * pulled) or stopped reading at its limit (little more than the limit pulled) from one
 * that read the body whole.
 */
export type TMeteredBody = {
  stream: ReadableStream<Uint8Array>;
  /** Bytes handed to the reader so far. */
  readonly pulled: number;
  /** True once the reader gave up on the rest. */
  readonly cancelled: boolean;
};

/**
 * `totalBytes` of "x", in chunks of `chunkBytes`, after `prefix` (counted in the total):
 * a prefix such as `[{"pad":"` keeps a parser that reads as the body arrives waiting
 * for the rest, as a real large record would.
 */
export function meteredBody(totalBytes: number, chunkBytes = 64 * 1024, prefix = ""): TMeteredBody {
  let pulled = 0;
  let cancelled = false;
  const start = new TextEncoder().encode(prefix);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= totalBytes) return controller.close();
        const size = Math.min(chunkBytes, totalBytes - pulled);
        const chunk = new Uint8Array(size).fill(0x78);
        if (pulled === 0) chunk.set(start.subarray(0, size));
        pulled += size;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    },
    // Nothing is produced before the first read.
    { highWaterMark: 0 },
  );
  return {
    stream,
    get pulled() {
      return pulled;
    },
    get cancelled() {
      return cancelled;
    },
  };
}

/**
 * A POST with a metered body; `declaredLength` sets Content-Length as a client would.
 * Pass the caller's `authorization` in `headers`: copying a request to add it (as
 * `signedIn` does) makes the copy start reading the body.
 */
export function meteredRequest(
  url: string,
  body: TMeteredBody,
  options: { declaredLength?: number; headers?: Record<string, string> } = {},
): Request {
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.declaredLength !== undefined ? { "content-length": String(options.declaredLength) } : {}),
      ...options.headers,
    },
    body: body.stream,
    duplex: "half",
  } as RequestInit);
}
