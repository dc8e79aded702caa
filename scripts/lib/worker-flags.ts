/**
 * Node flags for the worker process. Small young-generation semi-spaces (4 MB) make V8
 * collect short-lived batch buffers sooner, and a 192 MB old generation makes it collect
 * before the process grows past 300 MB (docs/benchmarks.md: a few percent of throughput
 * for a third of the memory). The cap is safe because what a pump holds is bounded:
 * reads are bounded by count and bytes, and records over 256 KB are kept outside the
 * feed's stream and loaded by one pump at a time (lib/feeds/feed-store.ts).
 *
 * An old generation that starts at 64 MB: the worker's live heap is about 30 MB, and V8
 * otherwise set the next full collection a few MB above it, so a busy worker ran one
 * every few tenths of a second, each marking the whole heap (about 30 full collections
 * in 2.5 s of the Cato poller's benchmark; 5 with this flag). It cost a quarter of the
 * worker's CPU per record in delivery and a third in the poller, for no lower peak:
 * resident memory stayed within a few MB (docs/benchmarks.md).
 */
export const WORKER_NODE_FLAGS = ["--max-semi-space-size=4", "--initial-old-space-size=64", "--max-old-space-size=192"];

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
