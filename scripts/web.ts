/** `npm run web`: the web app alone, for production and for tests; configuration checked first. */
import { ConfigError, readStartEnv, serverEnv } from "@/lib/env";
import { startChild, stopChild } from "./lib/processes";

try {
  serverEnv();
  readStartEnv(); // PORT, HOST and TRUST_PROXY_HOPS, checked before the server starts
  const web = startChild("web", process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const stop = () => void stopChild(web).then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  web.once("exit", (code) => process.exit(code ?? 1));
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
