import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layout's import boundaries (DESIGN.md, Layout), enforced with `no-restricted-imports` per top-level folder.
 * Relative imports are matched by the folder they climb into: `../infra/...` from anywhere under sensors/ counts
 * as sensors/ importing infra/, so a layer must not name a sub-folder after a top-level one.
 */
const OUT_OF = (folders) => `^(\\./)?(\\.\\./)+(${folders.join('|')})(/|$)`;

/** Servers, MQTT clients, cloud SDKs and network or process modules: core/ may use none of them. */
const RUNTIME_PACKAGES = ['aedes', 'mqtt', 'aws-iot-device-sdk-v2', 'aws-sdk'];
const NETWORK_MODULES = ['net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'child_process', 'cluster'].flatMap((m) => [m, `node:${m}`]);

/** Each folder, the folders it must not import from, and extra rules. */
export const BOUNDARIES = [
  {
    folder: 'core',
    rule: {
      paths: [...RUNTIME_PACKAGES, ...NETWORK_MODULES].map((name) => ({ name, message: 'core/ holds definitions only: no servers, network, processes or cloud SDKs (DESIGN.md, Layout).' })),
      patterns: [
        { regex: OUT_OF(['infra', 'functions', 'sensors', 'local', 'bench', 'etl']), message: 'core/ imports nothing of the project outside core/ (DESIGN.md, Layout).' },
        { group: ['@pulumi/*', '@aws-sdk/*'], message: 'core/ imports no Pulumi and no AWS SDK: infra/ deploys, functions/ adapts (DESIGN.md, Layout).' },
      ],
    },
  },
  {
    folder: 'functions',
    rule: { patterns: [{ regex: OUT_OF(['infra', 'sensors', 'local', 'bench', 'etl']), message: 'functions/ imports only core/ (and its own folder): a definition both runtimes need belongs in core/.' }] },
  },
  {
    folder: 'sensors',
    rule: { patterns: [{ regex: OUT_OF(['functions', 'infra', 'local', 'bench', 'etl']), message: 'sensors/ imports only core/: a definition it shares with another runtime belongs in core/.' }] },
  },
  {
    folder: 'local',
    rule: {
      patterns: [
        { regex: OUT_OF(['functions', 'infra', 'bench', 'etl']), message: 'local/ imports core/ and sensors/index.js only: a definition it shares with another runtime belongs in core/.' },
        { regex: '^(\\./)?(\\.\\./)+sensors/(?!index\\.js$)', message: 'local/ uses the simulator through its public index (sensors/index.js), never its internals or CLI; CLI pieces are in core/cli/.' },
      ],
    },
  },
  {
    folder: 'infra',
    rule: { patterns: [{ regex: OUT_OF(['functions', 'sensors', 'local', 'bench', 'etl']), message: 'infra/ imports core/ only; it bundles functions/ by path (esbuild), never imports them.' }] },
  },
];

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
  ...BOUNDARIES.map(({ folder, rule }) => ({ files: [`${folder}/**/*.{ts,js,mjs,cjs}`], rules: { 'no-restricted-imports': ['error', rule] } })),
);
