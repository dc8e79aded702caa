import { AppError } from "@/lib/errors";

export const MAX_JSON_BODY_BYTES = 64 * 1024;

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${bytes / 1024} KB`;
}

/**
 * Reads a request body as UTF-8 text without ever holding more than `limit` bytes:
 * the declared length is checked first, then the stream is counted as it arrives.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const tooLarge = () =>
    new AppError("payload_too_large", `The request body is larger than the limit of ${formatBytes(limit)}.`);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) throw new AppError("bad_request", "The request body is empty.");

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (size === 0) throw new AppError("bad_request", "The request body is empty.");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks, size));
  } catch {
    throw new AppError("bad_request", "The request body is not valid UTF-8.");
  }
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
