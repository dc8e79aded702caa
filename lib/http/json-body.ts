import { AppError } from "@/lib/errors";

export const MAX_JSON_BODY_BYTES = 64 * 1024;
/** A body that sends nothing for this long is given up on (408), whatever its size. */
export const BODY_IDLE_TIMEOUT_MS = 15_000;

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${bytes / 1024} KB`;
}

function tooLarge(limit: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than the limit of ${formatBytes(limit)}.`);
}

/**
 * A request body's bytes as they arrive, never more than `limit` in all: the declared
 * length is checked before anything is read, then the stream is counted. A body that
 * stops arriving for `idleMs` is a 408; one the client cuts off is a 400.
 */
export async function* readBodyChunks(
  request: Request,
  limit: number,
  idleMs = BODY_IDLE_TIMEOUT_MS,
): AsyncGenerator<Uint8Array> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) throw new AppError("bad_request", "The request body is empty.");

  const reader = request.body.getReader();
  let size = 0;
  let isDone = false;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<"idle">((resolve) => {
        timer = setTimeout(() => resolve("idle"), idleMs);
      });
      let next: ReadableStreamReadResult<Uint8Array> | "idle";
      try {
        next = await Promise.race([reader.read(), idle]);
      } catch {
        throw new AppError("bad_request", "The request body was cut off before it ended.");
      } finally {
        clearTimeout(timer);
      }
      if (next === "idle") {
        throw new AppError(
          "request_timeout",
          `The request body stopped arriving: nothing came for ${idleMs / 1000} seconds.`,
        );
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) throw tooLarge(limit);
      if (Number.isFinite(declared) && declared > 0 && size > declared) {
        throw new AppError("bad_request", "The request body is longer than its Content-Length.");
      }
      yield next.value;
    }
    isDone = true;
  } finally {
    // Not awaited: a cancel may wait on a client that sends nothing more.
    if (!isDone) void reader.cancel().catch(() => undefined);
  }
  if (size === 0) throw new AppError("bad_request", "The request body is empty.");
}

/** The body as UTF-8 text in pieces as it arrives (a character split across chunks is kept whole). */
export async function* readBodyTextChunks(request: Request, limit: number): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const invalid = () => new AppError("bad_request", "The request body is not valid UTF-8.");
  for await (const chunk of readBodyChunks(request, limit)) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw invalid();
    }
    if (text !== "") yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw invalid();
  }
  if (rest !== "") yield rest;
}

/** Reads a request body as UTF-8 text without ever holding more than `limit` bytes. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const parts: string[] = [];
  for await (const text of readBodyTextChunks(request, limit)) parts.push(text);
  return parts.join("");
}

export function parseJsonText(text: string, what = "The request body"): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "it could not be parsed";
    throw new AppError("bad_request", `${what} is not valid JSON: ${reason}`);
  }
}

export function isJsonContentType(type: string): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(type);
}

/** A small JSON document: the API's resources. */
export async function readJsonBody(request: Request, limit = MAX_JSON_BODY_BYTES): Promise<unknown> {
  if (!isJsonContentType(request.headers.get("content-type") ?? "")) {
    throw new AppError("unsupported_media_type", "The request body must be JSON (Content-Type: application/json).");
  }
  const text = await readBodyText(request, limit);
  if (text.trim() === "") throw new AppError("bad_request", "The request body is empty; send a JSON object.");
  return parseJsonText(text);
}
