/** Where a CLI writes; `isTTY` decides whether progress bars are drawn. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A CLI's two output streams. Programs take one, never process.stdout directly, so tests run them in-process. */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
}

/** The process's own streams. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Output streams for running a CLI in tests, and what was written to each so far. */
export interface CapturedIo {
  readonly io: Io;
  out(): string;
  err(): string;
}

/** Captures what a CLI writes to stdout and stderr (not a terminal, so no progress bars). */
export function captureIo(): CapturedIo {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    out: () => out,
    err: () => err,
  };
}
