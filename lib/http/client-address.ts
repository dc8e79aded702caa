import type { IncomingHttpHeaders } from "node:http";

/**
 * Who the web server talks to. Next passes a client's own X-Forwarded-For through
 * untouched, which would let anyone pick the address that sign-in rate limits and the
 * audit trail see. So the address comes from the connection, or, with
 * TRUST_PROXY_HOPS=n, from the n-th entry from the right of X-Forwarded-For: the one
 * written by the outermost of the n proxies the operator runs in front of the console.
 */
export function clientOf(
  headers: IncomingHttpHeaders,
  socketAddress: string | undefined,
  trustedHops: number,
): { address: string; proto: "https" | "http" } {
  const chain: string[] = [];
  if (trustedHops > 0) {
    const forwarded = headers["x-forwarded-for"];
    for (const value of Array.isArray(forwarded) ? forwarded : [forwarded ?? ""]) {
      for (const part of value.split(",")) if (part.trim()) chain.push(part.trim());
    }
  }
  chain.push(socketAddress ?? "");
  let address = (chain[Math.max(0, chain.length - 1 - trustedHops)] ?? "").trim();
  if (address.startsWith("::ffff:")) address = address.slice(7);
  const forwardedProto =
    trustedHops > 0
      ? String(headers["x-forwarded-proto"] ?? "")
          .split(",")[0]!
          .trim()
      : "";
  return { address: address.slice(0, 64), proto: forwardedProto === "https" ? "https" : "http" };
}
