import { describe, expect, it } from 'vitest';
import {
  EXECUTION_NAME_MAX,
  RESERVED_RAW_FOLDERS,
  executionName,
  processArchiveDrop,
  s3EventKey,
  tableListProblems,
  tableOfKey,
  unsafePathProblem,
  type ArchiveDropResult,
  type ArchiveFailureReason,
} from './archive-drop.js';
import { MemoryDropStore, MemoryPipeline, TEST_LIMITS, incompressible, withCentralRecord, withDeclaredSize, withDiskNumber, withLocalNameByte, zipOf } from './archive-drop.testing.js';

const BUCKET = 'staging-bucket';
const TABLES = ['readings', 'rooms'];

async function drop(archive: Uint8Array, key = 'in/readings.zip', etag = '"e1"') {
  const store = new MemoryDropStore();
  const pipeline = new MemoryPipeline();
  store.staged.set(key, archive);
  const result = await processArchiveDrop({ bucket: BUCKET, key, etag }, { store, pipeline, limits: TEST_LIMITS, tables: TABLES });
  return { store, pipeline, result };
}

function expectCountsAddUp(result: ArchiveDropResult): void {
  const { seen, written, refused, directories } = result.entries;
  expect(written + refused + directories).toBe(seen);
}

/** The archive with entry `index`'s CRC-32 in the central directory off by one bit: that entry fails as it ends. */
const withBadCrc = (archive: Uint8Array, index: number) => withCentralRecord(archive, index, (v, at) => v.setUint32(at + 16, (v.getUint32(at + 16, true) ^ 1) >>> 0, true));

const SYMLINK = { os: 3, attrs: (0o120777 << 16) >>> 0 };

