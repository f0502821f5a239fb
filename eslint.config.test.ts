import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './core/settings.js';

const eslint = new ESLint({ cwd: PROJECT_ROOT, overrideConfigFile: 'eslint.config.js' });

/** The rule that enforces the layout's import boundaries (lint/boundaries.js). */
const BOUNDARY_RULE = 'sensorlake/import-boundaries';

/** The boundary errors ESLint reports for `code` as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === BOUNDARY_RULE).map((m) => m.message);
}

const use = (specifier: string) => `import { x } from '${specifier}';\nexport const y = x;\n`;

const CORE_PROJECT = "core/ may import only core/";
const CORE_PACKAGE = 'core/ may not import the package';

describe('import boundaries (eslint.config.js, lint/boundaries.js)', () => {
  describe.each([
    { file: 'core/x.ts', specifier: '../infra/stack-refs.js', says: CORE_PROJECT },
    { file: 'core/ingestion/x.ts', specifier: '../../sensors/index.js', says: CORE_PROJECT },
    { file: 'core/ingestion/x.ts', specifier: '../../local/index.js', says: CORE_PROJECT },
    { file: 'core/x.ts', specifier: '../system-packages.js', says: `${CORE_PROJECT}: '../system-packages.js' lands in system-packages.js` },
    { file: 'core/x.ts', specifier: '../data/x.js', says: `${CORE_PROJECT}: '../data/x.js' lands in data/x.js` },
    { file: 'core/x.ts', specifier: '../bench/figures.js', says: CORE_PROJECT },
    { file: 'core/x.ts', specifier: '../etl/x.js', says: CORE_PROJECT },
    { file: 'core/x.ts', specifier: '../lint/boundaries.js', says: CORE_PROJECT },
    { file: 'core/x.ts', specifier: '../infra', says: `${CORE_PROJECT}: '../infra' lands in infra` },
    { file: 'core/x.ts', specifier: '..', says: CORE_PROJECT },
    { file: 'core/x.ts', specifier: '../../outside.js', says: 'lands outside the repository' },
    { file: 'core/ingestion/x.ts', specifier: '../lake/../../infra/x.js', says: `${CORE_PROJECT}: '../lake/../../infra/x.js' lands in infra/x.js` },
    { file: 'core/ingestion/x.ts', specifier: '../.././infra/x.js', says: `${CORE_PROJECT}: '../.././infra/x.js' lands in infra/x.js` },
    { file: 'core/x.ts', specifier: path.join(PROJECT_ROOT, 'infra/x.js'), says: 'lands in infra/x.js' },
    { file: 'core/x.ts', specifier: `file://${path.join(PROJECT_ROOT, 'infra/x.js')}`, says: 'lands in infra/x.js' },
    { file: 'core/x.ts', specifier: '@pulumi/pulumi', says: `${CORE_PACKAGE} '@pulumi/pulumi'` },
    { file: 'core/x.ts', specifier: '@pulumi/pulumi/runtime/index.js', says: `${CORE_PACKAGE} '@pulumi/pulumi'` },
    { file: 'core/x.ts', specifier: '@pulumi/aws', says: `${CORE_PACKAGE} '@pulumi/aws'` },
    { file: 'core/cli/x.ts', specifier: '@aws-sdk/client-s3', says: `${CORE_PACKAGE} '@aws-sdk/client-s3'` },
    { file: 'core/x.ts', specifier: 'aws-sdk/clients/s3.js', says: `${CORE_PACKAGE} 'aws-sdk'` },
    { file: 'core/x.ts', specifier: '@aws-lambda-powertools/logger', says: `${CORE_PACKAGE} '@aws-lambda-powertools/logger'` },
    { file: 'core/x.ts', specifier: 'aws-iot-device-sdk-v2', says: `${CORE_PACKAGE} 'aws-iot-device-sdk-v2'` },
    { file: 'core/x.ts', specifier: 'aedes', says: `${CORE_PACKAGE} 'aedes'` },
    { file: 'core/x.ts', specifier: 'aedes-persistence', says: `${CORE_PACKAGE} 'aedes-persistence'` },
    { file: 'core/x.ts', specifier: 'mqtt', says: `${CORE_PACKAGE} 'mqtt'` },
    { file: 'core/x.ts', specifier: 'mqtt/lib/x.js', says: `${CORE_PACKAGE} 'mqtt'` },
    { file: 'core/x.ts', specifier: 'ws', says: `${CORE_PACKAGE} 'ws'` },
    { file: 'core/x.ts', specifier: 'pg', says: `${CORE_PACKAGE} 'pg'` },
    { file: 'core/x.ts', specifier: '@electric-sql/pglite', says: `${CORE_PACKAGE} '@electric-sql/pglite'` },
    { file: 'core/x.ts', specifier: '@electric-sql/pglite-socket', says: `${CORE_PACKAGE} '@electric-sql/pglite-socket'` },
    { file: 'core/x.ts', specifier: '@duckdb/node-api', says: `${CORE_PACKAGE} '@duckdb/node-api'` },
    { file: 'core/x.ts', specifier: 'node:net', says: `${CORE_PACKAGE} 'net'` },
    { file: 'core/x.ts', specifier: 'net', says: `${CORE_PACKAGE} 'net'` },
    { file: 'core/x.ts', specifier: 'http', says: `${CORE_PACKAGE} 'http'` },
    { file: 'core/x.ts', specifier: 'node:https', says: `${CORE_PACKAGE} 'https'` },
    { file: 'core/x.ts', specifier: 'node:tls', says: `${CORE_PACKAGE} 'tls'` },
    { file: 'core/x.ts', specifier: 'dns/promises', says: `${CORE_PACKAGE} 'dns'` },
    { file: 'core/x.ts', specifier: 'node:child_process', says: `${CORE_PACKAGE} 'child_process'` },
    { file: 'core/x.ts', specifier: 'node:dgram', says: `${CORE_PACKAGE} 'dgram'` },
    { file: 'core/x.ts', specifier: 'node:cluster', says: `${CORE_PACKAGE} 'cluster'` },
    { file: 'core/x.ts', specifier: 'node:worker_threads', says: `${CORE_PACKAGE} 'worker_threads'` },
    { file: 'functions/telemetry-processor/x.ts', specifier: '../../infra/stack-refs.js', says: 'functions/ may import only core/, functions/' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '../../local/index.js', says: 'functions/ may import only core/, functions/' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '../../sensors/index.js', says: 'functions/ may import only core/, functions/' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '@pulumi/pulumi', says: "functions/ may not import the package '@pulumi/pulumi'" },
    { file: 'sensors/x.ts', specifier: '../infra/stack-refs.js', says: 'sensors/ may import only core/, sensors/' },
    { file: 'sensors/cli/x.ts', specifier: '../../functions/telemetry-processor/handler.js', says: 'sensors/ may import only core/, sensors/' },
    { file: 'sensors/x.ts', specifier: '../local/index.js', says: 'sensors/ may import only core/, sensors/' },
    { file: 'sensors/x.ts', specifier: '@pulumi/pulumi', says: "sensors/ may not import the package '@pulumi/pulumi'" },
    { file: 'local/x.ts', specifier: '../sensors/cli/parsers.js', says: 'local/ may import only core/, sensors/index.ts, local/' },
    { file: 'local/x.ts', specifier: '../sensors/cli.js', says: 'local/ may import only core/, sensors/index.ts, local/' },
    { file: 'local/ingestion/x.ts', specifier: '../../sensors/run.js', says: 'local/ may import only core/, sensors/index.ts, local/' },
    { file: 'local/x.ts', specifier: '../infra/layers.js', says: 'local/ may import only core/, sensors/index.ts, local/' },
    { file: 'local/ingestion/x.ts', specifier: '../../functions/telemetry-processor/handler.js', says: 'local/ may import only' },
    { file: 'local/x.ts', specifier: '@pulumi/pulumi', says: "local/ may not import the package '@pulumi/pulumi'" },
    { file: 'infra/ingestion/x.ts', specifier: '../../functions/telemetry-processor/handler.js', says: 'infra/ may import only core/, infra/' },
    { file: 'infra/x.ts', specifier: '../sensors/index.js', says: 'infra/ may import only core/, infra/' },
    { file: 'infra/x.ts', specifier: '../local/index.js', says: 'infra/ may import only core/, infra/' },
  ])('GIVEN $file importing $specifier THEN: $says', ({ file, specifier, says }) => {
    it.each([
      { form: 'import', code: use(specifier) },
      { form: 'type-only import', code: `import type { X } from '${specifier}';\nexport type Y = X;\n` },
      { form: 'side-effect import', code: `import '${specifier}';\n` },
      { form: 'export from', code: `export { x } from '${specifier}';\n` },
      { form: 'export * from', code: `export * from '${specifier}';\n` },
      { form: 'dynamic import()', code: `export const y = await import('${specifier}');\n` },
      { form: 'dynamic import() of a plain template', code: `export const y = await import(\`${specifier}\`);\n` },
      { form: 'require()', code: `export const y = require('${specifier}');\n` },
      { form: 'createRequire(...)()', code: `import { createRequire } from 'node:module';\nexport const y = createRequire(import.meta.url)('${specifier}');\n` },
      { form: 'a createRequire() result', code: `import { createRequire } from 'node:module';\nconst r = createRequire(import.meta.url);\nexport const y = r('${specifier}');\n` },
      { form: 'a renamed createRequire', code: `import { createRequire as cr } from 'node:module';\nconst load = cr(import.meta.url);\nexport const y = load('${specifier}');\n` },
      { form: 'import = require()', code: `import x = require('${specifier}');\nexport const y = x;\n` },
      { form: 'import() type', code: `export type Y = typeof import('${specifier}');\n` },
    ])('AS $form THEN one error naming the specifier and the rule', async ({ code }) => {
      const errors = await boundaryErrors(file, code);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(says);
      expect(errors[0]).toContain(`'${specifier}'`);
    });
  });

  it.each(['core/x.js', 'core/x.mjs', 'core/x.cjs', 'core/x.mts', 'core/x.cts', 'core/x.tsx'])(
    'GIVEN a %s file importing infra/ THEN the same error (every extension is checked)',
    async (file) => {
      const errors = await boundaryErrors(file, use('../infra/x.js'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`${CORE_PROJECT}: '../infra/x.js' lands in infra/x.js`);
    },
  );

  it.each([
    { form: 'import() of a variable', code: "const where = '../infra/x.js';\nexport const y = await import(where);\n" },
    { form: 'import() of a template with a value', code: "const n = 'x';\nexport const y = await import(`../infra/${n}.js`);\n" },
    { form: 'require() of a variable', code: "const where = '../infra/x.js';\nexport const y = require(where);\n" },
  ])('GIVEN core/ using $form THEN an error: it cannot be checked', async ({ code }) => {
    const errors = await boundaryErrors('core/x.ts', code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('core/ may import only core/: a computed specifier cannot be checked');
  });

  it('GIVEN a file in a folder the table does not name THEN an error asking for its row', async () => {
    const errors = await boundaryErrors('data/x.ts', 'export const y = 1;\n');
    expect(errors).toStrictEqual(["data/ is not in the import-boundaries table (eslint.config.js): give it a row saying what it may import."]);
  });

  it.each([
    { file: 'core/ingestion/x.ts', specifier: '../settings.js' },
    { file: 'core/ingestion/x.ts', specifier: '../lake/../settings.js' },
    { file: 'core/x.ts', specifier: './ingestion/definitions.js' },
    { file: 'core/x.ts', specifier: path.join(PROJECT_ROOT, 'core/settings.js') },
    { file: 'core/cli/x.ts', specifier: 'commander' },
    { file: 'core/x.ts', specifier: 'zod' },
    { file: 'core/x.ts', specifier: 'node:fs' },
    { file: 'core/x.ts', specifier: 'node:path' },
    { file: 'core/x.ts', specifier: 'pgpass' },
    { file: 'core/x.ts', specifier: 'wsx' },
    { file: 'core/x.ts', specifier: '@pulumix/x' },
    { file: 'core/x.mts', specifier: './settings.js' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '../../core/ingestion/processor.js' },
    { file: 'functions/telemetry-processor/x.ts', specifier: './handler.js' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '@aws-sdk/client-s3' },
    { file: 'functions/telemetry-processor/x.ts', specifier: 'pino' },
    { file: 'sensors/cli/x.ts', specifier: '../../core/cli/index.js' },
    { file: 'sensors/x.ts', specifier: './run.js' },
    { file: 'sensors/x.ts', specifier: 'aedes' },
    { file: 'sensors/x.ts', specifier: 'node:net' },
    { file: 'local/x.ts', specifier: '../sensors/index.js' },
    { file: 'local/ingestion/x.ts', specifier: '../../sensors/index.js' },
    { file: 'local/x.ts', specifier: '../sensors' },
    { file: 'local/x.ts', specifier: '../core/cli/index.js' },
    { file: 'local/ingestion/x.ts', specifier: '../summary.js' },
    { file: 'local/x.ts', specifier: 'mqtt' },
    { file: 'infra/ingestion/x.ts', specifier: '../../core/ingestion/definitions.js' },
    { file: 'infra/x.ts', specifier: './stack-refs.js' },
    { file: 'infra/x.ts', specifier: '@pulumi/pulumi' },
    { file: 'bench/x.ts', specifier: '../sensors/test-broker.js' },
    { file: 'bench/x.ts', specifier: '../local/ingestion/twin.js' },
    { file: 'lint/x.js', specifier: '../infra/x.js' },
    { file: 'x.ts', specifier: './infra/x.js' },
    { file: 'x.ts', specifier: '@pulumi/pulumi' },
  ])('GIVEN $file importing $specifier THEN no error (within the layout)', async ({ file, specifier }) => {
    const [result] = await eslint.lintText(use(specifier), { filePath: file });
    expect(result!.messages).toStrictEqual([]);
  });

  it('GIVEN functions/ importing a sibling with a computed import() THEN an error: functions/ is restricted too', async () => {
    const errors = await boundaryErrors('functions/telemetry-processor/x.ts', 'export const load = (m: string) => import(m);\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('functions/ may import only core/, functions/: a computed specifier cannot be checked');
  });

  it('GIVEN bench/ with a computed import() THEN no error: bench/ may import anything', async () => {
    const [result] = await eslint.lintText('export const load = (m: string) => import(m);\n', { filePath: 'bench/x.ts' });
    expect(result!.messages).toStrictEqual([]);
  });
});
