import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createDedupeWindow } from '../../core/ingestion/processor.js';
import { applyTopicRule, telemetryTopic } from '../../core/ingestion/definitions.js';
import { DeliveryStream, PROCESSING_FAILED } from './delivery-stream.js';
import type { BufferHints, DeliveryEntry } from './delivery-stream.js';
import { readRawZone } from './raw-zone.js';
import { limitedDisk, reading, removeTempDirs, silentLogger, tempDir, waitFor } from './testing.js';
import { DeliveryFailedError } from './errors.js';
import type { WalPosition } from './wal.js';

const HOUR = 3_600_000;
/** Every reading, ingest time and arrival of these tests: the processor compares event and ingest time only. */
const AT = Date.parse('2026-03-14T12:00:00.000Z');
const AT_ISO = new Date(AT).toISOString();

afterAll(removeTempDirs);

function entries(n: number, start = 0, payload = (seq: number) => reading('sensor-0001', seq, { ts: AT_ISO })): DeliveryEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const envelope = applyTopicRule({ topic: telemetryTopic('sensor-0001'), payload: Buffer.from(payload(start + i)), receivedAtMs: AT });
    return { envelope, raw: JSON.stringify(envelope), position: { segment: 1, consumed: start + i + 1 }, arrivalMs: AT };
  });
}

function stream(buffer: BufferHints, delivered: WalPosition[] = []) {
  const rawDir = tempDir();
  const s = new DeliveryStream({
    rawDir,
    streamName: 'sensorlake-test-telemetry',
    buffer,
    processor: { settings: { maxClockSkewSeconds: 300, maxLatenessHours: 72 }, dedupe: createDedupeWindow() },
    logger: silentLogger,
    onDelivered: (position) => delivered.push(position),
  });
  return { s, rawDir };
}

const OBJECT_NAME = /^sensorlake-test-telemetry-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.ndjson\.gz$/;

describe('DeliveryStream buffering', () => {
  it('GIVEN a size hint WHEN the buffer reaches it THEN it flushes without waiting for the interval', async () => {
    const one = entries(1)[0] as DeliveryEntry;
    const { s, rawDir } = stream({ sizeBytes: (one.raw.length + 1) * 10, intervalMs: HOUR });
    s.put(entries(9));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readRawZone(rawDir)).toHaveLength(0);
    expect(s.pending).toBe(9);

    s.put(entries(1, 9));
    await waitFor('the size-triggered flush', () => s.snapshot().landed === 10);
    expect(readRawZone(rawDir).flatMap((o) => o.records)).toHaveLength(10);
    expect(s.pending).toBe(0);
    await s.close();
  });

  it('GIVEN an interval hint WHEN the buffer stays below the size THEN it flushes once the interval has passed', async () => {
    const { s, rawDir } = stream({ sizeBytes: 1024 * 1024, intervalMs: 100 });
    s.put(entries(3));
    expect(s.pending).toBe(3);
    expect(readRawZone(rawDir)).toHaveLength(0);
    await waitFor('the interval-triggered flush', () => s.snapshot().landed === 3);
    expect(readRawZone(rawDir)).toHaveLength(1);
    await s.close();
  });

  it('flush() delivers a partial buffer at once, and reports the last WAL position', async () => {
    const delivered: WalPosition[] = [];
    const { s, rawDir } = stream({ sizeBytes: 1024 * 1024, intervalMs: HOUR }, delivered);
    s.put(entries(4));
    await s.flush();
    expect(s.pending).toBe(0);
    expect(readRawZone(rawDir).flatMap((o) => o.records)).toHaveLength(4);
    expect(delivered).toStrictEqual([{ segment: 1, consumed: 4 }]);
    await s.close();
  });
});

