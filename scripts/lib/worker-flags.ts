/**
 * Node flags for the worker process. Small young-generation semi-spaces (4 MB) make V8
 * collect short-lived batch buffers sooner, and a 192 MB old generation makes it collect
 * before the process grows past 300 MB (docs/benchmarks.md: a few percent of throughput
 * for a third of the memory). The cap is safe because what a pump holds is bounded:
 * reads are bounded by count and bytes, and records over 256 KB are kept outside the
 * feed's stream and loaded by one pump at a time (lib/feeds/feed-store.ts).
 */
export const WORKER_NODE_FLAGS = ["--max-semi-space-size=4", "--max-old-space-size=192"];

/** Node's arguments for a worker process, after any extra flags (`npm run worker` spells out the same). */
export function workerArgs(extraFlags: string[] = []): string[] {
  return [...WORKER_NODE_FLAGS, ...extraFlags, "--conditions=react-server", "--import", "tsx", "workers/main.ts"];
}