describe('processArchiveDrop', () => {
  it('GIVEN a good zip WHEN dropped THEN every file lands under <table>/, the pipeline starts once and the archive is removed', async () => {
    const archive = zipOf({ 'a.csv': 'x,y\n1,2\n', 'dt=2026-01-01/b.ndjson': '{"a":1}\n', 'dir/': new Uint8Array(0), 'dir/c.csv': 'c\n' });
    const { store, pipeline, result } = await drop(archive);

    expect(result.status).toBe('started');
    expect(result.entries).toEqual({ seen: 4, written: 3, refused: 0, directories: 1 });
    expect([...store.raw.keys()].sort()).toEqual(['readings/a.csv', 'readings/dir/c.csv', 'readings/dt=2026-01-01/b.ndjson']);
    expect(new TextDecoder().decode(store.raw.get('readings/a.csv'))).toBe('x,y\n1,2\n');
    expect(result.bytesWritten).toBe(8 + 8 + 2);
    expect([...pipeline.executions.entries()]).toEqual([
      [executionName({ bucket: BUCKET, key: 'in/readings.zip', etag: '"e1"' }, 'readings'),
        JSON.stringify({ trigger: 'archive-drop', table: 'readings', archive: `s3://${BUCKET}/in/readings.zip`, rawPrefix: 'readings/', entries: 3 })],
    ]);
    expect(store.removed).toEqual(['in/readings.zip']);
    expect(store.failed.size).toBe(0);
    expect(store.temporary.size).toBe(0);
  });

  it('GIVEN a stored (uncompressed) zip read in 7-byte chunks WHEN dropped THEN entries spanning chunks are whole', async () => {
    const store = new MemoryDropStore(7);
    const body = incompressible(10_000);
    store.staged.set('in/rooms.zip', zipOf({ 'r.parquet': body, 's.txt': 'hello' }, 0));
    const result = await processArchiveDrop({ bucket: BUCKET, key: 'in/rooms.zip', etag: '"e1"' }, { store, pipeline: new MemoryPipeline(), limits: TEST_LIMITS, tables: TABLES });
    expect(result.status).toBe('started');
    expect(Buffer.from(store.raw.get('rooms/r.parquet')!)).toEqual(Buffer.from(body));
    expect(new TextDecoder().decode(store.raw.get('rooms/s.txt'))).toBe('hello');
  });

  it('GIVEN the same drop delivered twice WHEN processed THEN the second start is counted as already started, not an error', async () => {
    const store = new MemoryDropStore();
    const pipeline = new MemoryPipeline();
    const archive = zipOf({ 'a.csv': '1\n' });
    const deps = { store, pipeline, limits: TEST_LIMITS, tables: TABLES };
    store.staged.set('in/readings.zip', archive);
    const first = await processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip', versionId: 'v1' }, deps);
    store.staged.set('in/readings.zip', archive);
    const second = await processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip', versionId: 'v1' }, deps);

    expect(first.status).toBe('started');
    expect(second.status).toBe('already-started');
    expect(pipeline.executions.size).toBe(1);
  });

  it('GIVEN a drop already processed and removed WHEN its event is retried THEN it is gone, nothing is written or started', async () => {
    const store = new MemoryDropStore();
    const pipeline = new MemoryPipeline();
    const result = await processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip' }, { store, pipeline, limits: TEST_LIMITS, tables: TABLES });
    expect(result).toEqual({ status: 'gone', entries: { seen: 0, written: 0, refused: 0, directories: 0 }, bytesWritten: 0 });
    expect(pipeline.executions.size).toBe(0);
  });

  const zeros = new Uint8Array(4 * 1024 * 1024);
  const refusals: [string, () => Uint8Array, ArchiveFailureReason, string?][] = [
    ['random bytes (not a zip)', () => incompressible(5000), 'not-a-zip'],
    ['a zip cut short', () => zipOf({ 'a.csv': 'a\n' }).slice(0, 40), 'not-a-zip'],
    ['a stored entry with a flipped data byte', () => { const z = zipOf({ 'a.csv': 'abcdef\n' }, 0); z[30 + 'a.csv'.length + 2]! ^= 0xff; return z; }, 'crc-mismatch', 'a.csv'],
    ['a deflated entry overwritten with garbage', () => { const z = zipOf({ 'a.csv': 'abc'.repeat(1000) }); z.set(incompressible(20, 7), 30 + 'a.csv'.length); return z; }, 'corrupt', 'a.csv'],
    ['a zip bomb (one entry, ratio ~1000)', () => zipOf({ 'bomb.csv': zeros }), 'compression-ratio', 'bomb.csv'],
    ['entries over the total size', () => zipOf({ 'a.parquet': incompressible(3_000_000, 1), 'b.parquet': incompressible(3_000_000, 2), 'c.parquet': incompressible(3_000_000, 3) }, 0), 'total-too-large'],
    ['an entry over the entry size', () => zipOf({ 'a.parquet': incompressible(7_000_000) }, 0), 'entry-too-large', 'a.parquet'],
    ['a ../ path', () => zipOf({ '../x.csv': 'a\n' }), 'unsafe-path', '../x.csv'],
    ['a nested ../ path', () => zipOf({ 'ok/../../x.csv': 'a\n' }), 'unsafe-path', 'ok/../../x.csv'],
    ['an absolute path', () => zipOf({ '/abs.csv': 'a\n' }), 'unsafe-path', '/abs.csv'],
    ['a backslash', () => zipOf({ 'a\\b.csv': 'a\n' }), 'unsafe-path', 'a\\b.csv'],
    ['a symlink entry', () => zipOf({ 'link.csv': [new TextEncoder().encode('/etc/passwd'), SYMLINK] }), 'symlink', 'link.csv'],
    ['a disallowed extension', () => zipOf({ 'run.sh': 'rm -rf /\n' }), 'extension-not-allowed', 'run.sh'],
    ['too many entries', () => zipOf(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}.csv`, `${i}\n`]))), 'too-many-entries'],
    ['only directories', () => zipOf({ 'd/': new Uint8Array(0) }), 'empty-archive'],
    ['a header declaring less than the entry holds', () => withDeclaredSize(zipOf({ 'a.csv': 'ok\n', 'b.csv': 'x'.repeat(500) }), 1, 10), 'size-mismatch', 'b.csv'],
    ['a name twice in the directory', () => withCentralRecord(zipOf({ 'a.csv': '1\n', 'b.csv': '2\n' }), 1, (v, at) => v.setUint8(at + 46, 'a'.charCodeAt(0))), 'duplicate-entry', 'a.csv'],
    ['an encrypted entry', () => withCentralRecord(zipOf({ 'a.csv': '1\n' }), 0, (v, at) => v.setUint16(at + 8, v.getUint16(at + 8, true) | 0x1, true)), 'encrypted-entry', 'a.csv'],
    ['an entry compressed with bzip2 (method 12)', () => withCentralRecord(zipOf({ 'a.csv': '1\n' }), 0, (v, at) => v.setUint16(at + 10, 12, true)), 'unsupported-compression', 'a.csv'],
    ['sizes deferred to ZIP64', () => withDeclaredSize(zipOf({ 'a.csv': '1\n' }), 0, 0xffffffff), 'zip64-unsupported'],
    ['a multi-disk archive', () => withDiskNumber(zipOf({ 'a.csv': '1\n' }), 1), 'corrupt'],
    ['its only file marked a directory (DOS attribute)', () => withCentralRecord(zipOf({ 'a.csv': '1\n' }), 0, (v, at) => v.setUint32(at + 38, v.getUint32(at + 38, true) | 0x10, true)), 'empty-archive'],
    ['a local header naming another entry than the directory', () => withLocalNameByte(zipOf({ 'a.csv': '1\n', 'b.csv': '2\n' }), 1, 'c'), 'corrupt', 'c.csv'],
  ];

  describe.each(refusals)('GIVEN %s', (_title, build, reason, entry) => {
    it(`WHEN dropped THEN it moves to failed/ with reason ${reason}, the pipeline does not start, and the counts add up`, async () => {
      const { store, pipeline, result } = await drop(build());
      expect(result.status).toBe('failed');
      if (result.status !== 'failed') return;
      expect(result.failure.reason).toBe(reason);
      expect(result.failure.entry).toBe(entry);
      expect(result.failedKey).toBe('failed/readings.zip/e1/readings.zip');
      const moved = store.failed.get('failed/readings.zip/e1/readings.zip');
      expect(moved?.reason).toMatchObject({ reason, archive: `s3://${BUCKET}/in/readings.zip`, etag: '"e1"', entries: result.entries });
      expect(moved?.reason.detail).toBe(result.failure.detail);
      expect(store.staged.size).toBe(0);
      expect(store.raw.size).toBe(0);
      expect(store.temporary.size).toBe(0);
      expect(pipeline.executions.size).toBe(0);
      expectCountsAddUp(result);
    });
  });

  it('GIVEN a lying second entry WHEN dropped THEN neither is written: the first, extracted, is discarded with the archive', async () => {
    const { store, result } = await drop(withDeclaredSize(zipOf({ 'a.csv': 'ok\n', 'b.csv': 'x'.repeat(500) }), 1, 10));
    expect(result.entries).toEqual({ seen: 2, written: 0, refused: 2, directories: 0 });
    expect(store.raw.size).toBe(0);
    expect(store.temporary.size).toBe(0);
  });

  it('GIVEN an archive whose last entry has a bad CRC WHEN dropped THEN nothing stays in raw, not even the good entries before it', async () => {
    const archive = withBadCrc(zipOf({ 'a.csv': 'first\n', 'b.csv': 'second\n', 'c.csv': 'third\n' }), 2);
    const { store, pipeline, result } = await drop(archive);
    expect(result.status === 'failed' && result.failure).toMatchObject({ reason: 'crc-mismatch', entry: 'c.csv' });
    expect(result.entries).toEqual({ seen: 3, written: 0, refused: 3, directories: 0 });
    expect(result.bytesWritten).toBe(0);
    expect(store.raw.size).toBe(0);
    expect(store.temporary.size).toBe(0);
    expect(pipeline.executions.size).toBe(0);
  });

  it('GIVEN a raw file of an earlier drop WHEN a later archive with the same entry fails its CRC THEN the earlier file is untouched', async () => {
    const broken = withBadCrc(zipOf({ 'a.csv': 'new\n', 'b.csv': 'abcdef\n' }), 1);
    const store = new MemoryDropStore();
    store.raw.set('readings/a.csv', new TextEncoder().encode('earlier\n'));
    store.staged.set('in/readings.zip', broken);
    const result = await processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip', etag: '"e1"' }, { store, pipeline: new MemoryPipeline(), limits: TEST_LIMITS, tables: TABLES });
    expect(result.status === 'failed' && result.failure.reason).toBe('crc-mismatch');
    expect(new TextDecoder().decode(store.raw.get('readings/a.csv'))).toBe('earlier\n');
  });

  it('GIVEN the same archive name refused twice (two uploads) WHEN dropped THEN both refusals are kept, each with its reason', async () => {
    const store = new MemoryDropStore();
    const deps = { store, pipeline: new MemoryPipeline(), limits: TEST_LIMITS, tables: TABLES };
    store.staged.set('in/readings.zip', zipOf({ '../x.csv': '1\n' }));
    const first = await processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip', etag: '"e1"' }, deps);
    store.staged.set('in/readings.zip', zipOf({ 'run.sh': '2\n' }));
    store.etags.set('in/readings.zip', '"e2"');
    const second = await processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip', etag: '"e2"', versionId: 'v2' }, deps);
    expect([first, second].map((r) => r.status === 'failed' && r.failedKey)).toStrictEqual(['failed/readings.zip/e1/readings.zip', 'failed/readings.zip/v2/readings.zip']);
    expect([...store.failed.entries()].map(([key, f]) => [key, f.reasonKey, f.reason.reason])).toStrictEqual([
      ['failed/readings.zip/e1/readings.zip', 'failed/readings.zip/e1/reason.json', 'unsafe-path'],
      ['failed/readings.zip/v2/readings.zip', 'failed/readings.zip/v2/reason.json', 'extension-not-allowed'],
    ]);
  });

  it('GIVEN the object replaced between its event and the read WHEN dropped THEN the drop is refused as changed: nothing written, moved or started, the new object left for its own event', async () => {
    const store = new MemoryDropStore();
    const pipeline = new MemoryPipeline();
    store.staged.set('in/readings.zip', zipOf({ 'a.csv': 'new\n' }));
    store.etags.set('in/readings.zip', '"e2"');
    const result = await processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip', etag: '"e1"' }, { store, pipeline, limits: TEST_LIMITS, tables: TABLES });
    expect(result).toMatchObject({ status: 'changed', detail: `s3://${BUCKET}/in/readings.zip no longer has the ETag "e1" of its event` });
    expectCountsAddUp(result);
    expect(store.raw.size + store.temporary.size + store.failed.size + pipeline.executions.size).toBe(0);
    expect(store.staged.has('in/readings.zip')).toBe(true);
  });

  it('GIVEN the object replaced while it is extracted WHEN dropped THEN it is refused as changed and what was extracted is discarded', async () => {
    const store = new MemoryDropStore(64);
    const pipeline = new MemoryPipeline();
    store.staged.set('in/readings.zip', zipOf({ 'a.parquet': incompressible(300, 1), 'b.parquet': incompressible(300, 2) }, 0));
    store.afterChunk = (n) => {
      if (n === 6) store.etags.set('in/readings.zip', '"e2"');
    };
    const result = await processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip', etag: '"e1"' }, { store, pipeline, limits: TEST_LIMITS, tables: TABLES });
    expect(result.status).toBe('changed');
    expect(store.raw.size + store.temporary.size + pipeline.executions.size).toBe(0);
  });

  it('GIVEN a security refusal WHEN dropped THEN nothing at all is written (the directory is checked first)', async () => {
    const { store, result } = await drop(zipOf({ 'a.csv': 'fine\n', 'b.csv': 'fine\n', '../evil.csv': 'x\n' }));
    expect(result.entries).toEqual({ seen: 3, written: 0, refused: 3, directories: 0 });
    expect(store.raw.size).toBe(0);
  });

  it.each([
    ['in/unknown.zip', 'unknown-table'],
    ['in/Readings.zip', 'bad-archive-name'],
    ['in/sub/readings.zip', 'bad-archive-name'],
    ['in/readings.tar', 'bad-archive-name'],
  ] as const)('GIVEN the key %s WHEN dropped THEN it is refused as %s before it is read', async (key, reason) => {
    const { result, store } = await drop(zipOf({ 'a.csv': '1\n' }), key);
    expect(result.status === 'failed' && result.failure.reason).toBe(reason);
    expect(result.entries).toEqual({ seen: 0, written: 0, refused: 0, directories: 0 });
    const name = key.split('/').pop()!;
    expect(store.failed.has(`failed/${name}/e1/${name}`)).toBe(true);
  });

  it('GIVEN an S3 write that fails WHEN dropped THEN the error propagates (Lambda retries) and the archive stays staged', async () => {
    const store = new MemoryDropStore();
    store.staged.set('in/readings.zip', zipOf({ 'a.csv': '1\n' }));
    store.writeTemporary = () => Promise.reject(new Error('SlowDown'));
    await expect(processArchiveDrop({ bucket: BUCKET, key: 'in/readings.zip' }, { store, pipeline: new MemoryPipeline(), limits: TEST_LIMITS, tables: TABLES })).rejects.toThrow('SlowDown');
    expect(store.staged.has('in/readings.zip')).toBe(true);
    expect(store.failed.size).toBe(0);
  });
});

