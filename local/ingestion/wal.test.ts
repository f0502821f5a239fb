import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalError } from './errors.js';
import { limitedDisk, removeTempDirs, tempDir } from './testing.js';
import { WriteAheadLog } from './wal.js';

afterAll(removeTempDirs);

describe('WriteAheadLog', () => {
  it('GIVEN entries appended and none checkpointed WHEN reopened THEN all are recovered in order with positions', () => {
    const dir = tempDir();
    const { wal } = WriteAheadLog.open(dir);
    expect(wal.append(['a', 'b'])).toStrictEqual({ segment: 1, consumed: 1 });
    expect(wal.append(['c'])).toStrictEqual({ segment: 1, consumed: 3 });
    wal.close();

    const reopened = WriteAheadLog.open(dir);
    expect(reopened.recovered).toStrictEqual([
      { line: 'a', position: { segment: 1, consumed: 1 } },
      { line: 'b', position: { segment: 1, consumed: 2 } },
      { line: 'c', position: { segment: 1, consumed: 3 } },
    ]);
    expect(reopened.checkpoint.counters).toBeUndefined();
    expect(reopened.wal.append(['d'])).toStrictEqual({ segment: 2, consumed: 1 });
  });

  it('recovers only what follows the checkpoint, and restores its counters', () => {
    const dir = tempDir();
    const { wal } = WriteAheadLog.open(dir);
    wal.append(['a', 'b', 'c']);
    wal.checkpoint({ segment: 1, consumed: 2 }, { landed: 2 });
    wal.close();
    const reopened = WriteAheadLog.open(dir);
    expect(reopened.recovered.map((e) => e.line)).toStrictEqual(['c']);
    expect(reopened.checkpoint).toStrictEqual({ position: { segment: 1, consumed: 2 }, counters: { landed: 2 } });
  });

  it('ignores a torn last line (the process died inside an append, before any acknowledgement)', () => {
    const dir = tempDir();
    const { wal } = WriteAheadLog.open(dir);
    wal.append(['a']);
    wal.close();
    appendFileSync(path.join(dir, 'segment-0000000001.ndjson'), '{"payl');
    const reopened = WriteAheadLog.open(dir);
    expect(reopened.recovered.map((e) => e.line)).toStrictEqual(['a']);
    expect(reopened.tornBytes).toBe(6);
  });

  it('deletes segments once the checkpoint has moved past them', () => {
    const dir = tempDir();
    const { wal } = WriteAheadLog.open(dir, { segmentBytes: 4 });
    wal.append(['first']);
    const second = wal.append(['second']);
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-'))).toHaveLength(2);
    wal.checkpoint(second, {});
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-'))).toStrictEqual(['segment-0000000002.ndjson']);
  });

  it('refuses a checkpoint that is not JSON, naming the file', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'checkpoint.json'), '{oops');
    expect(() => WriteAheadLog.open(dir)).toThrow(WalError);
    expect(() => WriteAheadLog.open(dir)).toThrow(/checkpoint\.json at byte 0: checkpoint is not JSON/);
  });

  it('refuses a checkpoint beyond the end of its segment', () => {
    const dir = tempDir();
    const { wal } = WriteAheadLog.open(dir);
    wal.append(['a']);
    wal.checkpoint({ segment: 1, consumed: 5 }, {});
    wal.close();
    expect(() => WriteAheadLog.open(dir)).toThrow(/checkpoint says 5 entries are consumed but the segment holds 1/);
  });

  it('GIVEN a disk that fills up inside an append WHEN the append throws ENOSPC THEN none of its lines is in the log, and appends resume when space returns', () => {
    const dir = tempDir();
    const disk = limitedDisk(9); // "a\nb\n", then "ccc\nd" of the next append
    const { wal } = WriteAheadLog.open(dir, { fs: disk });
    expect(wal.append(['a', 'b'])).toStrictEqual({ segment: 1, consumed: 1 });
    expect(() => wal.append(['ccc', 'dddd'])).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect(WriteAheadLog.open(dir).recovered.map((e) => e.line)).toStrictEqual(['a', 'b']);

    disk.free = Number.POSITIVE_INFINITY;
    expect(wal.append(['e'])).toStrictEqual({ segment: 1, consumed: 3 });
    wal.close();
    const reopened = WriteAheadLog.open(dir);
    expect(reopened.recovered.map((e) => e.line)).toStrictEqual(['a', 'b', 'e']);
    expect(reopened.tornBytes).toBe(0);
  });

  it('GIVEN a full disk WHEN a checkpoint is written THEN it throws ENOSPC and the previous checkpoint stays', () => {
    const dir = tempDir();
    const disk = limitedDisk(Number.POSITIVE_INFINITY);
    const { wal } = WriteAheadLog.open(dir, { fs: disk });
    wal.append(['a', 'b']);
    wal.checkpoint({ segment: 1, consumed: 1 }, { n: 1 });
    disk.free = 0;
    expect(() => wal.checkpoint({ segment: 1, consumed: 2 }, { n: 2 })).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    const reopened = WriteAheadLog.open(dir);
    expect(reopened.checkpoint).toStrictEqual({ position: { segment: 1, consumed: 1 }, counters: { n: 1 } });
    expect(reopened.recovered.map((e) => e.line)).toStrictEqual(['b']);
  });

  it('GIVEN entries appended over segments and some checkpointed WHEN counted THEN countPending gives the entries after the checkpoint, read from the files, and changes nothing', () => {
    const dir = tempDir();
    expect(WriteAheadLog.countPending(dir)).toBe(0);
    const { wal } = WriteAheadLog.open(dir, { segmentBytes: 1 });
    wal.append(['a', 'b']);
    wal.append(['c']);
    wal.append(['d', 'e']);
    expect(WriteAheadLog.countPending(dir)).toBe(5);
    wal.checkpoint({ segment: 2, consumed: 1 }, {});
    expect(WriteAheadLog.countPending(dir)).toBe(2);
    // A torn last line was never acknowledged: it is not counted.
    appendFileSync(path.join(dir, readdirSync(dir).filter((n) => n.startsWith('segment-')).sort().at(-1)!), '{"torn');
    expect(WriteAheadLog.countPending(dir)).toBe(2);
    wal.close();
    expect(WriteAheadLog.open(dir).recovered.map((e) => e.line)).toStrictEqual(['d', 'e']);
  });
});
