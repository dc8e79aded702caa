/** Who makes a request, as routes, services and the audit trail see it. */
export const ROLES = ["admin", "viewer"] as const;
export type TRole = (typeof ROLES)[number];

export type TActor = {
  type: "user" | "api_key";
  id: string;
  /** The user's email or the API key's name. */
  label: string;
  role: TRole;
};

export type TCaller = {
  actor: TActor | null;
  /** The client's address as the web server saw it (see scripts/serve.mjs). */
  address: string;
  userAgent: string;
};

/** Changes made by the product itself, such as the first administrator from the environment. */
export const SYSTEM_CALLER: TCaller = { actor: null, address: "", userAgent: "" };

/** Header the web server sets from the connection (and trusted proxies); clients cannot set it. */
export const CLIENT_ADDRESS_HEADER = "x-client-address";
/** "https" when the browser reached the console over TLS (directly or through a trusted proxy). */
export const CLIENT_PROTO_HEADER = "x-client-proto";

export function callerOf(headers: Headers, actor: TActor | null): TCaller {
  return {
    actor,
    address: (headers.get(CLIENT_ADDRESS_HEADER) ?? "").slice(0, 64),
    userAgent: (headers.get("user-agent") ?? "").slice(0, 256),
  };
}
