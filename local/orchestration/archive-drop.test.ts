import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_LIMITS, zipOf } from '../../core/orchestration/archive-drop.testing.js';
import { tempDataDir } from '../lake/testing.js';
import { ArchiveChangedError } from '../../core/orchestration/archive-drop.js';
import { dropExecutions, dropExecutionsDir, localDropStore, localPipelineStarter, processLocalDrop, stagingDir, watchStaging, type LocalDropDeps, type LocalPipelineRun } from './archive-drop.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CSV = 'timestamp,room_id,temperature\n2010-05-09 00:00:00,hall,21.5\n2010-05-09 00:00:05,hall,21.6\n';

/** A fresh data dir, a pipeline run that records what it was started with, and the drop's deps. */
function setup(): { dir: string; runs: [string, unknown][]; deps: LocalDropDeps } {
  const dir = tempDataDir();
  dirs.push(dir);
  const runs: [string, unknown][] = [];
  const run: LocalPipelineRun = async (name, input) => (runs.push([name, input]), { status: 'SUCCEEDED' });
  return { dir, runs, deps: { dataDir: dir, tables: ['readings'], limits: TEST_LIMITS, run } };
}

function put(dir: string, name: string, body: Uint8Array): string {
  const inbox = path.join(stagingDir(dir), 'in');
  mkdirSync(inbox, { recursive: true });
  writeFileSync(path.join(inbox, name), body);
  return `in/${name}`;
}

