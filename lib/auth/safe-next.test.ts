import { describe, expect, it } from "vitest";
import { safeNext } from "@/lib/auth/safe-next";

describe("safeNext", () => {
  it.each([
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    undefined,
  ])("refuses %j", (next) => {
    expect(safeNext(next)).toBe("/integrations");
  });

  it.each([
    ["/integrations/42?tab=activity", "/integrations/42?tab=activity"],
    ["/audit#top", "/audit#top"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("keeps the path on this site %j", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
