/**
 * The one exit-code convention of every sensorlake CLI (`npm run sensors`, `npm start`, `npm run deploy|preview|destroy`,
 * `npm run bench`, and the CLIs still to come). Each CLI uses the codes that apply to it and no others:
 *
 * - 0 `Ok`: the command did everything it was asked and every outcome is accounted for.
 * - 1 `Failure`: an unexpected error (a bug, or an error nothing more specific describes); the message says what.
 * - 2 `Usage`: a bad option, argument or combination of them; the message names the option and the value.
 * - 3 `Unavailable`: something the command needs from outside cannot be used: a broker it cannot connect to, an
 *   external tool (the pulumi CLI) that is missing or fails to run.
 * - 4 `Incomplete`: the command ran to its end but its outcome is not whole: messages failed, were dropped, lost
 *   or not accounted for; a deploy step failed so the later layers were not run; a benchmark missed its target.
 * - 5 `DiskFull`: the environment ran out of disk space; what was accepted before stays where it was logged.
 */
export enum ExitCode {
  Ok = 0,
  Failure = 1,
  Usage = 2,
  Unavailable = 3,
  Incomplete = 4,
  DiskFull = 5,
}

/** The convention in one paragraph, for each program's --help. */
export const EXIT_CODES_HELP = `Exit codes: ${ExitCode.Ok} ok, ${ExitCode.Failure} unexpected error, ${ExitCode.Usage} bad option or argument, ${ExitCode.Unavailable} cannot connect or an external tool is missing or failed, ${ExitCode.Incomplete} finished but incomplete (messages failed, dropped or lost; a step failed; a target missed), ${ExitCode.DiskFull} disk full.`;
