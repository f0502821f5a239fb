import { InvokeEndpointCommand, ModelNotReadyException, SageMakerRuntimeClient, ValidationError } from '@aws-sdk/client-sagemaker-runtime';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { ALERTS_ENV, readAlertSettings } from '../../core/analytics/alerts-env.js';
import { AlertPublishError } from '../../core/analytics/alerts.js';
import type { KinesisStreamRecord } from '../../core/analytics/alerts.js';
import { envelopeBytes, kinesisRecord, payload, windowEvent } from '../../core/analytics/alerts.testing.js';
import { alertsLogger, createAlertsHandler } from './handler.js';
import { EndpointResponseError, isMissingTargetModel, sageMakerScorer } from './sagemaker-scorer.js';
import { s3EndpointRecords, type EndpointRecordReader } from './endpoint-records.js';
import { endpointRecord, endpointRecordKey } from '../../core/orchestration/endpoint-record.js';
import { RCF_SETTINGS } from '../../core/analytics/rcf/settings.js';
import { Shingler } from '../../core/analytics/rcf/shingle.js';

expect.extend(allCustomMatcher);

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:sensorlake-dev-alerts';
const window = { start: '2026-11-22T10:00:00Z', end: '2026-11-22T10:00:10Z' };
const t0 = Date.parse(window.start);
const silent = pino({ level: 'silent' });
const sns = mockClient(SNSClient);
const sagemaker = mockClient(SageMakerRuntimeClient);
const s3 = mockClient(S3Client);

/** The models bucket's records as the pipeline's publish step writes them, by key; GetObject reads them. */
const stored = new Map<string, string>();
function publishRecord(room: string, model: string, threshold: number): void {
  stored.set(endpointRecordKey(room), JSON.stringify(endpointRecord(room, model, threshold)));
}
function serveRecords(): void {
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    expect(input.Bucket).toBe('sensorlake-dev-models');
    const text = stored.get(input.Key);
    if (text === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: { transformToString: () => Promise.resolve(text) } };
  });
}

/** A reader of fixed records: each room's model rcf-v1 and threshold. */
function recordsOf(thresholds: Readonly<Record<string, number>>): EndpointRecordReader {
  return { current: (room) => Promise.resolve(thresholds[room] === undefined ? undefined : endpointRecord(room, 'rcf-v1', thresholds[room])) };
}

let seq = 49_546_986_683_135_544_286_507_457_936_321_625_675_700_192_471_156_786_000n;
function rec(device: string, n: number, offsetMs: number, temperature: number): KinesisStreamRecord {
  seq += 1n;
  const ts = new Date(t0 + offsetMs).toISOString();
  return kinesisRecord(String(seq), device, envelopeBytes(device, payload(device, n, ts, temperature), t0 + offsetMs), t0 + offsetMs + 20);
}

/** The endpoint answers each CSV line with score = first value - 20, as SageMaker's RCF shapes its JSON. */
function scoreByTemperature(): void {
  sagemaker.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => {
    const lines = new TextDecoder().decode(input.Body).split('\n');
    const scores = lines.map((line) => ({ score: Number(line.split(',').at(-1)) - 20 }));
    return { Body: new TextEncoder().encode(JSON.stringify({ scores })), ContentType: 'application/json' };
  });
}

function handler(env: Record<string, string> = {}, now?: () => number) {
  const settings = readAlertSettings({ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.endpointName]: 'sensorlake-dev-rcf', [ALERTS_ENV.recordsBucket]: 'sensorlake-dev-models', ...env });
  return createAlertsHandler(settings, { sns: new SNSClient({}), sagemaker: new SageMakerRuntimeClient({}), s3: new S3Client({}) }, { logger: silent, ...(now ? { now } : {}) });
}

