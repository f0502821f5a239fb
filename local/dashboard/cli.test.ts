import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { captureIo, ExitCode } from '../../core/cli/index.js';
import { tempDataDir } from '../lake/testing.js';
import { main } from './cli.js';
import { API_PATHS } from './contract.js';
import { getJson } from './testing.js';

afterEach(() => {
  process.exitCode = undefined;
});

describe('npm run dashboard: arguments', () => {
  it.each([
    { argv: [], says: 'option --env is missing: expected either --env <env> (Athena) or --local (the twin), exactly one' },
    { argv: ['--local', '--env', 'dev'], says: 'option --env has invalid value "dev": expected either --env <env> (Athena) or --local (the twin), exactly one' },
    { argv: ['--env', 'staging'], says: "option '--env <env>' argument 'staging' is invalid. expected one of dev, prod." },
    { argv: ['--local', '--port', '70000'], says: "option '--port <n>' argument '70000' is invalid" },
    { argv: ['--local', '--region', 'eu-west-1'], says: 'option --region has invalid value "eu-west-1": expected only with --env' },
    { argv: ['--local', '--state-machine-arn', 'arn:x'], says: 'option --state-machine-arn has invalid value "arn:x": expected only with --env' },
    { argv: ['--local', '--verbose'], says: "unknown option '--verbose'" },
  ])('GIVEN $argv THEN usage error 2 naming the option and the value', async ({ argv, says }) => {
    const c = captureIo();
    expect(await main(argv, c.io, { signal: AbortSignal.abort() })).toBe(ExitCode.Usage);
    expect(c.err()).toContain(says);
  });
});

describe('npm run dashboard -- --local', () => {
  const dir = tempDataDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN a data directory THEN it serves it on 127.0.0.1 until stopped', async () => {
    const c = captureIo();
    const stop = new AbortController();
    let url = '';
    const done = main(['--local', '--data-dir', dir], c.io, { signal: stop.signal, onListening: (u) => void (url = u) });
    while (url === '') await new Promise((r) => setTimeout(r, 10));
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await getJson(url, API_PATHS.source)).body).toMatchObject({ kind: 'local', location: dir, live: false });
    } finally {
      stop.abort();
    }
    expect(await done).toBe(ExitCode.Ok);
    expect(c.err()).toBe('');
  });

  it('GIVEN --host 0.0.0.0 THEN it warns that the lake is reachable from the network', async () => {
    const c = captureIo();
    const stop = new AbortController();
    const done = main(['--local', '--data-dir', dir, '--host', '0.0.0.0'], c.io, { signal: stop.signal, onListening: () => stop.abort() });
    expect(await done).toBe(ExitCode.Ok);
    expect(c.err()).toContain('warning: --host 0.0.0.0: the dashboard (and every named query on the lake) is reachable from the network, without authentication');
    expect(c.out()).toMatch(/dashboard: http:\/\/0\.0\.0\.0:\d+\//);
  });
});
