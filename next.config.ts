import type { NextConfig } from "next";
import { API_POLICY } from "./lib/http/csp";

// Pages get their Content-Security-Policy per request in proxy.ts (they carry a nonce);
// the API, which proxy.ts never sees, gets its fixed policy here.
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Frame-Options", value: "DENY" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // The generated Prisma client and node-postgres run on Node, not in the bundle.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "pino", "pino-pretty"],
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_POLICY }] },
    ];
  },
};

export default nextConfig;