beforeEach(() => {
  sns.reset();
  sagemaker.reset();
  s3.reset();
  stored.clear();
  publishRecord('room-1', 'rcf-v1', 5);
  serveRecords();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('createAlertsHandler', () => {
  it('GIVEN three invocations of one window THEN state is carried, scoring is one text/csv call per device and batch, and only the final one publishes', async () => {
    scoreByTemperature();
    const handle = handler();
    const r1 = await handle(windowEvent(window, [rec('hot', 1, 0, 30), rec('mild', 1, 100, 21)], {}));
    const r2 = await handle(windowEvent(window, [rec('hot', 2, 3000, 31), rec('mild', 2, 3100, 21)], r1.state));
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    const r3 = await handle(windowEvent(window, [rec('hot', 3, 6000, 29)], r2.state, true));

    expect(r3).toStrictEqual({ state: expect.objectContaining({ devices: expect.any(Object) }), batchItemFailures: [] });
    expect(sagemaker).toHaveReceivedCommandTimes(InvokeEndpointCommand, 5);
    expect(sagemaker).toHaveReceivedNthCommandWith(InvokeEndpointCommand, 1, { EndpointName: 'sensorlake-dev-rcf', TargetModel: 'room-1/rcf-v1.tar.gz', ContentType: 'text/csv', Accept: 'application/json' });
    expect(sns).toHaveReceivedCommandOnce(PublishCommand);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: 'sensorlake anomaly: hot in room-1 at 2026-11-22T10:00:00Z',
      MessageAttributes: {
        alert_id: { DataType: 'String', StringValue: 'hot/2026-11-22T10:00:00Z' },
        device_id: { DataType: 'String', StringValue: 'hot' },
        room_id: { DataType: 'String', StringValue: 'room-1' },
        window_start: { DataType: 'String', StringValue: '2026-11-22T10:00:00Z' },
      },
    });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!) as Record<string, unknown>;
    expect(message).toStrictEqual({
      id: 'hot/2026-11-22T10:00:00Z',
      device: 'hot',
      room: 'room-1',
      window,
      count: 3,
      warmReadings: 3,
      readings: 3,
      maxScore: 11,
      threshold: 5,
      firstAnomalousAt: '2026-11-22T10:00:00.000Z',
      lastAnomalousAt: '2026-11-22T10:00:06.000Z',
      windowTerminatedEarly: false,
    });
  });

  it('GIVEN the endpoint fails for one device\'s call THEN its first record is the batch item failure and the state leaves it and everything after it out', async () => {
    let calls = 0;
    sagemaker.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => {
      calls += 1;
      if (new TextDecoder().decode(input.Body) === '40') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      const scores = new TextDecoder().decode(input.Body).split('\n').map(() => ({ score: 10 }));
      return { Body: new TextEncoder().encode(JSON.stringify({ scores })) };
    });
    const first = rec('hot', 1, 0, 30);
    const failing = rec('flaky', 1, 100, 40);
    const after = rec('hot', 2, 200, 30);
    const response = await handler()(windowEvent(window, [first, failing, after], {}));
    expect(calls).toBe(2);
    expect(response.batchItemFailures).toStrictEqual([{ itemIdentifier: failing.kinesis.sequenceNumber }]);
    expect(response.state).toMatchObject({ lastSequenceNumber: first.kinesis.sequenceNumber, devices: { hot: { readings: 1 } } });
    expect(Object.keys((response.state as { devices: object }).devices)).toStrictEqual(['hot']);
  });

  it('GIVEN one device fails and Lambda re-delivers from that record WHEN the retry runs THEN no other device\'s reading is scored or counted twice', async () => {
    let flakyFails = 1;
    const sent: string[] = [];
    sagemaker.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => {
      const body = new TextDecoder().decode(input.Body);
      if (body === '40' && flakyFails-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      sent.push(...body.split('\n'));
      return { Body: new TextEncoder().encode(JSON.stringify({ scores: body.split('\n').map((line) => ({ score: Number(line) - 20 })) })) };
    });
    const handle = handler({ [ALERTS_ENV.minReadings]: '2' });
    const first = rec('hot', 1, 0, 30);
    const failing = rec('flaky', 1, 100, 40);
    const after = rec('hot', 2, 200, 32);
    const later = rec('calm', 1, 300, 21);
    const r1 = await handle(windowEvent(window, [first, failing, after, later], {}));
    expect(r1.batchItemFailures).toStrictEqual([{ itemIdentifier: failing.kinesis.sequenceNumber }]);
    // Lambda checkpoints at the failed record and delivers it and everything after it again, with the state returned.
    const retry = windowEvent(window, [failing, after, later], r1.state, true);
    const r2 = await handle(retry);

    expect(r2.batchItemFailures).toStrictEqual([]);
    expect(sent.sort()).toStrictEqual(['21', '30', '32', '40']);
    expect(r2.state.devices).toMatchObject({ hot: { readings: 2, warm: 2, anomalous: 2, maxScore: 12 }, flaky: { readings: 1 }, calm: { readings: 1, anomalous: 0 } });
    expect(r2.state.pending ?? {}).toStrictEqual({});
    const published = sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message!) as { device: string; count: number; readings: number });
    expect(published.map((m) => [m.device, m.count, m.readings])).toStrictEqual([['hot', 2, 2]]);
  });

  it('GIVEN SNS fails at the final invocation THEN the invocation throws (Lambda retries it) and the retry publishes the same alert id', async () => {
    scoreByTemperature();
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' })).resolves({ MessageId: 'm-2' });
    const handle = handler();
    const event = windowEvent(window, [1, 2, 3].map((i) => rec('hot', i, i * 1000, 30)), {}, true);
    await expect(handle(event)).rejects.toThrow(AlertPublishError);
    await handle(event);
    const ids = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes?.alert_id?.StringValue);
    expect(ids).toStrictEqual(['hot/2026-11-22T10:00:00Z', 'hot/2026-11-22T10:00:00Z']);
  });

  it('GIVEN no endpoint configured THEN nothing is scored, nothing is published, and readings are unscored', async () => {
    const lines: Record<string, unknown>[] = [];
    const settings = readAlertSettings({ [ALERTS_ENV.topicArn]: TOPIC });
    const handle = createAlertsHandler(settings, { sns: new SNSClient({}), sagemaker: new SageMakerRuntimeClient({}), s3: new S3Client({}) }, {
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
    });
    const response = await handle(windowEvent(window, [1, 2, 3].map((i) => rec('hot', i, i * 1000, 60)), {}, true));
    expect(response.batchItemFailures).toStrictEqual([]);
    expect(sagemaker).not.toHaveReceivedCommand(InvokeEndpointCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(lines.map((l) => l.msg)).toStrictEqual(['no RCF endpoint configured: readings are counted unscored and never alert', 'window batch processed']);
    expect(lines[1]).toMatchObject({ received: 3, unscored: 3, scored: 0, alerts: 0 });
  });
});

