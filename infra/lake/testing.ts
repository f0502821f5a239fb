import { readEnvironmentConfig, type Environment } from '../../core/settings.js';
import { lakeProgram } from '../program.js';
import { runStackUnderMocks, type MockRun, type MockRunOptions } from '../testing/index.js';

/** Runs `lake-<env>` under mocks with the repository's ETL files (or those under `etlRoot`) and the environment's settings. */
export function runLakeStack(env: Environment, options: MockRunOptions & { etlRoot?: string } = {}): Promise<MockRun> {
  return runStackUnderMocks(`lake-${env}`, {
    ...options,
    program: () => lakeProgram(options.etlRoot)({ env, config: readEnvironmentConfig(env) }),
  });
}
