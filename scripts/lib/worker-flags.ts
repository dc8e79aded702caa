/**
 * Node flags for the worker process. The old-generation heap is capped so V8 collects
 * before the worker grows past what delivery needs (measured: under 300 MB with 100
 * integrations; docs/benchmarks.md). Each pump holds at most about 10 MB.
 */
export const WORKER_NODE_FLAGS = ["--max-old-space-size=192"];
