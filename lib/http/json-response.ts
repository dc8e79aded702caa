/**
 * JSON replies with `<`, `>`, `&` and the JS line separators written as \u escapes:
 * the same JSON to any parser, but an API reply that echoes what a client sent
 * (a connector name, a rejected value) never carries markup such as `<script`
 * verbatim, whatever a browser or a proxy later does with it.
 */
const HTML_SIGNIFICANT = /[<>&\u2028\u2029]/g;

export function toSafeJson(data: unknown): string {
  return JSON.stringify(data).replace(
    HTML_SIGNIFICANT,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Like `Response.json`, with the escaping of `toSafeJson`. */
export function jsonResponse(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return new Response(toSafeJson(data), { ...init, headers });
}
