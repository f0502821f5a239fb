import { LocalWorkspace } from '@pulumi/pulumi/automation/index.js';
import { PROJECT_ROOT } from '../../core/settings.js';
import { SensorlakeError } from '../../core/errors.js';
import type { DeployStep } from './plan.js';

/** Runs one step of a deployment; resolves with a one-line summary. */
export type StepRunner = (step: DeployStep, log: (line: string) => void) => Promise<string>;

/** The Pulumi CLI, which the Automation API drives, is not installed. */
export class PulumiCliMissingError extends SensorlakeError {
  override name = 'PulumiCliMissingError';

  constructor(readonly stackName: string) {
    super(
      `cannot run stack ${stackName}: the pulumi CLI was not found on PATH. Install the Pulumi CLI, log in to a ` +
        'backend (pulumi login) and provide AWS credentials, then run the command again.',
    );
  }
}

function isCliMissing(error: unknown): boolean {
  return error instanceof Error && /ENOENT/.test(error.message) && /\bpulumi\b/.test(error.message);
}

/**
 * Runs a step with the Pulumi Automation API: the project in the repository root (Pulumi.yaml), the stack
 * `<layer>-<env>`, and the environment's settings through `configFile` (the CLI's `--config-file`). Needs the
 * Pulumi CLI and credentials for the backend and AWS.
 */
export const automationRunner: StepRunner = async (step, log) => {
  try {
    return await runStep(step, log);
  } catch (error) {
    if (isCliMissing(error)) throw new PulumiCliMissingError(step.stack);
    throw error;
  }
};

async function runStep(step: DeployStep, log: (line: string) => void): Promise<string> {
  const args = { stackName: step.stack, workDir: PROJECT_ROOT };
  const onOutput = (out: string) => log(out.replace(/\n$/, ''));
  switch (step.command) {
    case 'preview': {
      const stack = await LocalWorkspace.createOrSelectStack(args);
      const result = await stack.preview({ configFile: step.configFile, onOutput });
      return `preview ${step.stack}: ${JSON.stringify(result.changeSummary)}`;
    }
    case 'up': {
      const stack = await LocalWorkspace.createOrSelectStack(args);
      const result = await stack.up({ configFile: step.configFile, onOutput });
      return `up ${step.stack}: ${result.summary.result} ${JSON.stringify(result.summary.resourceChanges ?? {})}`;
    }
    case 'destroy': {
      const stack = await LocalWorkspace.selectStack(args);
      const result = await stack.destroy({ configFile: step.configFile, onOutput });
      return `destroy ${step.stack}: ${result.summary.result}`;
    }
  }
}
