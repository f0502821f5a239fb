import { LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation/index.js';
import { PROJECT_ROOT } from '../../core/settings.js';
import { PulumiCliUnavailableError } from './errors.js';
import type { DeployStep } from './plan.js';

/** Runs one step of a deployment; resolves with a one-line summary. */
export type StepRunner = (step: DeployStep, log: (line: string) => void) => Promise<string>;

/** Options of the Automation API runner. */
export interface AutomationOptions {
  /** Installation root of the pulumi CLI (`<root>/bin/pulumi`); default the `pulumi` on PATH. */
  readonly cliRoot?: string;
}

/**
 * A runner that runs each step with the Automation API: the project in the repository root (Pulumi.yaml), the
 * stack `<layer>-<env>`, and the environment's settings through `configFile` (the CLI's `--config-file`). Needs the
 * Pulumi CLI and credentials for the backend and AWS. When the CLI cannot be started (missing, not executable, too
 * old: `PulumiCommand.get` fails, before any stack operation) it throws PulumiCliUnavailableError; a stack
 * operation that fails throws the Automation API's own error (a CommandError).
 */
export function makeAutomationRunner(options: AutomationOptions = {}): StepRunner {
  return async (step, log) => {
    let cli: PulumiCommand;
    try {
      cli = await PulumiCommand.get(options.cliRoot === undefined ? {} : { root: options.cliRoot });
    } catch (error) {
      throw new PulumiCliUnavailableError(step.stack, error);
    }
    return runStep(step, log, cli);
  };
}

/** The runner the deploy CLI uses: the pulumi CLI on PATH. */
export const automationRunner: StepRunner = makeAutomationRunner();

async function runStep(step: DeployStep, log: (line: string) => void, pulumiCommand: PulumiCommand): Promise<string> {
  const args = { stackName: step.stack, workDir: PROJECT_ROOT };
  const workspace = { pulumiCommand };
  const onOutput = (out: string) => log(out.replace(/\n$/, ''));
  switch (step.command) {
    case 'preview': {
      const stack = await LocalWorkspace.createOrSelectStack(args, workspace);
      const result = await stack.preview({ configFile: step.configFile, onOutput });
      return `preview ${step.stack}: ${JSON.stringify(result.changeSummary)}`;
    }
    case 'up': {
      const stack = await LocalWorkspace.createOrSelectStack(args, workspace);
      const result = await stack.up({ configFile: step.configFile, onOutput });
      return `up ${step.stack}: ${result.summary.result} ${JSON.stringify(result.summary.resourceChanges ?? {})}`;
    }
    case 'destroy': {
      const stack = await LocalWorkspace.selectStack(args, workspace);
      const result = await stack.destroy({ configFile: step.configFile, onOutput });
      return `destroy ${step.stack}: ${result.summary.result}`;
    }
  }
}
