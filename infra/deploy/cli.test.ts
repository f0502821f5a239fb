import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/settings.js';
import type { StepRunner } from './automation.js';
import { captureIo, ExitCode } from '../../core/cli/index.js';
import { main } from './cli.js';
import { ArgumentError } from '../../core/errors.js';
import { PulumiCliUnavailableError } from './errors.js';
import { deployPlan, parseDeployArgs, type DeployStep } from './plan.js';

afterEach(() => {
  process.exitCode = undefined;
});

describe('parseDeployArgs', () => {
  it.each([
    ['up', 'dev'],
    ['preview', 'prod'],
    ['destroy', 'dev'],
  ])('accepts %s %s', (command, env) => {
    expect(parseDeployArgs(command, env)).toStrictEqual({ command, env });
  });

  it.each([
    ['up', 'staging', 'argument env has invalid value "staging": expected one of dev, prod'],
    ['up', undefined, 'argument env is missing: expected one of dev, prod'],
    ['apply', 'dev', 'argument command has invalid value "apply": expected one of up, preview, destroy'],
  ])('rejects %s %s with a clear error', (command, env, message) => {
    expect(() => parseDeployArgs(command, env)).toThrow(ArgumentError);
    expect(() => parseDeployArgs(command, env)).toThrow(message);
  });
});

describe('deployPlan', () => {
  const names = (steps: DeployStep[]) => steps.map((s) => s.stack);

  it('runs every layer in deploy order for up and preview, with the environment config file', () => {
    const steps = deployPlan({ command: 'up', env: 'prod' });
    expect(names(steps)).toStrictEqual(['ingestion-prod', 'lake-prod', 'analytics-prod', 'orchestration-prod']);
    expect(new Set(steps.map((s) => s.configFile))).toStrictEqual(new Set([`${PROJECT_ROOT}/Pulumi.prod.yaml`]));
  });

  it('destroys in reverse order', () => {
    expect(names(deployPlan({ command: 'destroy', env: 'dev' }))).toStrictEqual([
      'orchestration-dev',
      'analytics-dev',
      'lake-dev',
      'ingestion-dev',
    ]);
  });
});

describe('deploy CLI', () => {
  /** Runs the deploy CLI with captured output; `out` and `err` are the lines written. */
  async function deploy(argv: string[], runner: StepRunner) {
    const c = captureIo();
    const code = await main(argv, c.io, runner);
    const lines = (text: string) => text.split('\n').filter((l) => l !== '');
    return { code, out: lines(c.out()), err: lines(c.err()) };
  }

  it('GIVEN preview dev THEN runs every layer in order with Pulumi.dev.yaml', async () => {
    const ran: DeployStep[] = [];
    const h = await deploy(['preview', 'dev'], async (step) => {
      ran.push(step);
      return `previewed ${step.stack}`;
    });
    expect(h.code).toBe(ExitCode.Ok);
    expect(ran.map((s) => [s.command, s.stack, s.configFile])).toStrictEqual([
      ['preview', 'ingestion-dev', `${PROJECT_ROOT}/Pulumi.dev.yaml`],
      ['preview', 'lake-dev', `${PROJECT_ROOT}/Pulumi.dev.yaml`],
      ['preview', 'analytics-dev', `${PROJECT_ROOT}/Pulumi.dev.yaml`],
      ['preview', 'orchestration-dev', `${PROJECT_ROOT}/Pulumi.dev.yaml`],
    ]);
    expect(h.out).toContain('previewed ingestion-dev');
    expect(h.out).toContain('previewed orchestration-dev');
    expect(h.err).toStrictEqual([]);
  });

  it('GIVEN a bad env THEN a clear error, the usage, exit code 2, and nothing runs', async () => {
    const ran: DeployStep[] = [];
    const h = await deploy(['up', 'staging'], async (step) => {
      ran.push(step);
      return '';
    });
    expect(h.code).toBe(ExitCode.Usage);
    expect(process.exitCode).toBe(ExitCode.Usage);
    expect(h.err[0]).toBe('error: argument env has invalid value "staging": expected one of dev, prod');
    expect(ran).toStrictEqual([]);
  });

  it('GIVEN no env THEN exit code 2', async () => {
    const h = await deploy(['destroy'], async () => '');
    expect(h.code).toBe(ExitCode.Usage);
    expect(h.err.join('\n')).toContain("missing required argument 'env'");
  });

  it('GIVEN an unknown option THEN exit code 2 naming it, and nothing runs', async () => {
    const ran: DeployStep[] = [];
    const h = await deploy(['up', 'dev', '--stack', 'x'], async (step) => {
      ran.push(step);
      return '';
    });
    expect(h.code).toBe(ExitCode.Usage);
    expect(h.err[0]).toBe("error: unknown option '--stack'");
    expect(ran).toStrictEqual([]);
  });

  it('GIVEN a failing stack THEN ExitCode.Incomplete naming the stack (the later layers were not run)', async () => {
    const h = await deploy(['up', 'prod'], async () => {
      throw new Error('boom');
    });
    expect(h.code).toBe(ExitCode.Incomplete);
    expect(h.err).toStrictEqual(['error: ingestion-prod failed, later layers were not run: boom']);
  });

  it('GIVEN the pulumi CLI cannot be started THEN ExitCode.Unavailable with the install hint, and no later layer is tried', async () => {
    let calls = 0;
    const h = await deploy(['up', 'prod'], async (step) => {
      calls += 1;
      throw new PulumiCliUnavailableError(step.stack, Object.assign(new Error('spawn pulumi ENOENT'), { code: 'ENOENT' }));
    });
    expect(h.code).toBe(ExitCode.Unavailable);
    expect(h.err[0]).toMatch(/^error: cannot run stack ingestion-prod: the pulumi CLI cannot be started \(spawn pulumi ENOENT\)\. Install the Pulumi CLI/);
    expect(calls).toBe(1);
  });
});
