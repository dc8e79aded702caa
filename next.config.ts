import type { NextConfig } from "next";

// The Content-Security-Policy is set per request in proxy.ts (pages carry a nonce).
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
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
