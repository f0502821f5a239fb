import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ALERTS_ENV, readAlertSettings } from './core/analytics/alerts-env.js';
import { alertMessage, windowOf } from './core/analytics/alerts.js';
import type { KinesisStreamRecord, TimeWindow } from './core/analytics/alerts.js';
import { kinesisRecord, memoryPublisher, payload, temperatureScorer, windowEvent } from './core/analytics/alerts.testing.js';
import { applyTopicRule, telemetryTopic } from './core/ingestion/definitions.js';
import { createAlertsHandler } from './functions/anomaly-alerts/handler.js';
import { startAlertStream } from './local/analytics/stream.js';

/**
 * One definition, two runtimes: the same readings through the twin's stream and through the Lambda handler (with
 * SageMaker and SNS mocked) give the same alerts. Lives at the root because it imports both runtimes.
 */

const t0 = Date.parse('2026-11-22T10:00:00.000Z');
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:sensorlake-dev-alerts';

/** Three devices over three windows, 1 reading per second: `hot` is hot throughout, `blip` for part of window 2, `late` from window 3. */
function readings() {
  const out: { device: string; seq: number; atMs: number; temperature: number }[] = [];
  for (let s = 0; s < 30; s++) {
    const atMs = t0 + s * 1000 + 137;
    out.push({ device: 'hot', seq: s, atMs, temperature: 30 });
    out.push({ device: 'blip', seq: s, atMs: atMs + 11, temperature: s >= 12 && s < 15 ? 30 : 21 });
    out.push({ device: 'late', seq: s, atMs: atMs + 23, temperature: s >= 20 ? 29 : 21 });
  }
  return out;
}

const envelopeOf = (r: ReturnType<typeof readings>[number]) =>
  applyTopicRule({ topic: telemetryTopic(r.device), payload: Buffer.from(JSON.stringify(payload(r.device, r.seq, new Date(r.atMs).toISOString(), r.temperature))), receivedAtMs: r.atMs });

describe('the twin stream and the Lambda handler', () => {
  it('GIVEN the same readings THEN they publish the same alerts', async () => {
    let now = t0;
    const twinAlerts = memoryPublisher();
    const stream = startAlertStream({ scorer: temperatureScorer(), publisher: twinAlerts, clock: () => now, rule: { threshold: 5, minReadings: 3 }, batchSize: 4 });
    for (const r of readings()) {
      now = r.atMs;
      stream.put(envelopeOf(r));
      await stream.poll();
    }
    now = t0 + 40_000;
    await stream.drain();

    const sns = mockClient(SNSClient);
    const sagemaker = mockClient(SageMakerRuntimeClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    sagemaker.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => ({
      Body: new TextEncoder().encode(JSON.stringify({ scores: new TextDecoder().decode(input.Body).split('\n').map((v) => ({ score: Number(v) - 20 })) })),
    }));
    const settings = readAlertSettings({ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.endpointName]: 'rcf', [ALERTS_ENV.threshold]: '5', [ALERTS_ENV.minReadings]: '3' });
    const handle = createAlertsHandler(settings, { sns: new SNSClient({}), sagemaker: new SageMakerRuntimeClient({}) }, { logger: pino({ level: 'silent' }) });
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
  });
});
