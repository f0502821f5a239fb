import { parseEnvironmentConfig, readEnvironmentConfig, type Environment } from '../../core/settings.js';
import { orchestrationProgram } from '../program.js';
import { runStackUnderMocks, type MockRun, type MockRunOptions } from '../testing/index.js';
import { standInPipeline, type PipelineDefinition } from './pipeline-machines.js';

/**
 * Runs `orchestration-<env>` under mocks with the environment's settings (plus `options.config`, short keys, validated
 * as the program validates them) and the
 * given pipeline (default the stand-in machines).
 */
export function runOrchestrationStack(env: Environment, options: MockRunOptions & { pipeline?: PipelineDefinition } = {}): Promise<MockRun> {
  return runStackUnderMocks(`orchestration-${env}`, {
    ...options,
    program: () => {
      const base = readEnvironmentConfig(env);
      const overrides: Record<string, unknown> = options.config ?? {};
      const config = parseEnvironmentConfig((name) => (name in overrides ? overrides[name] : base[name]));
      return orchestrationProgram(options.pipeline ?? standInPipeline)({ env, config });
    },
  });
}
