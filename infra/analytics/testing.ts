import { parseEnvironmentConfig, type Environment, type SettingName } from '../../core/settings.js';
import { analyticsProgram } from '../program.js';
import { mockConfig, runStackUnderMocks, type MockRun, type MockRunOptions } from '../testing/index.js';
import { ANALYTICS_SOURCES, type AnalyticsSources } from './sources.js';

/** The project's sources (the real alert handler) with two small named queries. */
export const TEST_SOURCES: AnalyticsSources = {
  ...ANALYTICS_SOURCES,
  namedQueries: () => [
    { name: 'hourly_temperature', description: 'min/max/avg temperature per room per hour', sql: 'SELECT 1' },
    { name: 'latest_reading', description: 'latest reading per device', sql: 'SELECT 2' },
  ],
};

/**
 * Runs `analytics-<env>` under mocks with `sources` (default TEST_SOURCES) and the environment's settings plus
 * `options.config` (by short key, as the engine passes them).
 */
export function runAnalyticsStack(env: Environment, options: MockRunOptions & { sources?: AnalyticsSources } = {}): Promise<MockRun> {
  const values = mockConfig(env, options);
  const lookup = (name: SettingName) => values[`sensorlake:${name}`];
  return runStackUnderMocks(`analytics-${env}`, {
    ...options,
    program: () => analyticsProgram(options.sources ?? TEST_SOURCES)({ env, config: parseEnvironmentConfig(lookup) }),
  });
}
