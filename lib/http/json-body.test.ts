import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { readBodyChunks } from "@/lib/http/json-body";

function streamed(pieces: string[], then: "end" | "stall" | "error", headers: Record<string, string> = {}) {
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < pieces.length) return controller.enqueue(new TextEncoder().encode(pieces[i++]));
      if (then === "end") return controller.close();
      if (then === "error") return controller.error(new Error("aborted"));
      return new Promise<void>(() => undefined); // the client sends nothing more
    },
  });
  return new Request("http://console.test/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

async function drain(request: Request, limit = 1024, idleMs = 100): Promise<string | AppError> {
  let text = "";
  try {
    for await (const chunk of readBodyChunks(request, limit, idleMs)) text += new TextDecoder().decode(chunk);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  return text;
}

describe("readBodyChunks", () => {
  it("passes the body through as it arrives", async () => {
    expect(await drain(streamed(["ab", "cd"], "end"))).toBe("abcd");
  });

  it("answers 408 when the body stops arriving", async () => {
    const error = await drain(streamed(["ab"], "stall"));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(408);
  });

  it("answers 400 when the client cuts the body off", async () => {
    const error = (await drain(streamed(["ab"], "error"))) as AppError;
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/cut off/);
  });

  it("answers 413 naming the limit, from the declared length before reading, and from the count", async () => {
    const declared = (await drain(streamed([], "stall", { "content-length": "2048" }))) as AppError;
    expect(declared.status).toBe(413);
    expect(declared.message).toContain("1 KB");
    const counted = (await drain(streamed(["x".repeat(600), "x".repeat(600)], "stall"))) as AppError;
    expect(counted.status).toBe(413);
  });
});
