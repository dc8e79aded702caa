/**
 * What the running web and worker processes write to their logs: after sign-ins (right
 * and wrong), a password change, API-key calls and deliveries that failed and then went
 * through, no password, session token, API key or HEC token appears in either log.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLoopbackCertificate } from "@/lib/hec-receiver/certificate";
import { startHecReceiver, type THecReceiver } from "@/lib/hec-receiver/receiver";
import { client, product, url } from "./client";

let receiver: THecReceiver;
const hecToken = randomUUID();

beforeAll(async () => {
  // The CA the product trusts (test/http/global-setup.ts).
  const certificate = await loadLoopbackCertificate(join(tmpdir(), "sase-test-hec-cert"));
  receiver = await startHecReceiver({ certificate, tokens: [hecToken] });
});

afterAll(async () => {
  await receiver.stop();
});

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  await expect.poll(check, { timeout: timeoutMs, interval: 200, message: `waiting for ${what}` }).toBe(true);
}

const readLogs = () => ({
  web: readFileSync(product().logs.web, "utf8"),
  worker: readFileSync(product().logs.worker, "utf8"),
});

describe("the web and worker logs", () => {
  it("hold no password, session token, API key or HEC token", { timeout: 120_000 }, async () => {
    const admin = client("admin");
    const sessionTokens: string[] = [];

    // A user signs in with a wrong password, then the right one, and changes it.
    const email = `logs-${randomBytes(4).toString("hex")}@http.test`;
    const firstPassword = `first ${randomBytes(9).toString("hex")}`;
    const wrongPassword = `wrong ${randomBytes(9).toString("hex")}`;
    const newPassword = `second ${randomBytes(9).toString("hex")}`;
    expect((await admin.post("/api/users", { email, password: firstPassword, role: "viewer" })).status).toBe(201);
    const signIn = (password: string) =>
      fetch(url("/api/auth/sign-in"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
    expect((await signIn(wrongPassword)).status).toBe(401);
    const signedIn = await signIn(firstPassword);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.getSetCookie()[0]!.split(";")[0]!;
    sessionTokens.push(cookie.slice(cookie.indexOf("=") + 1));
    const changed = await fetch(url("/api/auth/password"), {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ currentPassword: firstPassword, newPassword }),
    });
    expect(changed.status).toBe(204);

    // A delivery refused as busy, then accepted: the worker decrypts the token to send.
    receiver.setFault({ kind: "busy" });
    const created = await admin.post("/api/integrations", {
      name: `Logs ${randomBytes(4).toString("hex")}`,
      ingestionUrl: receiver.url,
      apiKey: hecToken,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const marker = `logs-${randomBytes(4).toString("hex")}`;
    const ingested = await admin.post("/api/feeds/events", [
      { event_type: "Security", event_sub_type: "IPS", time: String(Date.now()), event_message: marker },
    ]);
    expect(ingested.status).toBe(200);
    await waitFor(() => receiver.requests().some((r) => r.status === 503), "a refused delivery");
    receiver.setFault({ kind: "none" });
    await waitFor(
      () => receiver.received().some((e) => JSON.stringify(e.event).includes(marker)),
      "the delivery to go through",
      90_000,
    );
    expect((await admin.delete(`/api/integrations/${id}`)).status).toBe(204);

    const logs = readLogs();
    // The logs are being captured: the refused delivery is in the worker's.
    expect(logs.worker).toContain("delivery failed");
    const secrets: Record<string, string[]> = {
      password: [
        product().accounts.admin.password,
        product().accounts.viewer.password,
        firstPassword,
        wrongPassword,
        newPassword,
      ],
      "API key": [product().apiKeys.admin, product().apiKeys.viewer],
      "session token": sessionTokens,
      "HEC token": [hecToken],
    };
    for (const [process, text] of Object.entries(logs)) {
      for (const [kind, values] of Object.entries(secrets)) {
        const leaked = values.filter((value) => text.includes(value)).length;
        expect(leaked, `${leaked} ${kind} value(s) in the ${process} log`).toBe(0);
      }
    }
  });
});