describe('DeliveryStream objects', () => {
  it('writes GZIP NDJSON under the raw-zone prefixes: telemetry by event date, quarantine by ingest date, with reasons', async () => {
    const { s, rawDir } = stream({ sizeBytes: 1024 * 1024, intervalMs: HOUR });
    const yesterday = new Date(AT - 24 * HOUR).toISOString();
    s.put([
      ...entries(2),
      ...entries(1, 2, (seq) => reading('sensor-0001', seq, { ts: yesterday })),
      ...entries(1, 3, () => '{"not json'),
      ...entries(1, 4, (seq) => reading('sensor-0001', seq, { ts: AT_ISO, temperature: 300 })),
    ]);
    await s.close();

    const today = '2026-03-14';
    const objects = readRawZone(rawDir);
    expect(objects.map((o) => o.key.split('/').slice(0, 2).join('/')).sort()).toStrictEqual(
      ['quarantine/dt=2026-03-14', 'telemetry/dt=2026-03-13', 'telemetry/dt=2026-03-14'],
    );
    for (const o of objects) expect(path.basename(o.key)).toMatch(OBJECT_NAME);

    const quarantine = objects.find((o) => o.zone === 'quarantine');
    expect(quarantine?.records.map((r) => (r as { reason: string }).reason).sort()).toStrictEqual(['malformed-json', 'out-of-range']);
    expect(s.snapshot()).toStrictEqual({
      landed: 3,
      quarantined: 2,
      quarantinedByReason: { 'malformed-json': 1, 'out-of-range': 1 },
      objectsWritten: 3,
    });

    const file = path.join(rawDir, ...(objects.find((o) => o.key.startsWith(`telemetry/dt=${today}`))?.key.split('/') ?? []));
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toStrictEqual([0, 1]);
  });

  it('writes records the processor cannot read under errors/processing-failed/ with the reason and the raw data', async () => {
    const { s, rawDir } = stream({ sizeBytes: 1024 * 1024, intervalMs: HOUR });
    s.put([{ envelope: undefined, raw: 'garbage in the log', position: { segment: 1, consumed: 1 }, arrivalMs: AT }, ...entries(1, 1)]);
    await s.close();

    const errors = readRawZone(rawDir).filter((o) => o.zone === 'errors');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.key).toMatch(/^errors\/processing-failed\/dt=\d{4}-\d{2}-\d{2}\//);
    const record = errors[0]?.records[0] as { errorCode: string; errorMessage: string; rawData: string };
    expect(record.errorCode).toBe('Lambda.ProcessingFailed');
    expect(record.errorMessage).toContain('write-ahead log line is not a rule envelope: garbage in the log');
    expect(Buffer.from(record.rawData, 'base64').toString()).toBe('garbage in the log');
    expect(s.snapshot().quarantinedByReason).toStrictEqual({ [PROCESSING_FAILED]: 1 });
    expect(s.snapshot().landed).toBe(1);
  });

  it('leaves no temporary files behind', async () => {
    const { s, rawDir } = stream({ sizeBytes: 1024 * 1024, intervalMs: HOUR });
    s.put(entries(5));
    await s.close();
    const files = readdirSync(rawDir, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.tmp'))).toStrictEqual([]);
    expect(files.filter((f) => f.endsWith('.ndjson.gz'))).toHaveLength(1);
  });
});

describe('DeliveryStream on a full disk', () => {
  it('GIVEN a disk with no space WHEN a batch is flushed THEN it fails after its bounded attempts naming ENOSPC, delivers nothing, and keeps the records pending', async () => {
    const rawDir = tempDir();
    const delivered: WalPosition[] = [];
    const failures: DeliveryFailedError[] = [];
    const s = new DeliveryStream({
      rawDir,
      streamName: 'sensorlake-test-telemetry',
      buffer: { sizeBytes: 1024 * 1024, intervalMs: HOUR },
      processor: { settings: { maxClockSkewSeconds: 300, maxLatenessHours: 72 }, dedupe: createDedupeWindow() },
      logger: silentLogger,
      fs: limitedDisk(0),
      maxAttempts: 3,
      retryBaseMs: 1,
      onDelivered: (position) => delivered.push(position),
      onFailed: (error) => failures.push(error),
    });
    s.put(entries(5));
    const error = await s.flush().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ code: 'ENOSPC', attempts: 3, records: 5 });
    expect((error as Error).message).toContain('disk full, ENOSPC');
    expect(failures).toHaveLength(1);
    expect(delivered).toStrictEqual([]);
    expect(s.pending).toBe(5);
    expect(readRawZone(rawDir)).toStrictEqual([]);
    await expect(s.close()).rejects.toBe(error);
  });

  it('GIVEN a disk that frees space before the last attempt WHEN flushed THEN the batch is delivered', async () => {
    const rawDir = tempDir();
    const disk = limitedDisk(0);
    const s = new DeliveryStream({
      rawDir,
      streamName: 'sensorlake-test-telemetry',
      buffer: { sizeBytes: 1024 * 1024, intervalMs: HOUR },
      processor: { settings: { maxClockSkewSeconds: 300, maxLatenessHours: 72 }, dedupe: createDedupeWindow() },
      logger: { ...silentLogger, error: () => (disk.free = Number.POSITIVE_INFINITY) } as unknown as typeof silentLogger,
      fs: disk,
      maxAttempts: 3,
      retryBaseMs: 1,
    });
    s.put(entries(5));
    await s.flush();
    expect(s.snapshot()).toMatchObject({ landed: 5, objectsWritten: 1 });
  });
});

