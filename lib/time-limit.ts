/** What a time-limited call throws when it runs out of time. */
export class TimeLimitError extends Error {
  override name = "TimeLimitError";
}

/**
 * Settles with `run()`, or rejects with TimeLimitError after `ms`, so a caller never
 * waits on a dependency that stopped answering. The work itself is not cancelled.
 */
export async function withTimeLimit<T>(ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeLimitError(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(run), expired]);
  } finally {
    clearTimeout(timer);
  }
}
