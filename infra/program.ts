import type * as pulumi from '@pulumi/pulumi';
import { parseEnvironmentConfig, type EnvironmentConfig, type SettingName } from '../core/settings.js';
import { ANALYTICS_LAKE_READS, AnalyticsStack, analyticsStackArgs } from './analytics/analytics-stack.js';
import { ANALYTICS_SOURCES, type AnalyticsSources } from './analytics/sources.js';
import { IngestionStack, ingestionStackArgs } from './ingestion/ingestion-stack.js';
import { LAKE_INGESTION_READS, LakeStack, lakeStackArgs } from './lake/lake-stack.js';
import { LayerNotImplementedError } from './layers.js';
import { ORCHESTRATION_INGESTION_READS, OrchestrationStack, orchestrationStackArgs } from './orchestration/orchestration-stack.js';
import { standInPipeline, type PipelineDefinition } from './orchestration/pipeline-machines.js';
import { ingestionOutputs, lakeOutputs } from './stack-refs.js';
import { parseStackName, type Layer } from './stack-name.js';
import type { Environment } from '../core/settings.js';

/** What a layer program gets: its environment and that environment's validated configuration. */
export interface LayerContext {
  readonly env: Environment;
  readonly config: EnvironmentConfig;
}

/** A layer program: creates the layer's resources and returns its stack outputs. */
export type LayerProgram = (ctx: LayerContext) => Record<string, pulumi.Input<unknown>>;

/** The ingestion layer: one IngestionStack, its outputs are the stack's. */
export const ingestionLayer: LayerProgram = ({ config }) =>
  new IngestionStack('ingestion', ingestionStackArgs(config)).outputs();

/**
 * The lake layer over the ingestion stack of the same environment; `etlRoot` is the project root whose etl/ holds
 * jobs/ and sql/ (default the repository; tests pass a copy).
 */
export function lakeProgram(etlRoot?: string): LayerProgram {
  return ({ env, config }) =>
    new LakeStack('lake', { ...lakeStackArgs(env, config, ingestionOutputs(env, LAKE_INGESTION_READS)), ...(etlRoot === undefined ? {} : { etlRoot }) }).outputs();
}

/** The lake layer with the repository's etl/ files. */
export const lakeLayer: LayerProgram = lakeProgram();

/**
 * The analytics layer over the lake stack of the same environment, with the named queries, workgroup name, alert
 * handler and its variable names of `sources` (default ANALYTICS_SOURCES; tests pass a fixture handler).
 */
export function analyticsProgram(sources: AnalyticsSources = ANALYTICS_SOURCES): LayerProgram {
  return ({ env, config }) =>
    new AnalyticsStack('analytics', analyticsStackArgs(env, config, lakeOutputs(env, ANALYTICS_LAKE_READS), sources)).outputs();
}

/** The analytics layer with the project's sources. */
export const analyticsLayer: LayerProgram = analyticsProgram();
/** The orchestration layer over the ingestion stack of the same environment, with the pipeline's machines. */
export function orchestrationProgram(pipeline: PipelineDefinition): LayerProgram {
  return ({ env, config }) =>
    new OrchestrationStack('orchestration', orchestrationStackArgs(env, config, ingestionOutputs(env, ORCHESTRATION_INGESTION_READS), pipeline)).outputs();
}

/** The orchestration layer; the stand-in machines until core/orchestration's pipeline is wired here. */
export const orchestrationLayer: LayerProgram = orchestrationProgram(standInPipeline);

/** The program of each layer that exists in this release (see IMPLEMENTED_LAYERS). */
export const LAYER_PROGRAMS: Readonly<Partial<Record<Layer, LayerProgram>>> = {
  ingestion: ingestionLayer,
  lake: lakeLayer,
  analytics: analyticsLayer,
  orchestration: orchestrationLayer,
};

/**
 * Runs the layer named by the stack: parses `<layer>-<env>`, reads and validates the configuration once
 * (through `lookup`, which returns a setting's raw value), and returns the layer's outputs. Throws
 * StackNameError, ConfigError(s) or LayerNotImplementedError with the offending value named.
 */
export function runLayer(stack: string, lookup: (name: SettingName) => unknown): Record<string, pulumi.Input<unknown>> {
  const { layer, env } = parseStackName(stack);
  const program = LAYER_PROGRAMS[layer];
  if (program === undefined) throw new LayerNotImplementedError(layer, stack);
  const config = parseEnvironmentConfig(lookup);
  return program({ env, config });
}
