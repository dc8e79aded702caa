import type { NextConfig } from "next";

/**
 * 'unsafe-inline' for scripts because the App Router injects inline scripts (the RSC
 * payload) into prerendered pages. Next step: a nonce per request set in proxy.ts,
 * which needs every page rendered dynamically, then script-src 'self' 'nonce-...'.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
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
