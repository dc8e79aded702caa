import { describe, expect, it } from "vitest";
import { CROSS_SITE_DETAIL, crossSiteRefusal, isCrossSiteRequest } from "@/lib/http/csrf";

function request(method: string, headers: Record<string, string>, pathname = "/api/integrations") {
  return { method, pathname, headers: new Headers({ host: "console.example:3000", ...headers }) };
}

describe("isCrossSiteRequest", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE", "post"])("refuses a %s from another origin", (method) => {
    expect(isCrossSiteRequest(request(method, { origin: "https://evil.example" }))).toBe(true);
  });

  it("refuses an origin on the same host name but another port, and the opaque origin null", () => {
    expect(isCrossSiteRequest(request("POST", { origin: "http://console.example:4000" }))).toBe(true);
    expect(isCrossSiteRequest(request("POST", { origin: "null" }))).toBe(true);
    expect(isCrossSiteRequest(request("POST", { origin: "not a url" }))).toBe(true);
  });

  it("lets the console's own pages through, whatever the case of the host", () => {
    expect(isCrossSiteRequest(request("POST", { origin: "http://console.example:3000" }))).toBe(false);
    expect(isCrossSiteRequest(request("DELETE", { origin: "http://CONSOLE.example:3000" }))).toBe(false);
  });

  it("accepts the host and scheme a trusted reverse proxy forwarded", () => {
    const behindProxy = {
      ...request("PATCH", {
        host: "127.0.0.1:3000",
        origin: "https://console.example",
        "x-forwarded-host": "console.example",
      }),
      proto: "https" as const,
      trustProxyHops: 1,
    };
    expect(isCrossSiteRequest(behindProxy)).toBe(false);
  });

  it("ignores X-Forwarded-Host unless proxies are trusted", () => {
    const forged = request("POST", { origin: "https://evil.example", "x-forwarded-host": "evil.example" });
    expect(isCrossSiteRequest({ ...forged, proto: "https" })).toBe(true);
    expect(isCrossSiteRequest({ ...forged, proto: "https", trustProxyHops: 0 })).toBe(true);
  });

  it("compares the scheme and the port, not only the host name", () => {
    expect(isCrossSiteRequest(request("POST", { origin: "https://console.example:3000" }))).toBe(true);
    expect(isCrossSiteRequest({ ...request("POST", { origin: "http://console.example:3000" }), proto: "https" })).toBe(
      true,
    );
    expect(isCrossSiteRequest({ ...request("POST", { origin: "https://console.example:3000" }), proto: "https" })).toBe(
      false,
    );
    const defaultPort = {
      method: "POST",
      pathname: "/api/x",
      headers: new Headers({ host: "console.example:443", origin: "https://console.example" }),
    };
    expect(isCrossSiteRequest({ ...defaultPort, proto: "https" })).toBe(false);
  });

  it("lets requests without Origin through (curl, scripts), unless the browser says cross-site", () => {
    expect(isCrossSiteRequest(request("POST", {}))).toBe(false);
    expect(isCrossSiteRequest(request("POST", { "sec-fetch-site": "same-origin" }))).toBe(false);
    expect(isCrossSiteRequest(request("POST", { "sec-fetch-site": "none" }))).toBe(false);
    expect(isCrossSiteRequest(request("POST", { "sec-fetch-site": "cross-site" }))).toBe(true);
  });

  it("leaves reads and pages alone", () => {
    expect(isCrossSiteRequest(request("GET", { origin: "https://evil.example" }))).toBe(false);
    expect(isCrossSiteRequest(request("HEAD", { "sec-fetch-site": "cross-site" }))).toBe(false);
    expect(isCrossSiteRequest(request("POST", { origin: "https://evil.example" }, "/integrations"))).toBe(false);
    expect(isCrossSiteRequest(request("POST", { origin: "https://evil.example" }, "/apix"))).toBe(false);
    expect(isCrossSiteRequest(request("POST", { origin: "https://evil.example" }, "/api"))).toBe(true);
  });
});

describe("crossSiteRefusal", () => {
  it("is a 403 problem+json that says why", async () => {
    const response = crossSiteRefusal();
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 403, title: "Forbidden", detail: CROSS_SITE_DETAIL });
  });
});
