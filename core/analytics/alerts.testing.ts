import { applyTopicRule, telemetryTopic } from '../ingestion/definitions.js';
import type { AlertPublisher, AnomalyAlert, KinesisStreamEvent, KinesisStreamRecord, ReadingScore, ReadingScorer, ScoreKey, TimeWindow } from './alerts.js';

/** Test fixtures of the alert core, shared by the core's, the handler's and the twin stream's tests. */

export const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/sensorlake-dev-alerts';
export const SHARD_ID = 'shardId-000000000000';

/** A sensorlake payload of one device. */
export function payload(deviceId: string, seq: number, ts: string, temperature: number, room = 'room-1'): object {
  return { device_id: deviceId, room_id: room, ts, seq, temperature, humidity: 40, pressure: 1013 };
}

/** The topic rule's envelope of a payload, as JSON bytes (what the rule puts on the stream). */
export function envelopeBytes(deviceId: string, body: object | string, receivedAtMs: number): Buffer {
  const envelope = applyTopicRule({
    topic: telemetryTopic(deviceId),
    payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    receivedAtMs,
  });
  return Buffer.from(JSON.stringify(envelope));
}

/** One Kinesis record as Lambda delivers it. */
export function kinesisRecord(sequenceNumber: string, partitionKey: string, data: Buffer, arrivalMs: number): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: data.toString('base64'),
      approximateArrivalTimestamp: arrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${SHARD_ID}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/sensorlake-dev-alerts',
    awsRegion: 'eu-west-1',
    eventSourceARN: STREAM_ARN,
  };
}

/** A window invocation event. */
export function windowEvent(
  window: TimeWindow,
  records: readonly KinesisStreamRecord[],
  state: KinesisStreamEvent['state'],
  final = false,
): KinesisStreamEvent {
  return { Records: records, window, state, shardId: SHARD_ID, eventSourceARN: STREAM_ARN, isFinalInvokeForWindow: final, isWindowTerminatedEarly: false };
}

/**
 * A scorer whose score is the temperature minus 20 (so 21 °C scores 1 and 30 °C scores 10), warm once it has seen
 * `warmAfter` readings of the device, judged by its room's threshold (`thresholds` by room, else `threshold`,
 * default 5); `failFor` devices reject. Records every call.
 */
export function temperatureScorer(
  options: { warmAfter?: number; failFor?: Set<string>; threshold?: number; thresholds?: Readonly<Record<string, number>> } = {},
): ReadingScorer & { calls: { key: ScoreKey; values: number[] }[] } {
  const seen = new Map<string, number>();
  const calls: { key: ScoreKey; values: number[] }[] = [];
  return {
    calls,
    score(key, values) {
      calls.push({ key, values: [...values] });
      if (options.failFor?.has(key.deviceId)) return Promise.reject(new Error(`endpoint throttled for ${key.deviceId}`));
      return Promise.resolve(
        values.map((v): ReadingScore => {
          const n = (seen.get(key.deviceId) ?? 0) + 1;
          seen.set(key.deviceId, n);
          const threshold = (key.roomId === null ? undefined : options.thresholds?.[key.roomId]) ?? options.threshold ?? 5;
          return { score: v - 20, warm: n > (options.warmAfter ?? 0), threshold };
        }),
      );
    },
  };
}

/** A publisher that keeps what it was given; `fail` makes every publish reject. */
export function memoryPublisher(): AlertPublisher & { alerts: AnomalyAlert[]; fail: boolean } {
  const self = {
    alerts: [] as AnomalyAlert[],
    fail: false,
    publish(alert: AnomalyAlert) {
      if (self.fail) return Promise.reject(new Error('topic unavailable'));
      self.alerts.push(alert);
      return Promise.resolve();
    },
  };
  return self;
}
