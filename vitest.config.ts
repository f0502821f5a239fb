import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,infra,functions,etl,sensors,local,bench}/**/*.test.ts', '*.test.ts'],
    // Pulumi mocks are process-global: each test file gets its own worker.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
