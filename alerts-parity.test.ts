import { readFileSync } from 'node:fs';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ALERTS_ENV, readAlertSettings } from './core/analytics/alerts-env.js';
import { alertMessage, windowOf } from './core/analytics/alerts.js';
import type { KinesisStreamRecord, TimeWindow } from './core/analytics/alerts.js';
import type { ReadingScore, ReadingScorer } from './core/analytics/alerts.js';
import { kinesisRecord, memoryPublisher, payload, windowEvent } from './core/analytics/alerts.testing.js';
import { endpointRecord, endpointRecordKey } from './core/orchestration/endpoint-record.js';
import { applyTopicRule, telemetryTopic } from './core/ingestion/definitions.js';
import { createAlertsHandler } from './functions/anomaly-alerts/handler.js';
import { localEndpointRecordFile, readLocalEndpointRecord, writeLocalEndpointRecord } from './local/analytics/endpoint-records.js';
import { startAlertStream } from './local/analytics/stream.js';
import { tempDir } from './local/ingestion/testing.js';

/**
 * One definition, two runtimes: the same readings and the same rooms' endpoint records (model version and
 * threshold, as the pipeline's publish step writes them) through the twin's stream and through the Lambda handler
 * (SageMaker, SNS and the records' S3 mocked, S3 serving the twin's record files) give the same alerts. Lives at the
 * root because it imports both runtimes.
 */

const t0 = Date.parse('2026-11-22T10:00:00.000Z');
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:sensorlake-dev-alerts';

/**
 * Four devices over three windows, 1 reading per second: `hot` is hot throughout, `blip` for part of window 2,
 * `late` from window 3 (room-1, threshold 5); `warmish` at 27 °C throughout in room-2 (threshold 8: never above it);
 * `nomodel` hot in room-3, which has no record (never warm).
 */
function readings() {
  const out: { device: string; room: string; seq: number; atMs: number; temperature: number }[] = [];
  for (let s = 0; s < 30; s++) {
    const atMs = t0 + s * 1000 + 137;
    out.push({ device: 'hot', room: 'room-1', seq: s, atMs, temperature: 30 });
    out.push({ device: 'blip', room: 'room-1', seq: s, atMs: atMs + 11, temperature: s >= 12 && s < 15 ? 30 : 21 });
    out.push({ device: 'late', room: 'room-1', seq: s, atMs: atMs + 23, temperature: s >= 20 ? 29 : 21 });
    out.push({ device: 'warmish', room: 'room-2', seq: s, atMs: atMs + 31, temperature: 27 });
    out.push({ device: 'nomodel', room: 'room-3', seq: s, atMs: atMs + 37, temperature: 35 });
  }
  return out;
}

const envelopeOf = (r: ReturnType<typeof readings>[number]) =>
  applyTopicRule({ topic: telemetryTopic(r.device), payload: Buffer.from(JSON.stringify(payload(r.device, r.seq, new Date(r.atMs).toISOString(), r.temperature, r.room))), receivedAtMs: r.atMs });

/** The twin's scorer of this test: the model scores temperature - 20; the room's record (read from the twin's files) gives the threshold; no record, not warm. */
function recordScorer(dataDir: string): ReadingScorer {
  return {
    score(key, values) {
      const record = key.roomId === null ? undefined : readLocalEndpointRecord(dataDir, key.roomId);
      return Promise.resolve(values.map((v): ReadingScore => (record === undefined ? { score: 0, warm: false } : { score: v - 20, warm: true, threshold: record.threshold })));
    },
  };
}

describe('the twin stream and the Lambda handler', () => {
  it('GIVEN the same readings and the same rooms\' records THEN they publish the same alerts, each room judged by its own threshold', async () => {
    const dataDir = tempDir();
    writeLocalEndpointRecord(dataDir, endpointRecord('room-1', 'rcf-room-1-v1', 5));
    writeLocalEndpointRecord(dataDir, endpointRecord('room-2', 'rcf-room-2-v1', 8));
    let now = t0;
    const twinAlerts = memoryPublisher();
    const stream = startAlertStream({ scorer: recordScorer(dataDir), publisher: twinAlerts, clock: () => now, rule: { minReadings: 3 }, batchSize: 4 });
    for (const r of readings()) {
      now = r.atMs;
      stream.put(envelopeOf(r));
      await stream.poll();
    }
    now = t0 + 40_000;
    await stream.drain();

    const sns = mockClient(SNSClient);
    const sagemaker = mockClient(SageMakerRuntimeClient);
    const s3 = mockClient(S3Client);
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    // S3 serves the twin's record files: the Lambda reads the very records the twin's stream judged by.
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      const room = /^rcf\/endpoint-records\/(.+)\.json$/.exec(input.Key)?.[1] ?? '';
      expect(input.Key).toBe(endpointRecordKey(room));
      const file = localEndpointRecordFile(dataDir, room);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
      }
      return { Body: { transformToString: () => Promise.resolve(text) } };
    });
    sagemaker.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => ({
      Body: new TextEncoder().encode(JSON.stringify({ scores: new TextDecoder().decode(input.Body).split('\n').map((v) => ({ score: Number(v) - 20 })) })),
    }));
    const settings = readAlertSettings({ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.endpointName]: 'rcf', [ALERTS_ENV.recordsBucket]: 'models', [ALERTS_ENV.minReadings]: '3' });
    const handle = createAlertsHandler(settings, { sns: new SNSClient({}), sagemaker: new SageMakerRuntimeClient({}), s3: new S3Client({}) }, { logger: pino({ level: 'silent' }) });
    // Lambda's side, built independently of the twin: records grouped by the window of their arrival, in batches of 7.
    const byWindow = new Map<string, { window: TimeWindow; records: KinesisStreamRecord[] }>();
    let seq = 1000n;
    for (const r of readings()) {
      const window = windowOf(r.atMs, 10);
      const entry = byWindow.get(window.start) ?? { window, records: [] };
      entry.records.push(kinesisRecord(String((seq += 1n)), r.device, Buffer.from(JSON.stringify(envelopeOf(r))), r.atMs));
      byWindow.set(window.start, entry);
    }
    for (const { window, records } of byWindow.values()) {
      let state: object = {};
      for (let i = 0; i < records.length; i += 7) state = (await handle(windowEvent(window, records.slice(i, i + 7), state))).state;
      await handle(windowEvent(window, [], state, true));
    }

    const lambdaMessages = sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message!) as unknown);
    const twinMessages = twinAlerts.alerts.map((a) => alertMessage(a));
    expect(twinMessages.map((m) => m.id)).toStrictEqual([
      'hot/2026-11-22T10:00:00Z',
      'hot/2026-11-22T10:00:10Z',
      'hot/2026-11-22T10:00:20Z',
      'late/2026-11-22T10:00:20Z',
    ]);
    expect(lambdaMessages).toStrictEqual(twinMessages);
    expect(twinMessages.every((m) => m.threshold === 5)).toBe(true);
    const targets = new Set(sagemaker.commandCalls(InvokeEndpointCommand).map((c) => c.args[0].input.TargetModel));
    expect([...targets].sort()).toStrictEqual(['room-1/rcf-room-1-v1.tar.gz', 'room-2/rcf-room-2-v1.tar.gz']);
  });
});