describe('the rooms\' endpoint records', () => {
  it('GIVEN a room\'s model re-published under a new version WHEN the record\'s cache time has passed THEN the Lambda invokes the new TargetModel and judges by its threshold', async () => {
    scoreByTemperature();
    let now = t0;
    const handle = handler({ [ALERTS_ENV.recordTtlSeconds]: '60', [ALERTS_ENV.minReadings]: '1' }, () => now);
    await handle(windowEvent(window, [rec('hot', 1, 0, 30)], {}));
    publishRecord('room-1', 'rcf-v2', 12);
    now = t0 + 59_000;
    await handle(windowEvent(window, [rec('hot', 2, 1000, 30)], {}));
    now = t0 + 60_000;
    const late = { start: '2026-11-22T10:01:00Z', end: '2026-11-22T10:01:10Z' };
    const r3 = await handle(windowEvent(late, [rec('hot', 3, 60_000, 30)], {}, true));
    expect(sagemaker.commandCalls(InvokeEndpointCommand).map((c) => c.args[0].input.TargetModel)).toStrictEqual(['room-1/rcf-v1.tar.gz', 'room-1/rcf-v1.tar.gz', 'room-1/rcf-v2.tar.gz']);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 2);
    // 30 °C scores 10: above the old model's 5, not above the new model's 12.
    expect(r3.state.devices).toMatchObject({ hot: { warm: 1, anomalous: 0, threshold: 12 } });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('GIVEN two rooms with thresholds 3 and 8 WHEN a device of each scores 5 all window THEN only the first room\'s device alerts, with its room\'s threshold', async () => {
    scoreByTemperature();
    publishRecord('lab-low', 'rcf-a', 3);
    publishRecord('lab-high', 'rcf-b', 8);
    const inRoom = (device: string, room: string, n: number, offsetMs: number) => {
      seq += 1n;
      const ts = new Date(t0 + offsetMs).toISOString();
      return kinesisRecord(String(seq), device, envelopeBytes(device, payload(device, n, ts, 25, room), t0 + offsetMs), t0 + offsetMs + 20);
    };
    const records = [1, 2, 3].flatMap((n) => [inRoom('a', 'lab-low', n, n * 1000), inRoom('b', 'lab-high', n, n * 1000 + 100)]);
    await handler()(windowEvent(window, records, {}, true));
    const messages = sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message!) as { device: string; room: string; maxScore: number; threshold: number });
    expect(messages.map((m) => [m.device, m.room, m.maxScore, m.threshold])).toStrictEqual([['a', 'lab-low', 5, 3]]);
  });

  it('GIVEN a room without a record WHEN its readings come THEN they are not warm, nothing is invoked, and the absence is remembered for the cache time', async () => {
    scoreByTemperature();
    let now = t0;
    const reader = s3EndpointRecords({ client: new S3Client({}), bucket: 'sensorlake-dev-models', ttlSeconds: 30, now: () => now });
    const scorer = sageMakerScorer({ client: new SageMakerRuntimeClient({}), endpointName: 'e', records: reader });
    expect(await scorer.score({ deviceId: 'd', roomId: 'unpublished' }, [40, 41])).toStrictEqual([{ score: 0, warm: false }, { score: 0, warm: false }]);
    await scorer.score({ deviceId: 'd', roomId: 'unpublished' }, [42]);
    expect(sagemaker).not.toHaveReceivedCommand(InvokeEndpointCommand);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    now += 30_000;
    publishRecord('unpublished', 'rcf-first', 1);
    expect(await scorer.score({ deviceId: 'd', roomId: 'unpublished' }, [43])).toStrictEqual([{ score: 23, warm: true, threshold: 1 }]);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 2);
  });

  it.each([
    ['not JSON', 'nope', /endpoint record rcf\/endpoint-records\/room-1.json \(record\) has invalid value "nope": expected a JSON object/],
    ['another room\'s record', JSON.stringify(endpointRecord('room-2', 'rcf-v1', 1)), /room has invalid value "room-2": expected room-1/],
    ['a TargetModel of another model', JSON.stringify({ ...endpointRecord('room-1', 'rcf-v1', 1), targetModel: 'room-1.tar.gz' }), /targetModel has invalid value "room-1.tar.gz": expected room-1\/rcf-v1.tar.gz/],
    ['a threshold that is not a number', JSON.stringify({ ...endpointRecord('room-1', 'rcf-v1', 1), threshold: '3' }), /threshold has invalid value "3"/],
    ['an unknown field', JSON.stringify({ ...endpointRecord('room-1', 'rcf-v1', 1), extra: 1 }), /endpoint record.*extra/],
    ['of another format', JSON.stringify({ ...endpointRecord('room-1', 'rcf-v1', 1), format: 'other' }), /format has invalid value "other"/],
    ['of another version', JSON.stringify({ ...endpointRecord('room-1', 'rcf-v1', 1), version: 2 }), /version has invalid value 2/],
  ])('GIVEN a record that is %s THEN the call rejects (the batch is retried), naming the field, and the failure is not cached', async (_, text, message) => {
    stored.set(endpointRecordKey('room-1'), text);
    const reader = s3EndpointRecords({ client: new S3Client({}), bucket: 'sensorlake-dev-models', ttlSeconds: 60, now: () => t0 });
    await expect(reader.current('room-1')).rejects.toThrow(message);
    publishRecord('room-1', 'rcf-v1', 5);
    await expect(reader.current('room-1')).resolves.toMatchObject({ targetModel: 'room-1/rcf-v1.tar.gz', threshold: 5 });
  });

  it('GIVEN S3 answers a missing record with a bodiless 404 (NotFound) THEN the room has no record', async () => {
    s3.reset();
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));
    const reader = s3EndpointRecords({ client: new S3Client({}), bucket: 'sensorlake-dev-models', ttlSeconds: 60, now: () => t0 });
    await expect(reader.current('room-1')).resolves.toBeUndefined();
  });

  it('GIVEN two devices of one room ask at once THEN one GetObject serves both', async () => {
    const reader = s3EndpointRecords({ client: new S3Client({}), bucket: 'sensorlake-dev-models', ttlSeconds: 60, now: () => t0 });
    const [a, b] = await Promise.all([reader.current('room-1'), reader.current('room-1')]);
    expect(a).toMatchObject({ model: 'rcf-v1' });
    expect(b).toBe(a);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
  });

  it('GIVEN S3 refuses the read (not a missing key) THEN the call rejects and is read again next time', async () => {
    s3.reset();
    s3.on(GetObjectCommand).rejectsOnce(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' })).callsFake(() => ({ Body: { transformToString: () => Promise.resolve(stored.get(endpointRecordKey('room-1'))!) } }));
    const reader = s3EndpointRecords({ client: new S3Client({}), bucket: 'sensorlake-dev-models', ttlSeconds: 60, now: () => t0 });
    await expect(reader.current('room-1')).rejects.toThrow('Access Denied');
    await expect(reader.current('room-1')).resolves.toMatchObject({ model: 'rcf-v1' });
  });
});

