import type { ChildProcess } from "node:child_process";

/** Exit code of a child that must not be restarted: its configuration cannot work (EX_CONFIG). */
export const EXIT_CONFIG = 78;

export type SupervisorOptions = {
  /** "web", "worker": used in messages. */
  name: string;
  start: () => ChildProcess;
  /** Where to say what happened (a line without its newline). */
  log: (line: string) => void;
  /** Called once when the supervisor gives up, with the reason; the child is not restarted. */
  onGiveUp: (reason: string) => void;
  /** First restart delay; doubled for each fast crash in a row, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A run shorter than this counts as a fast crash. */
  fastCrashMs?: number;
  /** This many fast crashes in a row stop the product. */
  maxFastCrashes?: number;
};

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/**
 * Keeps one child process running: when it dies it is started again after a delay that
 * grows with each fast crash in a row, and the reason is logged. A run that lasted
 * longer than `fastCrashMs` resets the count. It gives up (and says why) after
 * `maxFastCrashes` fast crashes in a row, or at once when the child exits with
 * EXIT_CONFIG, which a child uses for what a restart cannot fix (its port is taken).
 */
export function supervise(options: SupervisorOptions) {
  const {
    name,
    log,
    onGiveUp,
    initialDelayMs = 1_000,
    maxDelayMs = 30_000,
    fastCrashMs = 60_000,
    maxFastCrashes = 5,
  } = options;
  let stopping = false;
  let fastCrashes = 0;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcess;

  const launch = () => {
    const startedAt = Date.now();
    child = options.start();
    child.once("exit", (code, signal) => {
      if (stopping) return;
      const how = describeExit(code, signal);
      if (code === EXIT_CONFIG) {
        stopping = true;
        onGiveUp(`The ${name} process cannot run as configured (${how}); see its message above.`);
        return;
      }
      fastCrashes = Date.now() - startedAt < fastCrashMs ? fastCrashes + 1 : 1;
      if (fastCrashes >= maxFastCrashes) {
        stopping = true;
        onGiveUp(
          `The ${name} process stopped ${fastCrashes} times in a row, each within ${Math.round(fastCrashMs / 1000)} s ` +
            `of starting (last: ${how}); it is not restarted again.`,
        );
        return;
      }
      const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (fastCrashes - 1));
      restarts += 1;
      log(
        `The ${name} process stopped unexpectedly (${how}); restarting it in ${(delay / 1000).toFixed(1)} s ` +
          `(restart ${restarts}).`,
      );
      timer = setTimeout(() => {
        timer = undefined;
        if (!stopping) launch();
      }, delay);
    });
  };
  launch();

  return {
    /** The process running now (or the last one, while a restart is pending). */
    current: () => child,
    restarts: () => restarts,
    /** No more restarts; the caller stops the current process. */
    stop: () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      return child;
    },
  };
}
