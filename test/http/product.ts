/** What test/http/global-setup.ts hands the HTTP tests about the running product. */
export type HttpProduct = {
  /** http://127.0.0.1:<port>, served by scripts/serve.ts as `npm run web` runs it. */
  baseUrl: string;
  /** Passwords of the Admin (the first one, from ADMIN_EMAIL) and of a Viewer. */
  accounts: Record<"admin" | "viewer", { email: string; password: string }>;
  /** One API key per role. */
  apiKeys: Record<"admin" | "viewer", string>;
  /** The product's own database and Redis, for what a client cannot see. */
  databaseUrl: string;
  redisUrl: string;
  /** Files holding everything the web and worker processes wrote (stdout and stderr). */
  logs: { web: string; worker: string };
};

declare module "vitest" {
  export interface ProvidedContext {
    httpProduct: HttpProduct;
  }
}
