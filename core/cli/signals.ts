/** The signals a serving CLI stops on: Ctrl-C, and a process manager's stop. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** One of STOP_SIGNALS. */
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** What untilStopped listens on for STOP_SIGNALS: the process, or a test's EventEmitter. */
export interface SignalSource {
  once(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
}

/** Options of untilStopped. */
export interface UntilStoppedOptions {
  /** Stops when it aborts (a test's or an embedding program's stop); when given, no signal is listened to. */
  readonly signal?: AbortSignal;
  /** Where SIGINT and SIGTERM come from. Default the process. */
  readonly emitter?: SignalSource;
}

/**
 * Resolves when a serving CLI should stop: with 'abort' when `options.signal` aborts, else with the first of
 * SIGINT or SIGTERM on the emitter. Both listeners are removed once one fired, so a second Ctrl-C while the CLI
 * closes gets Node's default (the process exits).
 */
export function untilStopped(options: UntilStoppedOptions = {}): Promise<StopSignal | 'abort'> {
  const { signal } = options;
  if (signal !== undefined) {
    return signal.aborted ? Promise.resolve('abort') : new Promise((resolve) => signal.addEventListener('abort', () => resolve('abort'), { once: true }));
  }
  const emitter = options.emitter ?? process;
  return new Promise((resolve) => {
    const listeners = STOP_SIGNALS.map((name) => {
      const listener = () => {
        for (const [other, fn] of listeners) emitter.off(other, fn);
        resolve(name);
      };
      return [name, listener] as const;
    });
    for (const [name, listener] of listeners) emitter.once(name, listener);
  });
}
