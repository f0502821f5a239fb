import path from 'node:path';
import { readEnvironmentConfig, type Environment } from '../../core/settings.js';
import { lakeProgram } from '../program.js';
import { runStackUnderMocks, type MockRun, type MockRunOptions } from '../testing/index.js';

/** Stand-ins for etl/jobs and etl/sql, so the lake stack tests do not depend on the real scripts. */
export const ETL_FIXTURE = path.join(import.meta.dirname, 'testdata', 'etl');

/** Runs `lake-<env>` under mocks with the fixture ETL files (or `etlRoot`) and the environment's settings. */
export function runLakeStack(env: Environment, options: MockRunOptions & { etlRoot?: string } = {}): Promise<MockRun> {
  return runStackUnderMocks(`lake-${env}`, {
    ...options,
    program: () => lakeProgram(options.etlRoot ?? ETL_FIXTURE)({ env, config: readEnvironmentConfig(env) }),
  });
}
