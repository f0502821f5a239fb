import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAutomationRunner } from './automation.js';
import { PulumiCliUnavailableError } from './errors.js';
import type { DeployStep } from './plan.js';

const root = mkdtempSync(path.join(tmpdir(), 'sensorlake-pulumi-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const step: DeployStep = { command: 'preview', layer: 'ingestion', env: 'dev', stack: 'ingestion-dev', configFile: path.join(root, 'Pulumi.dev.yaml') };

/** A fake installation root `<dir>/bin/pulumi` with the given shell script (mode 0755 unless `mode` says otherwise). */
function fakeCli(name: string, script: string, mode = 0o755): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  writeFileSync(path.join(dir, 'bin', 'pulumi'), `#!/bin/sh\n${script}\n`);
  chmodSync(path.join(dir, 'bin', 'pulumi'), mode);
  return dir;
}

describe('automation runner, the pulumi CLI', () => {
  it.each([
    { what: 'not installed', cliRoot: () => path.join(root, 'nowhere'), reason: /ENOENT/ },
    { what: 'not executable', cliRoot: () => fakeCli('noexec', 'echo v3.200.0', 0o644), reason: /EACCES/ },
    { what: 'too old for the SDK', cliRoot: () => fakeCli('old', 'echo v1.0.0'), reason: /version/i },
  ])('GIVEN a CLI $what WHEN a step runs THEN PulumiCliUnavailableError naming the stack and the reason', async ({ cliRoot, reason }) => {
    const run = makeAutomationRunner({ cliRoot: cliRoot() });
    const error: unknown = await run(step, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PulumiCliUnavailableError);
    expect((error as Error).message).toContain('cannot run stack ingestion-dev: the pulumi CLI cannot be started');
    expect((error as Error).message).toMatch(reason);
  });

  it('GIVEN a CLI that starts but whose stack operation fails WHEN a step runs THEN the Automation API error itself, not PulumiCliUnavailableError', async () => {
    const run = makeAutomationRunner({ cliRoot: fakeCli('failing', 'if [ "$1" = version ]; then echo v3.200.0; exit 0; fi\necho "error: no backend" >&2\nexit 255') });
    const error: unknown = await run(step, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PulumiCliUnavailableError);
    expect((error as Error).message).toContain('no backend');
  });
});
