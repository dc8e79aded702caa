/**
 * Node flags for the worker process. Small young-generation semi-spaces (4 MB) make V8
 * collect short-lived batch buffers sooner, and a 192 MB old generation makes it collect
 * before the process grows past 300 MB (docs/benchmarks.md: a few percent of throughput
 * for a third of the memory). The cap is safe because what a pump holds is bounded:
 * reads are bounded by count and bytes, and records over 256 KB are kept outside the
 * feed's stream and loaded by one pump at a time (lib/feeds/feed-store.ts).
 */
export const WORKER_NODE_FLAGS = ["--max-semi-space-size=4", "--max-old-space-size=192"];

/**
 * The worker's environment: one malloc arena. gzip runs on libuv's thread pool, and
 * glibc gives each thread an arena of its own that it rarely hands back, which alone
 * added 20 to 50 MB of resident memory in the benchmarks (no change in throughput).
 * An operator's own MALLOC_ARENA_MAX wins.
 */
export function workerEnv(base: Record<string, string | undefined> = process.env): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: "1", ...base } as unknown as NodeJS.ProcessEnv;
}

/** Node's arguments for a worker process, after any extra flags (`npm run worker` spells out the same). */
export function workerArgs(extraFlags: string[] = []): string[] {
  return [...WORKER_NODE_FLAGS, ...extraFlags, "--conditions=react-server", "--import", "tsx", "workers/main.ts"];
}
