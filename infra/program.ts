import * as pulumi from '@pulumi/pulumi';
import { parseEnvironmentConfig, type EnvironmentConfig, type SettingName } from '../core/settings.js';
import { ANALYTICS_LAKE_READS, AnalyticsStack, analyticsStackArgs } from './analytics/analytics-stack.js';
import { ANALYTICS_SOURCES, type AnalyticsSources } from './analytics/sources.js';
import { IngestionStack, ingestionStackArgs } from './ingestion/ingestion-stack.js';
import { LAKE_INGESTION_READS, LakeStack, lakeStackArgs } from './lake/lake-stack.js';
import { ORCHESTRATION_INGESTION_READS, OrchestrationStack, orchestrationStackArgs } from './orchestration/orchestration-stack.js';
import { ORCHESTRATION_ANALYTICS_READS, ORCHESTRATION_LAKE_READS, projectPipeline, type PipelineDefinition } from './orchestration/pipeline-machines.js';
import { pipelineOptions } from '../core/orchestration/index.js';
import { analyticsOutputs, ingestionOutputs, lakeOutputs } from './stack-refs.js';
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
/**
 * The orchestration layer over the other stacks of the same environment: `pipeline` (default the project's pipeline
 * over the lake's jobs and crawlers and the analytics SageMaker outputs, read through the typed stack references).
 */
export function orchestrationProgram(pipeline?: PipelineDefinition): LayerProgram {
  return ({ env, config }) => {
    const ingestion = ingestionOutputs(env, ORCHESTRATION_INGESTION_READS);
    if (pipeline !== undefined) return new OrchestrationStack('orchestration', orchestrationStackArgs(env, config, ingestion, pipeline)).outputs();
    const stackInputs = pulumi.output({ ...lakeOutputs(env, ORCHESTRATION_LAKE_READS), ...analyticsOutputs(env, ORCHESTRATION_ANALYTICS_READS) });
    return new OrchestrationStack('orchestration', orchestrationStackArgs(env, config, ingestion, projectPipeline(pipelineOptions(config)), stackInputs)).outputs();
  };
}

/** The orchestration layer with the project's pipeline. */
export const orchestrationLayer: LayerProgram = orchestrationProgram();

/** The program of each layer. */
export const LAYER_PROGRAMS: Readonly<Record<Layer, LayerProgram>> = {
  ingestion: ingestionLayer,
  lake: lakeLayer,
  analytics: analyticsLayer,
  orchestration: orchestrationLayer,
};

/**
 * Runs the layer named by the stack: parses `<layer>-<env>`, reads and validates the configuration once
 * (through `lookup`, which returns a setting's raw value), and returns the layer's outputs. Throws
 * StackNameError (an unknown layer or environment) or ConfigError(s) with the offending value named.
 */
export function runLayer(stack: string, lookup: (name: SettingName) => unknown): Record<string, pulumi.Input<unknown>> {
  const { layer, env } = parseStackName(stack);
  const program = LAYER_PROGRAMS[layer];
  const config = parseEnvironmentConfig(lookup);
  return program({ env, config });
}