describe('an archive drop in the twin goes through the core', () => {
  it('GIVEN a good zip in staging/in/ WHEN dropped THEN its entries are in the raw zone under <table>/, one execution starts with the drop input, and the zip leaves in/', async () => {
    const { dir, runs, deps } = setup();
    const key = put(dir, 'readings.zip', zipOf({ 'a.csv': CSV, 'dt=2010-05-09/b.csv': CSV }));
    const result = await processLocalDrop(key, deps);
    expect(result).toMatchObject({ status: 'started', table: 'readings', entries: { seen: 2, written: 2, refused: 0, directories: 0 } });
    expect(readFileSync(path.join(dir, 'raw', 'readings', 'a.csv'), 'utf8')).toBe(CSV);
    expect(readFileSync(path.join(dir, 'raw', 'readings', 'dt=2010-05-09', 'b.csv'), 'utf8')).toBe(CSV);
    expect(runs).toHaveLength(1);
    expect(runs[0]![0]).toMatch(/^drop-readings-[0-9a-f]{32}$/);
    expect(runs[0]![1]).toStrictEqual({ trigger: 'archive-drop', table: 'readings', archive: 's3://sensorlake-local-staging/in/readings.zip', rawPrefix: 'readings/', entries: 2 });
    expect(existsSync(path.join(stagingDir(dir), key))).toBe(false);
    expect(await dropExecutions(dir)).toStrictEqual([{ name: runs[0]![0], input: runs[0]![1], status: 'SUCCEEDED' }]);
  });

  it('GIVEN a bad zip (path traversal) WHEN dropped THEN it moves to failed/ with its reason beside it, nothing is written to raw, and no execution starts', async () => {
    const { dir, runs, deps } = setup();
    const key = put(dir, 'readings.zip', zipOf({ '../escape.csv': CSV }));
    const etag = createHash('md5').update(readFileSync(path.join(stagingDir(dir), key))).digest('hex');
    const folder = path.join(stagingDir(dir), 'failed', 'readings.zip', etag);
    const result = await processLocalDrop(key, deps);
    expect(result).toMatchObject({ status: 'failed', failedKey: `failed/readings.zip/${etag}/readings.zip`, failure: { reason: 'unsafe-path' } });
    const reason = JSON.parse(readFileSync(path.join(folder, 'reason.json'), 'utf8')) as Record<string, unknown>;
    expect(reason).toMatchObject({ reason: 'unsafe-path', entry: '../escape.csv', archive: 's3://sensorlake-local-staging/in/readings.zip', entries: { seen: 1, written: 0, refused: 1 } });
    expect(existsSync(path.join(folder, 'readings.zip'))).toBe(true);
    expect(existsSync(path.join(dir, 'raw'))).toBe(false);
    expect(existsSync(path.join(stagingDir(dir), 'tmp'))).toBe(false);
    expect(runs).toStrictEqual([]);
    expect(await dropExecutions(dir)).toStrictEqual([]);
  });

  it('GIVEN the same zip put twice WHEN each is dropped THEN the second has the same execution name and starts none', async () => {
    const { dir, runs, deps } = setup();
    const zip = zipOf({ 'a.csv': CSV });
    const first = await processLocalDrop(put(dir, 'readings.zip', zip), deps);
    const second = await processLocalDrop(put(dir, 'readings.zip', zip), deps);
    expect(first.status).toBe('started');
    expect(second.status).toBe('already-started');
    expect(second).toMatchObject({ executionName: (first as { executionName: string }).executionName });
    expect(runs).toHaveLength(1);
    const third = await processLocalDrop(put(dir, 'readings.zip', zipOf({ 'a.csv': `${CSV}2010-05-09 00:00:10,hall,21.7\n` })), deps);
    expect(third.status).toBe('started');
    expect(runs).toHaveLength(2);
  });

  it('GIVEN a first drop whose run threw after the name was claimed WHEN the same zip is dropped again THEN the unfinished execution runs again and is recorded', async () => {
    const { dir, runs, deps } = setup();
    const zip = zipOf({ 'a.csv': CSV });
    const dying: LocalPipelineRun = async (name, input) => {
      runs.push([name, input]);
      throw new Error('the twin was stopped');
    };
    await expect(processLocalDrop(put(dir, 'readings.zip', zip), { ...deps, run: dying })).rejects.toThrow('the twin was stopped');
    expect(await dropExecutions(dir)).toMatchObject([{ name: runs[0]![0] }]);
    expect((await dropExecutions(dir))[0]!.status).toBeUndefined();
    const again = await processLocalDrop(put(dir, 'readings.zip', zip), deps);
    expect(again).toMatchObject({ status: 'started', executionName: runs[0]![0] });
    expect(runs.map(([name]) => name)).toStrictEqual([runs[0]![0], runs[0]![0]]);
    expect(await dropExecutions(dir)).toMatchObject([{ name: runs[0]![0], status: 'SUCCEEDED' }]);
  });

  it('GIVEN a claim left by a process that died during its run WHEN the same zip is dropped THEN it runs again; a claim whose run is still going is already-started', async () => {
    const { dir, runs, deps } = setup();
    const zip = zipOf({ 'a.csv': CSV });
    await processLocalDrop(put(dir, 'readings.zip', zip), deps);
    const [record] = await dropExecutions(dir);
    const file = path.join(dropExecutionsDir(dir), `${record!.name}.json`);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(file, JSON.stringify({ name: record!.name, input: record!.input, pid: dead }));
    expect(await processLocalDrop(put(dir, 'readings.zip', zip), deps)).toMatchObject({ status: 'started' });
    expect(runs).toHaveLength(2);
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)']);
    try {
      writeFileSync(file, JSON.stringify({ name: record!.name, input: record!.input, pid: alive.pid }));
      expect(await processLocalDrop(put(dir, 'readings.zip', zip), deps)).toMatchObject({ status: 'already-started' });
      expect(runs).toHaveLength(2);
    } finally {
      alive.kill();
    }
  });

  it.each([2, 8])('GIVEN a claim left by a dead process WHEN %i takers race to take it over THEN exactly one runs it and the others are already-started', async (takers) => {
    const { dir } = setup();
    const name = 'drop-readings-0123456789abcdef0123456789abcdef';
    mkdirSync(dropExecutionsDir(dir), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(dropExecutionsDir(dir), `${name}.json`), JSON.stringify({ name, input: {}, pid: dead }));
    // The run is held until every other taker has decided (or a second run began), so the takeovers overlap.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const runs: string[] = [];
    const run: LocalPipelineRun = async (n) => {
      runs.push(n);
      if (runs.length > 1) release();
      await held;
      return { status: 'SUCCEEDED' };
    };
    let settled = 0;
    const starts = Array.from({ length: takers }, () =>
      localPipelineStarter(dir, run)
        .start(name, '{}')
        .finally(() => ++settled === takers - 1 && release()),
    );
    const outcomes = await Promise.all(starts);
    expect(runs).toStrictEqual([name]);
    expect(outcomes.filter((o) => o === 'started')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already-started')).toHaveLength(takers - 1);
    expect(await dropExecutions(dir)).toStrictEqual([{ name, input: {}, status: 'SUCCEEDED' }]);
  });

  it('GIVEN a takeover whose taker died before rewriting the record WHEN the name is started again THEN the taker\'s claim is taken over in turn and runs once', async () => {
    const { dir } = setup();
    const name = 'drop-readings-0123456789abcdef0123456789abcdef';
    mkdirSync(dropExecutionsDir(dir), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(dropExecutionsDir(dir), `${name}.json`), JSON.stringify({ name, input: {}, pid: dead, claim: 'first' }));
    writeFileSync(path.join(dropExecutionsDir(dir), `${name}.first.takeover`), JSON.stringify({ name, input: {}, pid: dead, claim: 'second' }));
    const runs: string[] = [];
    const starter = localPipelineStarter(dir, async (n) => (runs.push(n), { status: 'SUCCEEDED' }));
    expect(await starter.start(name, '{}')).toBe('started');
    expect(existsSync(path.join(dropExecutionsDir(dir), `${name}.second.takeover`))).toBe(true);
    expect(await starter.start(name, '{}')).toBe('already-started');
    expect(runs).toStrictEqual([name]);
  });

  it('GIVEN a staged zip replaced after its drop was seen WHEN the store reads it with the ETag seen THEN ArchiveChangedError, as S3 answers If-Match with 412', async () => {
    const { dir } = setup();
    const key = put(dir, 'readings.zip', zipOf({ 'a.csv': CSV }));
    const seen = createHash('md5').update(readFileSync(path.join(stagingDir(dir), key))).digest('hex');
    const store = localDropStore(dir);
    expect(await store.size({ key, etag: seen })).toBeGreaterThan(0);
    put(dir, 'readings.zip', zipOf({ 'b.csv': CSV }));
    await expect(store.size({ key, etag: seen })).rejects.toBeInstanceOf(ArchiveChangedError);
    await expect(store.readRange({ key, etag: seen }, 0, 4)).rejects.toBeInstanceOf(ArchiveChangedError);
    await expect(store.remove({ key, etag: seen })).rejects.toBeInstanceOf(ArchiveChangedError);
    expect(existsSync(path.join(stagingDir(dir), key))).toBe(true);
  });
});

