import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, ConfigErrors } from '../../core/errors.js';
import { applyTopicRule, expandPrefix, MAX_TELEMETRY_PAYLOAD_BYTES, RAW_ZONE, telemetryTopic } from '../../core/ingestion/definitions.js';
import { LAMBDA_LOG_LEVEL, PROCESSOR_ENV } from '../../core/ingestion/processor-env.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, createHandler, lambdaLogger, readHandlerSettings } from './handler.js';
import type { FirehoseTransformationEvent } from './handler.js';

const silent = pino({ level: 'silent' });
const now = Date.parse('2026-11-22T10:00:05.000Z');

function ruleRecord(recordId: string, device: string, payload: string | object) {
  const envelope = applyTopicRule({
    topic: telemetryTopic(device),
    payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    receivedAtMs: now,
  });
  return {
    recordId,
    approximateArrivalTimestamp: now + 20,
    data: Buffer.from(JSON.stringify(envelope)).toString('base64'),
  };
}

const reading = (seq: number) => ({
  device_id: 'sensor-0001',
  room_id: 'room-1',
  ts: '2026-11-22T10:00:00.000Z',
  seq,
  temperature: 21,
  humidity: 40,
  pressure: 1013,
});

const event: FirehoseTransformationEvent = {
  invocationId: 'c6d1a4e7-2b1f-4e0d-9a3b-6f7d2b0b9f11',
  deliveryStreamArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/sensorlake-dev-raw',
  region: 'eu-west-1',
  records: [
    ruleRecord('49546986683135544286507457936321625675700192471156785154', 'sensor-0001', reading(1)),
    ruleRecord('49546986683135544286507457936321625675700192471156785155', 'sensor-0001', '{"ts": 12'),
    ruleRecord('49546986683135544286507457936321625675700192471156785156', 'sensor-0001', reading(1)),
    {
      recordId: '49546986683135544286507457936321625675700192471156785157',
      approximateArrivalTimestamp: now,
      data: Buffer.from('this is not an envelope').toString('base64'),
    },
  ],
};

describe('createHandler', () => {
  it('GIVEN a realistic Firehose event THEN each record gets exactly one result with its partition keys', async () => {
    const handle = createHandler({ ...readHandlerSettings({}), logLevel: 'error' }, silent);
    const result = await handle(event);

    expect(result.records.map((r) => r.recordId)).toStrictEqual(event.records.map((r) => r.recordId));
    expect(result.records.map((r) => r.result)).toStrictEqual(['Ok', 'Ok', 'Ok', 'ProcessingFailed']);
    const lines = result.records.slice(0, 3).map((r) => Buffer.from(r.data, 'base64').toString('utf8'));
    for (const line of lines) expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] as string)).toStrictEqual({
      ...reading(1),
      pitch: null,
      roll: null,
      yaw: null,
      profile: 'sensorlake',
      ingest_ts: '2026-11-22T10:00:05.000Z',
    });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ reason: 'malformed-json', device_id: 'sensor-0001' });
    expect(JSON.parse(lines[2] as string)).toMatchObject({ reason: 'duplicate', detail: 'device "sensor-0001" already sent seq 1 stamped 2026-11-22T10:00:00.000Z' });
    expect(result.records.map((r) => r.metadata?.partitionKeys)).toStrictEqual([
      { zone: 'telemetry', dt: '2026-11-22' },
      { zone: 'quarantine', dt: '2026-11-22' },
      { zone: 'quarantine', dt: '2026-11-22' },
      undefined,
    ]);
    expect(result.records[3]?.data).toBe(event.records[3]?.data);
    const keys = result.records[0]?.metadata?.partitionKeys;
    expect(expandPrefix(RAW_ZONE.prefix, { arrivalMs: now, partitionKeys: keys })).toBe('telemetry/dt=2026-11-22/');
  });

  it('GIVEN a batch of accepted, quarantined (two reasons) and ProcessingFailed records THEN the "batch processed" log line counts each outcome', async () => {
    const lines: string[] = [];
    const captured = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const handle = createHandler(readHandlerSettings({}), captured);
    const batch: FirehoseTransformationEvent = {
      ...event,
      records: [
        ...event.records,
        ruleRecord('49546986683135544286507457936321625675700192471156785158', 'sensor-0001', reading(2)),
        ruleRecord('49546986683135544286507457936321625675700192471156785159', 'sensor-0001', 'not json either'),
      ],
    };
    const result = await handle(batch);

    expect(result.records.map((r) => r.result)).toStrictEqual(['Ok', 'Ok', 'Ok', 'ProcessingFailed', 'Ok', 'Ok']);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const summaries = logged.filter((entry) => entry.msg === 'batch processed');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      level: 30,
      invocationId: batch.invocationId,
      records: 6,
      accepted: 2,
      processingFailed: 1,
    });
    expect(summaries[0]?.quarantined).toStrictEqual({ 'malformed-json': 2, duplicate: 1 });
    expect(logged.filter((entry) => entry.msg === 'record is not a rule envelope: ProcessingFailed').map((entry) => entry.recordId)).toStrictEqual([
      batch.records[3]?.recordId,
    ]);
  });

  it('quarantines unknown devices only when SENSORLAKE_KNOWN_DEVICES is set', async () => {
    const single = { ...event, records: [ruleRecord('1', 'sensor-0001', reading(1))] };
    const open = createHandler(readHandlerSettings({}), silent);
    const closed = createHandler(readHandlerSettings({ [PROCESSOR_ENV.knownDevices]: 'sensor-0002, sensor-0003' }), silent);
    const line = async (h: typeof open) => JSON.parse(Buffer.from((await h(single)).records[0]?.data ?? '', 'base64').toString());
    expect((await line(open)).profile).toBe('sensorlake');
    expect((await line(closed)).reason).toBe('unknown-device');
  });
});

