/**
 * The web server: Next.js behind a plain Node HTTP server, so that the app knows who
 * it talks to (lib/http/client-address.ts). The address reaches the app as
 * x-client-address and the scheme the browser used as x-client-proto; whatever a
 * client sends under those names is replaced.
 */
import { createServer } from "node:http";
import next from "next";
import { ConfigError, readStartEnv } from "@/lib/env";
import { clientOf } from "@/lib/http/client-address";
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTO_HEADER } from "@/lib/auth/caller";
import { EXIT_CONFIG } from "./lib/supervisor";

async function main() {
  const { PORT, HOST, TRUST_PROXY_HOPS } = readStartEnv();
  const app = next({ dev: false, hostname: HOST, port: PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    const { address, proto } = clientOf(req.headers, req.socket.remoteAddress, TRUST_PROXY_HOPS);
    req.headers[CLIENT_ADDRESS_HEADER] = address;
    req.headers[CLIENT_PROTO_HEADER] = proto;
    if (TRUST_PROXY_HOPS === 0) delete req.headers["x-forwarded-for"];
    void handle(req, res);
  });
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
