import { configDefaults, defineConfig } from 'vitest/config';
import { SYSTEM_TESTS } from './vitest.config.js';

/**
 * `npm run test:system`: the tests against real external engines (Debian packages listed in system-packages.ts).
 * The global setup stops the run before any test, naming the package to install, when one is missing.
 */
export default defineConfig({
  test: {
    include: [SYSTEM_TESTS],
    exclude: [...configDefaults.exclude],
    globalSetup: ['./system-packages.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