describe('a failed invocation retried in the same container', () => {
  it('GIVEN an invocation that throws after processing WHEN Firehose retries the same records THEN they are accepted, not duplicates', async () => {
    let failNext = true;
    const flaky = pino({ level: 'info' }, {
      write: (line: string) => {
        if (failNext && line.includes('batch processed')) {
          failNext = false;
          throw new Error('log sink down');
        }
      },
    });
    const handle = createHandler(readHandlerSettings({}), flaky);
    const batch = { ...event, records: [ruleRecord('1', 'sensor-0001', reading(1)), ruleRecord('2', 'sensor-0001', reading(2))] };
    const outcomes = async () =>
      (await handle(batch)).records.map((r) => {
        const line = JSON.parse(Buffer.from(r.data, 'base64').toString()) as Record<string, unknown>;
        return line.profile ?? line.reason;
      });

    await expect(handle(batch)).rejects.toThrow('log sink down');
    expect(await outcomes()).toStrictEqual(['sensorlake', 'sensorlake']);
    // The retry returned: now its seqs are delivered, and a redelivery is a duplicate.
    expect(await outcomes()).toStrictEqual(['duplicate', 'duplicate']);
  });
});

describe('a response over Lambda\'s 6 MB synchronous response limit', () => {
  it('GIVEN a batch whose response would exceed the limit THEN the invocation fails naming the size, and its seqs stay uncommitted', async () => {
    const lines: string[] = [];
    const handle = createHandler(readHandlerSettings({}), lambdaLogger('info', { write: (line: string) => lines.push(line) }));
    const oversize = { ...reading(2), pad: 'x'.repeat(MAX_TELEMETRY_PAYLOAD_BYTES) };
    const records = [ruleRecord('0', 'sensor-0001', reading(1)), ...Array.from({ length: 240 }, (_, i) => ruleRecord(String(i + 1), 'sensor-0001', oversize))];
    await expect(handle({ ...event, records })).rejects.toThrow(
      new RegExp(`^response of \\d+ bytes for ${records.length} records exceeds Lambda's synchronous response limit of ${LAMBDA_RESPONSE_LIMIT_BYTES} bytes`),
    );
    expect(lines.some((line) => line.includes('"level":"ERROR"') && line.includes('response too large'))).toBe(true);
    const single = async () => {
      const [result] = (await handle({ ...event, records: [ruleRecord('9', 'sensor-0001', reading(1))] })).records;
      return (JSON.parse(Buffer.from(result!.data, 'base64').toString()) as Record<string, unknown>).profile ?? 'quarantined';
    };
    expect(await single()).toBe('sensorlake');
    expect(await single()).toBe('quarantined');
  });

  it('the limit is Lambda\'s 6 MB (6 MiB) synchronous payload quota', () => {
    expect(LAMBDA_RESPONSE_LIMIT_BYTES).toBe(6 * 1024 * 1024);
  });
});

