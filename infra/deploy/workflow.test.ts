import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../../core/settings.js';

const schema = JSON.parse(
  readFileSync(path.resolve(PROJECT_ROOT, 'infra', 'testing', 'schemas', 'github-workflow.schema.json'), 'utf8'),
) as object;
const workflow = parseYaml(readFileSync(path.join(PROJECT_ROOT, '.github', 'workflows', 'preview.yml'), 'utf8')) as {
  on: { pull_request?: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }[] }>;
};

function validator() {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('.github/workflows/preview.yml', () => {
  it('validates against the GitHub workflow schema', () => {
    const validate = validator();
    expect(validate(workflow), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects a broken workflow (the check can fail)', () => {
    const validate = validator();
    expect(validate({ ...workflow, jobs: { preview: { steps: [{ run: 'x' }] } } })).toBe(false);
    expect(validate({ ...workflow, on: 'pull-request-typo' })).toBe(false);
  });

  it('on pull requests: npm ci, OIDC role assumption in the dev region, then npm run preview -- dev', () => {
    expect(workflow.on.pull_request).toBeDefined();
    expect(workflow.permissions['id-token']).toBe('write');
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const index = (predicate: (s: (typeof steps)[number]) => boolean) => steps.findIndex(predicate);
    const ci = index((s) => s.run === 'npm ci');
    const aws = index((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@') ?? false);
    const cli = index((s) => s.uses?.startsWith('pulumi/actions@') ?? false);
    const preview = index((s) => s.run === 'npm run preview -- dev');
    expect([ci, aws, cli, preview].every((i) => i >= 0)).toBe(true);
    expect(ci < preview && aws < preview && cli < preview).toBe(true);
    const awsStep = steps[aws];
    expect(awsStep?.with?.['role-to-assume']).toMatch(/^\$\{\{ vars\.\w+ \}\}$/);
    const devFile = parseYaml(readFileSync(path.join(PROJECT_ROOT, 'Pulumi.dev.yaml'), 'utf8')) as {
      config: Record<string, unknown>;
    };
    expect(awsStep?.with?.['aws-region']).toBe(devFile.config['aws:region']);
    expect(steps[preview]?.env?.PULUMI_ACCESS_TOKEN).toBe('${{ secrets.PULUMI_ACCESS_TOKEN }}');
  });
});
