/**
 * The CLI kit every sensorlake command line is built with: the Io type, the one exit-code convention (ExitCode,
 * documented there), the shared option parsers, the commander program setup and progress bars. It may use
 * commander and cli-progress; like the rest of core/ it imports no Pulumi, no AWS SDK and no servers.
 */
export { ExitCode, EXIT_CODES_HELP } from './exit-codes.js';
export { captureIo, processIo } from './io.js';
export type { CapturedIo, Io, Output } from './io.js';
export { kitOption, newProgram, optionParser, parseArgv, runMain, runProgram } from './program.js';
export type { MainOptions } from './program.js';
export type { Accumulator, Parser } from './parsers.js';
export { progressBar, publishProgress } from './progress.js';
export type { PublishProgress } from './progress.js';
export * as parse from './parsers.js';
export { STOP_SIGNALS, untilStopped } from './signals.js';
export type { SignalSource, StopSignal, UntilStoppedOptions } from './signals.js';