describe('lambdaLogger (what Lambda JSON log-level filtering reads)', () => {
  const capture = (level: 'debug' | 'info' | 'warn' | 'error') => {
    const lines: Record<string, unknown>[] = [];
    const log = lambdaLogger(level, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    return { log, lines };
  };

  it('GIVEN the handler logging through it THEN each line has an upper-case level name and an RFC 3339 timestamp', async () => {
    const { log, lines } = capture('info');
    await createHandler(readHandlerSettings({}), log)(event);
    expect(lines.map((l) => [l.level, l.msg])).toStrictEqual([
      ['WARN', 'record is not a rule envelope: ProcessingFailed'],
      ['INFO', 'batch processed'],
    ]);
    for (const line of lines) {
      expect(line.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Number.isFinite(Date.parse(line.timestamp as string))).toBe(true);
      expect(line).not.toHaveProperty('time');
      expect(line.fn).toBe('telemetry-processor');
    }
  });

  it.each([
    ['debug', 'DEBUG'],
    ['info', 'INFO'],
    ['warn', 'WARN'],
    ['error', 'ERROR'],
  ] as const)('GIVEN level %s THEN a line at that level says %s, and lines below it are not written', (level, name) => {
    const { log, lines } = capture(level);
    log[level]('at the level');
    log.trace('below every level');
    expect(lines.map((l) => [l.level, l.msg])).toStrictEqual([[name, 'at the level']]);
  });

  it('maps every pino level to a Lambda level name', () => {
    expect(Object.keys(pino.levels.values).sort()).toStrictEqual(Object.keys(LAMBDA_LOG_LEVEL).sort());
  });
});

describe('readHandlerSettings', () => {
  it('uses the sensorlake defaults when nothing is set', () => {
    expect(readHandlerSettings({})).toStrictEqual({ maxClockSkewSeconds: 300, maxLatenessHours: 72, logLevel: 'info', dedupePerDevice: 4096 });
  });

  it('reads every variable', () => {
    expect(
      readHandlerSettings({
        SENSORLAKE_MAX_CLOCK_SKEW_SECONDS: '60',
        SENSORLAKE_MAX_LATENESS_HOURS: '24',
        SENSORLAKE_KNOWN_DEVICES: 'a,b',
        SENSORLAKE_DEDUPE_PER_DEVICE: '10',
        LOG_LEVEL: 'DEBUG',
      }),
    ).toStrictEqual({ maxClockSkewSeconds: 60, maxLatenessHours: 24, knownDevices: ['a', 'b'], dedupePerDevice: 10, logLevel: 'debug' });
  });

  it.each([
    [{ SENSORLAKE_MAX_CLOCK_SKEW_SECONDS: 'five' }, /SENSORLAKE_MAX_CLOCK_SKEW_SECONDS has invalid value "five": expected an integer from 0 to 86400/],
    [{ SENSORLAKE_MAX_LATENESS_HOURS: '0' }, /SENSORLAKE_MAX_LATENESS_HOURS has invalid value "0"/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL has invalid value "loud": expected one of debug, info, warn, error/],
    [{ SENSORLAKE_KNOWN_DEVICES: 'ok,bad id' }, /"bad id" is not one/],
    [{ SENSORLAKE_DEDUPE_PER_DEVICE: '0' }, /SENSORLAKE_DEDUPE_PER_DEVICE has invalid value "0": expected an integer from 1 to 1000000/],
    [{ SENSORLAKE_DEDUPE_PER_DEVICE: '1000001' }, /SENSORLAKE_DEDUPE_PER_DEVICE has invalid value "1000001"/],
    [{ SENSORLAKE_DEDUPE_PER_DEVICE: '-5' }, /SENSORLAKE_DEDUPE_PER_DEVICE has invalid value "-5"/],
    [{ SENSORLAKE_DEDUPE_PER_DEVICE: '2.5' }, /SENSORLAKE_DEDUPE_PER_DEVICE has invalid value "2.5"/],
    [{ SENSORLAKE_DEDUPE_PER_DEVICE: 'lots' }, /SENSORLAKE_DEDUPE_PER_DEVICE has invalid value "lots"/],
  ])('rejects %o naming the variable and value', (env, message) => {
    expect(() => readHandlerSettings(env)).toThrow(ConfigError);
    expect(() => readHandlerSettings(env)).toThrow(message);
  });

  it.each([
    ['1', 1],
    ['1000000', 1_000_000],
  ])('accepts SENSORLAKE_DEDUPE_PER_DEVICE=%s at the edge of its range', (raw, expected) => {
    expect(readHandlerSettings({ SENSORLAKE_DEDUPE_PER_DEVICE: raw }).dedupePerDevice).toBe(expected);
  });

  it('reports several bad variables together', () => {
    expect(() => readHandlerSettings({ LOG_LEVEL: 'x', SENSORLAKE_MAX_LATENESS_HOURS: 'y' })).toThrow(ConfigErrors);
  });
});

describe('module entry point', () => {
  beforeEach(() => {
    vi.resetModules();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails the cold start on an invalid variable', async () => {
    vi.stubEnv('SENSORLAKE_MAX_CLOCK_SKEW_SECONDS', '-3');
    await expect(import('./handler.js')).rejects.toThrow(/SENSORLAKE_MAX_CLOCK_SKEW_SECONDS has invalid value "-3"/);
  });

  it('exports a working handler when the environment is valid', async () => {
    vi.stubEnv('LOG_LEVEL', 'error');
    const { handler } = await import('./handler.js');
    const result = await handler({ ...event, records: [ruleRecord('1', 'sensor-0001', reading(1))] });
    expect(result.records[0]?.result).toBe('Ok');
  });
});

