import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import sensorlake from './lint/boundaries.js';

/** Cloud SDKs, servers, MQTT, databases and engines, network and process modules: core/ is definitions, none of these. */
const NOT_IN_CORE = [
  '@pulumi/*', '@aws-sdk/*', 'aws-sdk', '@aws-lambda-powertools/*', 'aws-iot-device-sdk-v2', 'aws-crt', '@grpc/*',
  'aedes*', 'mqtt*', 'ws', 'pg', 'pg-*', '@electric-sql/*', '@duckdb/*', 'duckdb', 'esbuild', 'tsx',
  'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'child_process', 'cluster', 'worker_threads', 'inspector',
];

/**
 * The layout's import boundaries (DESIGN.md, Layout): one row per top-level folder, `.` for the files at the root.
 * `may` lists where a relative or absolute import may land once resolved; `packages` the packages it must not use.
 * Every import counts, type-only ones too: `import`, `export ... from`, `import()`, `require()` and createRequire.
 */
export const BOUNDARIES = {
  core: { may: ['core'], packages: NOT_IN_CORE, why: 'core/ holds definitions only: nothing of the project outside core/, no Pulumi, no AWS SDK, no servers, engines, network or processes (DESIGN.md, Layout).' },
  functions: { may: ['core', 'functions'], packages: ['@pulumi/*'], why: 'functions/ are thin Lambda adapters over core/: a definition both runtimes need belongs in core/.' },
  sensors: { may: ['core', 'sensors'], packages: ['@pulumi/*'], why: 'sensors/ is the simulator: a definition it shares with another runtime belongs in core/.' },
  local: { may: ['core', 'sensors/index.ts', 'local'], packages: ['@pulumi/*'], why: 'local/ uses the simulator through its public index, never its internals or CLI (CLI pieces are in core/cli/); shared definitions belong in core/.' },
  infra: { may: ['core', 'infra'], why: 'infra/ deploys definitions from core/; it bundles functions/ by path (esbuild), never imports them.' },
  etl: { may: ['core', 'etl'], why: 'etl/ holds the jobs and transforms both runtimes run; it depends on definitions in core/ only.' },
  bench: 'anything',
  lint: 'anything',
  '.': 'anything',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.sensorlake/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    plugins: { sensorlake },
    rules: { 'sensorlake/import-boundaries': ['error', { root: import.meta.dirname, folders: BOUNDARIES }] },
  },
);
