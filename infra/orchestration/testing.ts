import { readEnvironmentConfig, type Environment } from '../../core/settings.js';
import { orchestrationProgram } from '../program.js';
import { runStackUnderMocks, type MockRun, type MockRunOptions } from '../testing/index.js';
import { standInPipeline, type PipelineDefinition } from './pipeline-machines.js';

/**
 * Runs `orchestration-<env>` under mocks with the environment's settings (plus `options.config`, short keys) and the
 * given pipeline (default the stand-in machines).
 */
export function runOrchestrationStack(env: Environment, options: MockRunOptions & { pipeline?: PipelineDefinition } = {}): Promise<MockRun> {
  return runStackUnderMocks(`orchestration-${env}`, {
    ...options,
    program: () => {
      const base = readEnvironmentConfig(env);
      const overrides = Object.fromEntries(Object.entries(options.config ?? {}).filter(([key]) => key in base));
      return orchestrationProgram(options.pipeline ?? standInPipeline)({ env, config: { ...base, ...overrides } as typeof base });
    },
  });
}
