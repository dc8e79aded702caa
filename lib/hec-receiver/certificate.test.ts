import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLoopbackCertificate, loadLoopbackCertificate } from "@/lib/hec-receiver/certificate";

const dirs: string[] = [];

function makeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hec-cert-test-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("loopback certificate", () => {
  it("signs a server certificate for 127.0.0.1, ::1 and localhost with a CA of its own name", async () => {
    const first = await createLoopbackCertificate();
    const second = await createLoopbackCertificate();
    const ca = new X509Certificate(first.caCertPem);
    const server = new X509Certificate(first.certPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.issuer).toBe(ca.subject);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkIP("::1")).toBe("::1");
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(new X509Certificate(second.caCertPem).subject).not.toBe(ca.subject);
  });

  it("keeps the certificate in a directory and reuses it on the next load", async () => {
    const dir = makeDir();
    const first = await loadLoopbackCertificate(dir);
    const again = await loadLoopbackCertificate(dir);
    expect(again).toEqual(first);
    expect(first.caCertPath).toBe(join(dir, "ca.pem"));
    expect(statSync(join(dir, "server-key.pem")).mode & 0o077).toBe(0);
  });

  it("makes a new one when the stored files do not belong together", async () => {
    const dir = makeDir();
    const first = await loadLoopbackCertificate(dir);
    writeFileSync(join(dir, "server.pem"), (await createLoopbackCertificate()).certPem);
    const replaced = await loadLoopbackCertificate(dir);
    expect(replaced.caCertPem).not.toBe(first.caCertPem);
    expect(new X509Certificate(replaced.certPem).verify(new X509Certificate(replaced.caCertPem).publicKey)).toBe(true);
  });
});
