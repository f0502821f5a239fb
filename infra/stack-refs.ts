import * as pulumi from '@pulumi/pulumi';
import { PROJECT, type Environment } from '../core/settings.js';
import { contractKeys, type ContractLayer, type IngestionOutputs, type LakeOutputs, type LayerContract } from '../core/contracts.js';
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
 * Reads the outputs of another layer's stack in the same environment and organization, typed by its contract
 * (core/contracts.ts): one `requireOutput` per key of the contract.
 * A missing output fails the deployment (`requireOutput`), so a contract mismatch never passes silently.
 */
export function layerOutputs<L extends ContractLayer>(
  layer: L,
  env: Environment,
  opts?: pulumi.CustomResourceOptions,
): StackOutputs<LayerContract<L>> {
  const name = stackReferenceName(layer, env);
  const ref = new pulumi.StackReference(`${stackName(layer, env)}-ref`, { name }, opts);
  const outputs: Record<string, pulumi.Output<unknown>> = {};
  for (const key of contractKeys(layer)) outputs[key] = ref.requireOutput(key);
  return outputs as StackOutputs<LayerContract<L>>;
}

/** The ingestion layer's outputs in `env`, typed. */
export function ingestionOutputs(env: Environment, opts?: pulumi.CustomResourceOptions): StackOutputs<IngestionOutputs> {
  return layerOutputs('ingestion', env, opts);
}

/** The lake layer's outputs in `env`, typed. */
export function lakeOutputs(env: Environment, opts?: pulumi.CustomResourceOptions): StackOutputs<LakeOutputs> {
  return layerOutputs('lake', env, opts);
}
