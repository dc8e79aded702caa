import { AppError } from "@/lib/errors";

export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON request body without ever holding more than `limit` bytes:
 * the declared length is checked first, then the stream is counted as it arrives.
 */
export async function readJsonBody(request: Request, limit = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "The request body must be JSON (Content-Type: application/json).");
  }
  const tooLarge = () =>
    new AppError("payload_too_large", `The request body is larger than the limit of ${limit / 1024} KB.`);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) throw new AppError("bad_request", "The request body is empty; send a JSON object.");

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
  if (size === 0) throw new AppError("bad_request", "The request body is empty; send a JSON object.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("bad_request", "The request body is not valid UTF-8.");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "it could not be parsed";
    throw new AppError("bad_request", `The request body is not valid JSON: ${reason}`);
  }
}
