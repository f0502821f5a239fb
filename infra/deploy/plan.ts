import { ENVIRONMENTS, PROJECT_ROOT, isEnvironment, type Environment } from '../../core/settings.js';
import { ArgumentError } from '../../core/errors.js';
import { LAYERS, stackName, type Layer } from '../stack-name.js';
import path from 'node:path';

/** What `npm run deploy|preview|destroy` can do. */
export const COMMANDS = ['up', 'preview', 'destroy'] as const;
export type DeployCommand = (typeof COMMANDS)[number];

/** Parsed arguments of the deploy CLI. */
export interface DeployArgs {
  readonly command: DeployCommand;
  readonly env: Environment;
}

/** Parses `<command> <env>` (command from the npm script, env from the user). */
export function parseDeployArgs(command: string | undefined, env: string | undefined): DeployArgs {
  if (command === undefined || !(COMMANDS as readonly string[]).includes(command)) {
    throw new ArgumentError('command', command, `one of ${COMMANDS.join(', ')}`);
  }
  if (env === undefined || !isEnvironment(env)) {
    throw new ArgumentError('env', env, `one of ${ENVIRONMENTS.join(', ')}`);
  }
  return { command: command as DeployCommand, env };
}

/** One stack operation of a deployment. */
export interface DeployStep {
  readonly command: DeployCommand;
  readonly layer: Layer;
  readonly env: Environment;
  /** Stack name, `<layer>-<env>`. */
  readonly stack: string;
  /** Absolute path of `Pulumi.<env>.yaml`, passed as `--config-file`. */
  readonly configFile: string;
}

/** Every layer of the environment, in deploy order for up and preview, reversed for destroy. */
export function deployPlan(args: DeployArgs, root: string = PROJECT_ROOT): DeployStep[] {
  const order = args.command === 'destroy' ? [...LAYERS].reverse() : [...LAYERS];
  return order.map((layer) => ({
    command: args.command,
    layer,
    env: args.env,
    stack: stackName(layer, args.env),
    configFile: path.join(root, `Pulumi.${args.env}.yaml`),
  }));
}
