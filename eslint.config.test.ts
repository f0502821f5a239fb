import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './core/settings.js';

const eslint = new ESLint({ cwd: PROJECT_ROOT, overrideConfigFile: 'eslint.config.js' });

/** The boundary errors ESLint reports for `code` as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (specifier: string) => `import { x } from '${specifier}';\nexport const y = x;\n`;

describe('import boundaries (eslint.config.js)', () => {
  it.each([
    { file: 'core/x.ts', specifier: '../infra/stack-refs.js', says: 'core/ imports nothing of the project outside core/' },
    { file: 'core/ingestion/x.ts', specifier: '../../sensors/index.js', says: 'core/ imports nothing of the project outside core/' },
    { file: 'core/ingestion/x.ts', specifier: '../../local/index.js', says: 'core/ imports nothing of the project outside core/' },
    { file: 'core/x.ts', specifier: '@pulumi/pulumi', says: 'core/ imports no Pulumi and no AWS SDK' },
    { file: 'core/cli/x.ts', specifier: '@aws-sdk/client-s3', says: 'core/ imports no Pulumi and no AWS SDK' },
    { file: 'core/x.ts', specifier: 'aedes', says: 'core/ holds definitions only' },
    { file: 'core/x.ts', specifier: 'mqtt', says: 'core/ holds definitions only' },
    { file: 'core/x.ts', specifier: 'node:net', says: 'core/ holds definitions only' },
    { file: 'core/x.ts', specifier: 'http', says: 'core/ holds definitions only' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '../../infra/stack-refs.js', says: 'functions/ imports only core/' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '../../local/index.js', says: 'functions/ imports only core/' },
    { file: 'sensors/x.ts', specifier: '../infra/stack-refs.js', says: 'sensors/ imports only core/' },
    { file: 'sensors/cli/x.ts', specifier: '../../functions/telemetry-processor/handler.js', says: 'sensors/ imports only core/' },
    { file: 'sensors/x.ts', specifier: '../local/index.js', says: 'sensors/ imports only core/' },
    { file: 'local/x.ts', specifier: '../sensors/cli/parsers.js', says: 'local/ uses the simulator through its public index' },
    { file: 'local/ingestion/x.ts', specifier: '../../sensors/run.js', says: 'local/ uses the simulator through its public index' },
    { file: 'local/x.ts', specifier: '../infra/layers.js', says: 'local/ imports core/ and sensors/index.js only' },
    { file: 'local/ingestion/x.ts', specifier: '../../functions/telemetry-processor/handler.js', says: 'local/ imports core/ and sensors/index.js only' },
    { file: 'infra/ingestion/x.ts', specifier: '../../functions/telemetry-processor/handler.js', says: 'infra/ imports core/ only' },
    { file: 'infra/x.ts', specifier: '../sensors/index.js', says: 'infra/ imports core/ only' },
  ])('GIVEN $file importing $specifier THEN an error: $says', async ({ file, specifier, says }) => {
    const errors = await boundaryErrors(file, use(specifier));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(says);
  });

  it('GIVEN a type-only import across a boundary THEN it is refused too', async () => {
    const errors = await boundaryErrors('sensors/x.ts', "import type { X } from '../infra/stack-refs.js';\nexport type Y = X;\n");
    expect(errors).toHaveLength(1);
  });

  it.each([
    { file: 'core/ingestion/x.ts', specifier: '../settings.js' },
    { file: 'core/cli/x.ts', specifier: 'commander' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '../../core/ingestion/processor.js' },
    { file: 'functions/telemetry-processor/x.ts', specifier: '@aws-sdk/client-s3' },
    { file: 'sensors/cli/x.ts', specifier: '../../core/cli/index.js' },
    { file: 'sensors/x.ts', specifier: 'aedes' },
    { file: 'local/x.ts', specifier: '../sensors/index.js' },
    { file: 'local/ingestion/x.ts', specifier: '../../sensors/index.js' },
    { file: 'local/x.ts', specifier: '../core/cli/index.js' },
    { file: 'infra/ingestion/x.ts', specifier: '../../core/ingestion/definitions.js' },
    { file: 'infra/x.ts', specifier: '@pulumi/pulumi' },
    { file: 'bench/x.ts', specifier: '../sensors/test-broker.js' },
    { file: 'bench/x.ts', specifier: '../local/ingestion/twin.js' },
  ])('GIVEN $file importing $specifier THEN no error (within the layout)', async ({ file, specifier }) => {
    const [result] = await eslint.lintText(use(specifier), { filePath: file });
    expect(result!.messages).toStrictEqual([]);
  });
});
