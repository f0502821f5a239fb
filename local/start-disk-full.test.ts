import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readRawZone } from './ingestion/raw-zone.js';
import { limitedDisk } from './ingestion/testing.js';
import { ExitCode } from '../core/cli/index.js';
import { main, startAction } from './start.js';
import type { StartFlags } from './start.js';

function capture() {
  let text = '';
  return { write: (s: string) => void (text += s), get text() { return text; } };
}

function flags(dataDir: string): StartFlags {
  return {
    duration: 4, devices: 3, rooms: 1, rate: 10, seed: 1, faultRate: 0, anomalyRate: 0, env: 'dev', dataDir,
    tls: false, bufferInterval: 1, logLevel: 'error', progress: false, serve: false, lake: false, analytics: false,
  };
}

describe('npm start on a full disk', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-full-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN the data directory fills up during the run WHEN it ends THEN the account is printed, the exit is non-zero naming ENOSPC, and the next start delivers what was acknowledged', async () => {
    const stdout = capture();
    const stderr = capture();
    // Room for a few log appends; the delivered objects never fit.
    const disk = limitedDisk(4_000);
    const code = await startAction(flags(dir), { stdout, stderr }, undefined, { fs: { ...disk, writeFile: async () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })) }, deliveryAttempts: 2, deliveryRetryBaseMs: 1 });

    expect(code).toBe(ExitCode.DiskFull);
    expect(stderr.text).toMatch(/npm start failed: the disk of the data directory is full \(ENOSPC\)/);
    expect(stdout.text).toContain('sensorlake local twin: summary');
    expect(stdout.text).toMatch(/lost 0, kept in the write-ahead log \d+/);
    expect(stdout.text).toMatch(/refused .*wal-append-failed \d+/);
    const kept = Number(/kept in the write-ahead log (\d+)/.exec(stdout.text)?.[1]);
    expect(kept).toBeGreaterThan(0);
    expect(readRawZone(path.join(dir, 'raw'))).toStrictEqual([]);

    // Space returns: the next start replays the kept messages first (a served twin, stopped at once, shows it alone).
    const again = capture();
    const stopped = AbortSignal.abort();
    const secondCode = await startAction({ ...flags(dir), serve: true, port: 0 }, { stdout: again, stderr: capture() }, stopped);
    expect(secondCode, again.text).toBe(ExitCode.Ok);
    const landed = readRawZone(path.join(dir, 'raw')).filter((o) => o.zone === 'telemetry').reduce((n, o) => n + o.records.length, 0);
    expect(landed).toBe(kept);
  });
});

const enospc = (syscall: string) => Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), { code: 'ENOSPC' });

describe('npm start when only its own files do not fit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-full-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN the labels and --summary-json writes fail with ENOSPC WHEN the run ends THEN the account is still printed, both failures are named, and the exit is DiskFull', async () => {
    const stdout = capture();
    const stderr = capture();
    const tried: string[] = [];
    const summaryJson = path.join(dir, 'out', 'summary.json');
    const writeFile = (file: string) => {
      tried.push(file);
      throw enospc('write');
    };
    const code = await startAction({ ...flags(dir), duration: 1, summaryJson }, { stdout, stderr }, undefined, { writeFile });

    expect(code, stderr.text).toBe(ExitCode.DiskFull);
    expect(stdout.text).toContain('sensorlake local twin: summary');
    expect(stdout.text).toMatch(/labels file .*anomalies-.*\.csv not written: ENOSPC/);
    expect(tried).toHaveLength(2);
    expect(tried[1]).toBe(summaryJson);
    expect(stderr.text).toMatch(/labels file .*anomalies-.*\.csv not written: ENOSPC/);
    expect(stderr.text).toContain(`summary ${summaryJson} not written: ENOSPC`);
    expect(existsSync(summaryJson)).toBe(false);
  });
});

describe('npm start, the exit code of an error', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it.each([
    { what: 'ENOSPC at start-up (the write-ahead log cannot be opened)', error: enospc('mkdir'), code: ExitCode.DiskFull },
    { what: 'EDQUOT', error: Object.assign(new Error('EDQUOT: disk quota exceeded'), { code: 'EDQUOT' }), code: ExitCode.DiskFull },
    { what: 'anything else', error: new RangeError('boom'), code: ExitCode.Failure },
  ])('GIVEN $what THEN exit $code and the message on stderr', async ({ error, code }) => {
    const stderr = capture();
    await main(['--no-progress'], { stdout: capture(), stderr }, async () => Promise.reject(error));
    expect(process.exitCode).toBe(code);
    expect(stderr.text).toContain(`npm start failed: ${error.message}`);
  });
});
