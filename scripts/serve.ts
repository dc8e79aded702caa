/**
 * The web server: Next.js behind a plain Node HTTP server, so that the app knows who
 * it talks to (lib/http/client-address.ts). The address reaches the app as
 * x-client-address and the scheme the browser used as x-client-proto; whatever a
 * client sends under those names is replaced.
 *
 * It also guards what Next.js would otherwise take in: a browser's cross-site change
 * to the API is refused here (lib/http/csrf.ts), a body sent to a page (the console
 * takes none) is refused unread, and a reply sent before its request's body was read
 * (a 401, a 413) closes the connection, so nobody can make the server take a body in
 * before a route has checked who sends it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import next from "next";
import { ConfigError, readStartEnv } from "@/lib/env";
import { AppError, toProblem } from "@/lib/errors";
import { clientOf } from "@/lib/http/client-address";
import { CROSS_SITE_DETAIL, isCrossSiteRequest } from "@/lib/http/csrf";
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTO_HEADER } from "@/lib/auth/caller";
import { EXIT_CONFIG } from "./lib/supervisor";

/** How long a connection whose reply was sent may go on sending the request's body. */
const UNREAD_BODY_GRACE_MS = 2_000;
/** A request whose headers and body take longer than this in all is answered 408. */
const REQUEST_TIMEOUT_MS = 300_000;

function refuse(req: IncomingMessage, res: ServerResponse, error: AppError, headers: Record<string, string> = {}) {
  const body = JSON.stringify(toProblem(error));
  res.writeHead(error.status, {
    ...headers,
    "content-type": "application/problem+json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  res.end(body);
}

function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Closes the connection of a reply sent before its request's body was read, without
 * taking the body in. Node would destroy the socket as soon as the reply is out; with
 * the client's body still arriving, the kernel then answers with a reset, and a client
 * still writing sees EPIPE or ECONNRESET instead of the 401 or 413 it was sent. So the
 * close lingers: the reply and a FIN go out, what still arrives is read and dropped for
 * UNREAD_BODY_GRACE_MS, and only then is the socket destroyed.
 */
function closeUnreadBody(req: IncomingMessage, res: ServerResponse) {
  // Captured now: by the time the reply is written, Next may have let go of req.socket.
  const socket = req.socket;
  // The reply says so (Connection: close), so that no client sends its next request on it.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    if (!req.complete) {
      res.shouldKeepAlive = false;
      lingerOnClose(socket);
    }
    return writeHead(...args);
  }) as typeof res.writeHead;
}

/** Replaces the socket's close-after-reply with a lingering one (see closeUnreadBody). */
function lingerOnClose(socket: Socket) {
  const lingering = socket as Socket & { destroySoon?: () => void };
  lingering.destroySoon = () => {
    socket.end();
    // The request was dumped (its bytes are parsed and dropped), so reading costs no memory.
    socket.resume();
    setTimeout(() => socket.destroy(), UNREAD_BODY_GRACE_MS).unref();
  };
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

async function main() {
  const { PORT, HOST, TRUST_PROXY_HOPS } = readStartEnv();
  const app = next({ dev: false, hostname: HOST, port: PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    const { address, proto } = clientOf(req.headers, req.socket.remoteAddress, TRUST_PROXY_HOPS);
    req.headers[CLIENT_ADDRESS_HEADER] = address;
    req.headers[CLIENT_PROTO_HEADER] = proto;
    if (TRUST_PROXY_HOPS === 0) {
      delete req.headers["x-forwarded-for"];
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-proto"];
    }
    closeUnreadBody(req, res);
    const pathname = (req.url ?? "/").split("?")[0]!;
    const headers = { get: (name: string) => headerOf(req, name) };
    if (
      isCrossSiteRequest({ method: req.method ?? "GET", pathname, headers, proto, trustProxyHops: TRUST_PROXY_HOPS })
    ) {
      return refuse(req, res, new AppError("forbidden", CROSS_SITE_DETAIL));
    }
    const isApi = pathname === "/api" || pathname.startsWith("/api/");
    if (!isApi && hasBody(req) && req.method !== "GET" && req.method !== "HEAD") {
      return refuse(req, res, new AppError("bad_request", "Pages take no request body; the API is under /api."));
    }
    void handle(req, res);
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = 65_000;
  // A port another program holds is fatal: without it this process would live on, not
  // listening, while the other program answered in its place. EXIT_CONFIG tells a
  // supervisor that restarting cannot help.
  server.once("error", (error: NodeJS.ErrnoException) => {
    process.stderr.write(
      error.code === "EADDRINUSE"
        ? `Port ${PORT} on ${HOST} is already in use by another program. Stop that program, or set PORT to a free port.\n`
        : `The web server cannot listen on ${HOST}:${PORT}: ${error.message}\n`,
    );
    process.exit(EXIT_CONFIG);
  });
  server.listen(PORT, HOST);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, 8_000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
