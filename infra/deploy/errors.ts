import { SensorlakeError } from '../../core/errors.js';

/**
 * The pulumi CLI, which the Automation API drives, cannot be used: it is not installed (not on PATH), cannot be
 * started, or is too old for the SDK. Nothing was run (the CLI exits with ExitCode.Unavailable).
 */
export class PulumiCliUnavailableError extends SensorlakeError {
  override name = 'PulumiCliUnavailableError';

  constructor(
    readonly stackName: string,
    override readonly cause: unknown,
  ) {
    super(
      `cannot run stack ${stackName}: the pulumi CLI cannot be started (${firstLine(cause)}). Install the Pulumi CLI ` +
        '(https://www.pulumi.com/docs/install/), log in to a backend (pulumi login) and provide AWS credentials, then run the command again.',
    );
  }
}

/** The first line of what went wrong: the Automation API's CommandError keeps the spawn error in its stderr. */
function firstLine(cause: unknown): string {
  const stderr = (cause as { commandResult?: { stderr?: unknown } } | undefined)?.commandResult?.stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : cause instanceof Error ? cause.message : String(cause);
  return text.trim().split('\n')[0] ?? '';
}
