/**
 * Node flags for the worker process. Small young-generation semi-spaces (4 MB) make V8
 * collect short-lived batch buffers sooner, which keeps the worker's memory down at the
 * same throughput (docs/benchmarks.md). The old generation is not capped: a backlog of
 * 5 MB Detection and Response records needs room, and a cap turns that into a crash.
 */
export const WORKER_NODE_FLAGS = ["--max-semi-space-size=4"];

/** Node's arguments for a worker process, after any extra flags (`npm run worker` spells out the same). */
export function workerArgs(extraFlags: string[] = []): string[] {
  return [...WORKER_NODE_FLAGS, ...extraFlags, "--conditions=react-server", "--import", "tsx", "workers/main.ts"];
}
