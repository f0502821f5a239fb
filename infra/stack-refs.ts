import * as pulumi from '@pulumi/pulumi';
import { PROJECT, type Environment } from '../core/settings.js';
import { stackName, type Layer } from './stack-name.js';

/**
 * What the ingestion layer exports: the contract later layers (lake, analytics, orchestration) and the
 * simulator read. The ingestion program returns exactly these keys (checked by the compiler through
 * `LayerOutputs<IngestionOutputs>`), and `ingestionOutputs()` reads them back typed.
 */
export interface IngestionOutputs {
  /** Name of the raw-zone bucket. */
  readonly rawBucketName: string;
  /** ARN of the raw-zone bucket. */
  readonly rawBucketArn: string;
  /** Firehose prefix template of processed records (`!{partitionKeyFromLambda:zone}/dt=.../`). */
  readonly rawPrefix: string;
  /** Folder of accepted telemetry, partitioned by event date (`telemetry/`). */
  readonly telemetryPrefix: string;
  /** Folder of quarantined messages, each with its reason (`quarantine/`). */
  readonly quarantinePrefix: string;
  /** Firehose error prefix template, by error output type. */
  readonly errorOutputPrefix: string;
  /** Folder where the topic rule's error action writes (`rule-errors/`). */
  readonly ruleErrorPrefix: string;
  /** Name of the bucket receiving the raw bucket's server access logs. */
  readonly accessLogBucketName: string;
  /** ARN of the KMS key encrypting the ingestion layer's data and logs. */
  readonly kmsKeyArn: string;
  /** IoT Core data endpoint (ATS) devices connect to on port 8883. */
  readonly iotEndpoint: string;
  /** MQTT filter of the telemetry topics. */
  readonly telemetryTopicFilter: string;
  /** Names of the simulator things; each is also the device id and MQTT client id. */
  readonly thingNames: string[];
  /** PEM certificate of each simulator thing, by thing name. */
  readonly deviceCertificatePems: Record<string, string>;
  /** PEM private key of each simulator thing, by thing name (secret). */
  readonly devicePrivateKeyPems: Record<string, string>;
  /** Name of the Firehose delivery stream. */
  readonly deliveryStreamName: string;
  /** ARN of the Firehose delivery stream. */
  readonly deliveryStreamArn: string;
  /** Name of the IoT topic rule. */
  readonly topicRuleName: string;
  /** Name of the Firehose processor Lambda function. */
  readonly processorFunctionName: string;
}

/** Every key of IngestionOutputs, at run time; the `satisfies` clause and the test keep it complete. */
export const INGESTION_OUTPUT_KEYS = [
  'rawBucketName',
  'rawBucketArn',
  'rawPrefix',
  'telemetryPrefix',
  'quarantinePrefix',
  'errorOutputPrefix',
  'ruleErrorPrefix',
  'accessLogBucketName',
  'kmsKeyArn',
  'iotEndpoint',
  'telemetryTopicFilter',
  'thingNames',
  'deviceCertificatePems',
  'devicePrivateKeyPems',
  'deliveryStreamName',
  'deliveryStreamArn',
  'topicRuleName',
  'processorFunctionName',
] as const satisfies readonly (keyof IngestionOutputs)[];

type MissingKeys<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;
/** Fails to compile when a key of IngestionOutputs is missing from INGESTION_OUTPUT_KEYS. */
const ingestionKeysComplete: MissingKeys<IngestionOutputs, typeof INGESTION_OUTPUT_KEYS> extends never ? true : never =
  true;
void ingestionKeysComplete;

/** What a layer program returns: each output of the contract, as a Pulumi input. */
export type LayerOutputs<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

/** The same contract read back from another stack: each output typed. */
export type StackOutputs<T> = { readonly [K in keyof T]: pulumi.Output<T[K]> };

/** Outputs contract of each layer that has one. */
export interface LayerContracts {
  readonly ingestion: IngestionOutputs;
}

const OUTPUT_KEYS: { readonly [L in keyof LayerContracts]: readonly (keyof LayerContracts[L])[] } = {
  ingestion: INGESTION_OUTPUT_KEYS,
};

/** Fully qualified name of a layer's stack: `<organization>/<project>/<layer>-<env>`. */
export function stackReferenceName(layer: Layer, env: Environment, organization = pulumi.getOrganization()): string {
  return `${organization}/${PROJECT}/${stackName(layer, env)}`;
}

/**
 * Reads the outputs of another layer's stack in the same environment and organization, typed by its contract.
 * A missing output fails the deployment (`requireOutput`), so a contract mismatch never passes silently.
 */
export function layerOutputs<L extends keyof LayerContracts>(
  layer: L,
  env: Environment,
  opts?: pulumi.CustomResourceOptions,
): StackOutputs<LayerContracts[L]> {
  const name = stackReferenceName(layer, env);
  const ref = new pulumi.StackReference(`${stackName(layer, env)}-ref`, { name }, opts);
  const outputs: Record<string, pulumi.Output<unknown>> = {};
  for (const key of OUTPUT_KEYS[layer]) outputs[key as string] = ref.requireOutput(key as string);
  return outputs as StackOutputs<LayerContracts[L]>;
}

/** The ingestion layer's outputs in `env`, typed. */
export function ingestionOutputs(env: Environment, opts?: pulumi.CustomResourceOptions): StackOutputs<IngestionOutputs> {
  return layerOutputs('ingestion', env, opts);
}
