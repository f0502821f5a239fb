import { ENVIRONMENTS, isEnvironment, type Environment } from '../core/settings.js';
import { StackNameError } from '../core/errors.js';

/** Layers of the platform, in deploy order (destroy runs in reverse). */
export const LAYERS = ['ingestion', 'lake', 'analytics', 'orchestration'] as const;
export type Layer = (typeof LAYERS)[number];

/** A stack name taken apart. */
export interface StackName {
  readonly layer: Layer;
  readonly env: Environment;
}

/** What a valid stack name looks like, for error messages. */
export const STACK_NAME_FORM = `<layer>-<env> with layer one of ${LAYERS.join(', ')} and env one of ${ENVIRONMENTS.join(', ')}`;

export function isLayer(value: string): value is Layer {
  return (LAYERS as readonly string[]).includes(value);
}

/** Builds the stack name of a layer in an environment, e.g. `ingestion-dev`. */
export function stackName(layer: Layer, env: Environment): string {
  return `${layer}-${env}`;
}

/**
 * Parses `<layer>-<env>`. A fully qualified name (`org/project/stack`) is reduced to its last part first, since
 * that is what `pulumi.getStack()` returns in some contexts. Throws StackNameError naming the value otherwise.
 */
export function parseStackName(value: string): StackName {
  const short = value.split('/').pop() ?? value;
  const dash = short.lastIndexOf('-');
  const layer = dash > 0 ? short.slice(0, dash) : '';
  const env = dash > 0 ? short.slice(dash + 1) : '';
  if (!isLayer(layer) || !isEnvironment(env)) throw new StackNameError(value, STACK_NAME_FORM);
  return { layer, env };
}