describe('the staging watcher', () => {
  it('GIVEN a zip written in two chunks WHEN the watcher looks between and after them THEN it reads it only once complete and stable, and drops it once', async () => {
    const { dir, runs, deps } = setup();
    const outcomes: string[] = [];
    const watch = watchStaging({ ...deps, pollMs: 3_600_000, onDrop: (key, r) => outcomes.push(`${key} ${r.status}`) });
    try {
      const zip = zipOf({ 'a.csv': CSV, 'b.csv': CSV });
      const file = path.join(stagingDir(dir), 'in', 'readings.zip');
      put(dir, 'readings.zip', zip.subarray(0, Math.floor(zip.length / 2)));
      await watch.poll();
      expect(outcomes).toStrictEqual([]);
      appendFileSync(file, zip.subarray(Math.floor(zip.length / 2)));
      await watch.poll();
      // The size changed since the last look: still being written.
      expect(outcomes).toStrictEqual([]);
      expect(readdirSync(stagingDir(dir))).toStrictEqual(['in']);
      await watch.poll();
      expect(outcomes).toStrictEqual(['in/readings.zip started']);
      await watch.poll();
      expect(outcomes).toHaveLength(1);
      expect(runs).toHaveLength(1);
      expect(readFileSync(path.join(dir, 'raw', 'readings', 'b.csv'), 'utf8')).toBe(CSV);
    } finally {
      await watch.stop();
    }
  });
});
