import * as pulumi from '@pulumi/pulumi';
import { PROJECT, type Environment } from '../core/settings.js';
import {
  LAYER_CONTRACTS,
  contractKeys,
  type AnalyticsOutputs,
  type ContractLayer,
  type IngestionOutputs,
  type LakeOutputs,
  type LayerContract,
} from '../core/contracts.js';
import { stackName, type Layer } from './stack-name.js';

/** What a layer program returns: each output of the contract, as a Pulumi input. */
export type LayerOutputs<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

/** The same contract read back from another stack: each output typed. */
export type StackOutputs<T> = { readonly [K in keyof T]: pulumi.Output<T[K]> };

/** Fully qualified name of a layer's stack: `<organization>/<project>/<layer>-<env>`. */
export function stackReferenceName(layer: Layer, env: Environment, organization = pulumi.getOrganization()): string {
  return `${organization}/${PROJECT}/${stackName(layer, env)}`;
}

/**
 * Reads outputs of another layer's stack in the same environment and organization, typed by its contract
 * (core/contracts.ts): one `requireOutput` per key picked (default every key of the contract). A reader picks only
 * what it uses, so a layer never pulls another's secrets (the device keys) into its own state. A missing output
 * fails the deployment (`requireOutput`), so a contract mismatch never passes silently; only a key the contract
 * marks optional (the RCF endpoint before a model exists) is read with `getOutput` and may be undefined.
 */
export function layerOutputs<L extends ContractLayer, K extends keyof LayerContract<L> & string = keyof LayerContract<L> & string>(
  layer: L,
  env: Environment,
  keys: readonly K[] = contractKeys(layer) as readonly K[],
  opts?: pulumi.CustomResourceOptions,
): StackOutputs<Pick<LayerContract<L>, K>> {
  const name = stackReferenceName(layer, env);
  const ref = new pulumi.StackReference(`${stackName(layer, env)}-ref`, { name }, opts);
  const outputs: Record<string, pulumi.Output<unknown>> = {};
  const shape = LAYER_CONTRACTS[layer].shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
  for (const key of keys) outputs[key] = shape[key]?.safeParse(undefined).success ? ref.getOutput(key) : ref.requireOutput(key);
  return outputs as StackOutputs<Pick<LayerContract<L>, K>>;
}

/** The ingestion layer's outputs in `env` (those picked, default all), typed. */
export function ingestionOutputs<K extends keyof IngestionOutputs & string = keyof IngestionOutputs & string>(
  env: Environment,
  keys?: readonly K[],
  opts?: pulumi.CustomResourceOptions,
): StackOutputs<Pick<IngestionOutputs, K>> {
  return layerOutputs('ingestion', env, keys, opts);
}

/** The lake layer's outputs in `env` (those picked, default all), typed. */
export function lakeOutputs<K extends keyof LakeOutputs & string = keyof LakeOutputs & string>(
  env: Environment,
  keys?: readonly K[],
  opts?: pulumi.CustomResourceOptions,
): StackOutputs<Pick<LakeOutputs, K>> {
  return layerOutputs('lake', env, keys, opts);
}

/** The analytics layer's outputs in `env` (those picked, default all), typed. */
export function analyticsOutputs<K extends keyof AnalyticsOutputs & string = keyof AnalyticsOutputs & string>(
  env: Environment,
  keys?: readonly K[],
  opts?: pulumi.CustomResourceOptions,
): StackOutputs<Pick<AnalyticsOutputs, K>> {
  return layerOutputs('analytics', env, keys, opts);
}
