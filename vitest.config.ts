import { configDefaults, defineConfig } from 'vitest/config';

/** Tests against real external engines from Debian packages; `npm run test:system` runs them (vitest.system.config.ts). */
export const SYSTEM_TESTS = '**/*.system.test.ts';

/** `npm test`: every test a machine with Node, npm and python3 alone passes. */
export default defineConfig({
  test: {
    include: ['{core,infra,functions,etl,sensors,local,bench,lint}/**/*.test.ts', '*.test.ts'],
    exclude: [...configDefaults.exclude, SYSTEM_TESTS],
    // Pulumi mocks are process-global: each test file gets its own worker.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
