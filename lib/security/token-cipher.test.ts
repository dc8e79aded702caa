import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptToken, encryptToken, tokenHint } from "@/lib/security/token-cipher";

const key = randomBytes(32);
const token = "8a5b2f04-1c3d-4e5f-9a0b-1c2d3e4f5a6b";

describe("token cipher", () => {
  it("round-trips a token and never contains it in clear", () => {
    const sealed = encryptToken(token, key, "id-1");
    expect(sealed).not.toContain(token);
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(decryptToken(sealed, key, "id-1")).toBe(token);
  });

  it("uses a fresh IV each time", () => {
    expect(encryptToken(token, key, "id-1")).not.toBe(encryptToken(token, key, "id-1"));
  });

  it("refuses a ciphertext moved to another integration", () => {
    const sealed = encryptToken(token, key, "id-1");
    expect(() => decryptToken(sealed, key, "id-2")).toThrow();
  });

  it("refuses another key and tampered data", () => {
    const sealed = encryptToken(token, key, "id-1");
    expect(() => decryptToken(sealed, randomBytes(32), "id-1")).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptToken(parts.join("."), key, "id-1")).toThrow();
  });

  it("hints at most the last four characters, and nothing of short tokens", () => {
    expect(tokenHint(token)).toBe("5a6b");
    expect(tokenHint("short")).toBe("");
  });
});
