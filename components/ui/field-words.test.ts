import { describe, expect, it } from "vitest";
import { inScreenWords } from "@/components/ui/field-words";

describe("inScreenWords", () => {
  it("names the field by its label instead of its key", () => {
    expect(inScreenWords("email must be an email address, such as soc@example.com", "Email")).toBe(
      "Email must be an email address, such as soc@example.com",
    );
    expect(inScreenWords("setupCode does not match the code in data/setup-code", "Setup code")).toBe(
      "Setup code does not match the code in data/setup-code",
    );
  });

  it("leaves messages that already speak in words alone", () => {
    expect(inScreenWords("Connector Name must not be empty", "Connector Name")).toBe(
      "Connector Name must not be empty",
    );
    expect(inScreenWords("Current password is not correct", "Current password")).toBe(
      "Current password is not correct",
    );
    expect(inScreenWords("not allowed: a private address", "Ingestion URL")).toBe("not allowed: a private address");
  });
});
