import type { Output } from './action.js';

/** Output streams for running the CLI in tests, and what was written to each so far. */
export interface CapturedIo {
  readonly io: { readonly stdout: Output; readonly stderr: Output };
  out(): string;
  err(): string;
}

/** Captures what the CLI writes to stdout and stderr, so tests can run `main` without a terminal. */
export function capture(): CapturedIo {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    out: () => out,
    err: () => err,
  };
}