describe('executionName', () => {
  const base = { bucket: 'b', key: 'in/readings.zip', etag: '"abc"' };
  it('GIVEN the same object twice WHEN named THEN the names are equal; another ETag or version gives another name', () => {
    expect(executionName(base, 'readings')).toBe(executionName({ ...base }, 'readings'));
    expect(executionName({ ...base, etag: '"abd"' }, 'readings')).not.toBe(executionName(base, 'readings'));
    expect(executionName({ ...base, versionId: 'v2' }, 'readings')).not.toBe(executionName(base, 'readings'));
    expect(executionName({ ...base, bucket: 'c' }, 'readings')).not.toBe(executionName(base, 'readings'));
  });

  it('GIVEN the longest table name WHEN named THEN the name fits Step Functions (80 characters of [A-Za-z0-9_-])', () => {
    const name = executionName(base, 'a'.repeat(40));
    expect(name.length).toBeLessThanOrEqual(EXECUTION_NAME_MAX);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});

describe('unsafePathProblem', () => {
  describe.each([
    ['a.csv', undefined],
    ['dt=2026-01-01/part-0.parquet', undefined],
    ['dir/', undefined],
    ['../x', 'has a ".." segment'],
    ['a/./b.csv', 'has a "." segment'],
    ['/abs', 'is an absolute path'],
    ['a\\b', 'contains a backslash'],
    ['C:x.csv', 'starts with a drive letter'],
    ['a//b.csv', 'has an empty segment'],
    ['a b.csv', 'has a segment "a b.csv" outside [A-Za-z0-9_=.-]'],
    ['é.csv', 'has a segment "é.csv" outside [A-Za-z0-9_=.-]'],
    [`${'a/'.repeat(460)}x.csv`, 'is longer than 900 bytes'],
  ])('GIVEN %j', (name, problem) => {
    it(`THEN ${problem ?? 'it is safe'}`, () => expect(unsafePathProblem(name)).toBe(problem));
  });
});

describe('drop tables and keys', () => {
  it.each([
    [['readings'], []],
    [[], ['at least one table']],
    [['Readings'], ['table "Readings" matching ^[a-z][a-z0-9_]{0,39}$']],
    [['telemetry'], [`table "telemetry" not a reserved raw folder (${RESERVED_RAW_FOLDERS.join(', ')})`]],
    [['a', 'a'], ['table "a" listed once']],
  ])('GIVEN the tables %j THEN the problems are %j', (tables, problems) => expect(tableListProblems(tables)).toEqual(problems));

  it('GIVEN the raw zone THEN its own folders are reserved (telemetry, quarantine, errors, rule-errors, the imports)', () => {
    expect(RESERVED_RAW_FOLDERS).toEqual(expect.arrayContaining(['telemetry', 'quarantine', 'errors', 'rule-errors', 'historical', 'database']));
  });

  it('GIVEN a key of an allowed table THEN its table is read', () => expect(tableOfKey('in/rooms.zip', TABLES)).toEqual({ table: 'rooms' }));

  it('GIVEN an S3 event key THEN it is decoded as S3 encodes it', () => expect(s3EventKey('in/my+file%3D1.zip')).toBe('in/my file=1.zip'));
});
