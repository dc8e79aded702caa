/**
 * Runs a test run's own PostgreSQL and Redis (scripts/lib/test-services.ts): prints
 * their URLs as one JSON line, then stops them when stdin closes.
 */
import { startTestServicesHere } from "./test-services";

const services = await startTestServicesHere();
process.stdout.write(
  `${JSON.stringify({ pgUrl: services.pgUrl, redisUrl: services.redisUrl, embedded: services.embedded })}\n`,
);
process.stdin.resume();
const stop = () => void services.stop().finally(() => process.exit(0));
process.stdin.once("end", stop);
process.stdin.once("close", stop);
process.on("SIGINT", () => undefined); // a Ctrl-C reaches the whole group: stop when the runner's pipe closes