describe('sageMakerScorer', () => {
  it('GIVEN shingle size 3 THEN the first two readings of a device are not warm and not sent, later points carry the last three values, across batches', async () => {
    scoreByTemperature();
    const scorer = sageMakerScorer({ client: new SageMakerRuntimeClient({}), endpointName: 'e', records: recordsOf({ r1: 5, 'lab-1': 5, 'lab-2': 5, 'new-room': 5, loading: 5 }), shingleSize: 3 });
    const a = await scorer.score({ deviceId: 'd', roomId: 'r1' }, [21, 22]);
    expect(a).toStrictEqual([{ score: 0, warm: false }, { score: 0, warm: false }]);
    expect(sagemaker).not.toHaveReceivedCommand(InvokeEndpointCommand);
    const b = await scorer.score({ deviceId: 'd', roomId: 'r1' }, [23, 24]);
    expect(b).toStrictEqual([{ score: 3, warm: true, threshold: 5 }, { score: 4, warm: true, threshold: 5 }]);
    expect(new TextDecoder().decode(sagemaker.commandCalls(InvokeEndpointCommand)[0]!.args[0].input.Body as Uint8Array)).toBe('21,22,23\n22,23,24');
  });

  it('GIVEN two rooms THEN each call names its room\'s model on the multi-model endpoint; a reading without a room is not sent and never warm', async () => {
    scoreByTemperature();
    const scorer = sageMakerScorer({ client: new SageMakerRuntimeClient({}), endpointName: 'e', records: recordsOf({ r1: 5, 'lab-1': 5, 'lab-2': 5, 'new-room': 5, loading: 5 }) });
    await scorer.score({ deviceId: 'a', roomId: 'lab-1' }, [25]);
    await scorer.score({ deviceId: 'b', roomId: 'lab-2' }, [26]);
    expect(sagemaker.commandCalls(InvokeEndpointCommand).map((c) => c.args[0].input.TargetModel)).toStrictEqual(['lab-1/rcf-v1.tar.gz', 'lab-2/rcf-v1.tar.gz']);
    expect(await scorer.score({ deviceId: 'c', roomId: null }, [27, 28])).toStrictEqual([{ score: 0, warm: false }, { score: 0, warm: false }]);
    expect(sagemaker).toHaveReceivedCommandTimes(InvokeEndpointCommand, 2);
  });

  it('GIVEN a room the multi-model endpoint has no model for WHEN scored THEN its readings come back not warm and are not retried; a model still loading fails the call (retried)', async () => {
    const missing = new ValidationError({ message: 'Failed to download model data(bucket: m, key: rcf/endpoint/new-room.tar.gz). Please ensure that there is an object located at the URL', $metadata: {} });
    sagemaker.on(InvokeEndpointCommand, { TargetModel: 'new-room/rcf-v1.tar.gz' }).rejects(missing);
    sagemaker.on(InvokeEndpointCommand, { TargetModel: 'loading/rcf-v1.tar.gz' }).rejects(new ModelNotReadyException({ message: 'the target model is loading', $metadata: {} }));
    const scorer = sageMakerScorer({ client: new SageMakerRuntimeClient({}), endpointName: 'e', records: recordsOf({ r1: 5, 'lab-1': 5, 'lab-2': 5, 'new-room': 5, loading: 5 }) });
    expect(await scorer.score({ deviceId: 'a', roomId: 'new-room' }, [25, 26])).toStrictEqual([{ score: 0, warm: false }, { score: 0, warm: false }]);
    await expect(scorer.score({ deviceId: 'b', roomId: 'loading' }, [25])).rejects.toBeInstanceOf(ModelNotReadyException);
    expect(isMissingTargetModel(missing)).toBe(true);
    expect(isMissingTargetModel(new ValidationError({ message: 'Body is not valid CSV', $metadata: {} }))).toBe(false);
  });

  it('GIVEN a series in several batches THEN the points sent are exactly the Shingler shingles the model was trained on', async () => {
    scoreByTemperature();
    const series = [20.1, 20.4, 19.8, 35, 20.2, 20.0, 20.3, 20.1, 19.9];
    const scorer = sageMakerScorer({ client: new SageMakerRuntimeClient({}), endpointName: 'e', records: recordsOf({ r1: 5, 'lab-1': 5, 'lab-2': 5, 'new-room': 5, loading: 5 }), shingleSize: RCF_SETTINGS.shingleSize });
    for (const batch of [series.slice(0, 2), series.slice(2, 5), series.slice(5)]) await scorer.score({ deviceId: 'd', roomId: 'r1' }, batch);
    const sent = sagemaker.commandCalls(InvokeEndpointCommand).flatMap((c) => new TextDecoder().decode(c.args[0].input.Body as Uint8Array).split('\n'));
    const shingler = new Shingler(1, RCF_SETTINGS.shingleSize);
    const expected = series.flatMap((v) => {
      const point = shingler.push([v]);
      return point === undefined ? [] : [Array.from(point).join(',')];
    });
    expect(sent).toStrictEqual(expected);
  });

  it('GIVEN a failed call THEN the history does not move, so the re-delivered batch gets the same points', async () => {
    sagemaker.on(InvokeEndpointCommand).rejectsOnce(new Error('throttled')).callsFake((input: { Body: Uint8Array }) => ({
      Body: new TextEncoder().encode(JSON.stringify({ scores: new TextDecoder().decode(input.Body).split('\n').map(() => ({ score: 1 })) })),
    }));
    const scorer = sageMakerScorer({ client: new SageMakerRuntimeClient({}), endpointName: 'e', records: recordsOf({ r1: 5, 'lab-1': 5, 'lab-2': 5, 'new-room': 5, loading: 5 }), shingleSize: 2 });
    await scorer.score({ deviceId: 'd', roomId: 'r1' }, [1]);
    await expect(scorer.score({ deviceId: 'd', roomId: 'r1' }, [2, 3])).rejects.toThrow('throttled');
    await scorer.score({ deviceId: 'd', roomId: 'r1' }, [2, 3]);
    const bodies = sagemaker.commandCalls(InvokeEndpointCommand).map((c) => new TextDecoder().decode(c.args[0].input.Body as Uint8Array));
    expect(bodies).toStrictEqual(['1,2\n2,3', '1,2\n2,3']);
  });

  it.each([
    ['not json', /endpoint response is not JSON/],
    ['{"scores":[]}', /with 1 entries/],
    ['{"predictions":[{"score":1}]}', /should be \{"scores"/],
  ])('GIVEN the endpoint answers %s THEN EndpointResponseError', async (body, message) => {
    sagemaker.on(InvokeEndpointCommand).resolves({ Body: new TextEncoder().encode(body) } as never);
    const scorer = sageMakerScorer({ client: new SageMakerRuntimeClient({}), endpointName: 'e', records: recordsOf({ r1: 5, 'lab-1': 5, 'lab-2': 5, 'new-room': 5, loading: 5 }) });
    const attempt = scorer.score({ deviceId: 'd', roomId: 'r1' }, [1]);
    await expect(attempt).rejects.toThrow(EndpointResponseError);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('alertsLogger', () => {
  it('GIVEN a line THEN it carries fn anomaly-alerts and the upper-case level Lambda filters on', () => {
    const lines: Record<string, unknown>[] = [];
    alertsLogger('info', { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }).warn('x');
    expect(lines).toMatchObject([{ level: 'WARN', fn: 'anomaly-alerts', msg: 'x' }]);
  });
});
