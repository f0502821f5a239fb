import { describe, expect, it } from 'vitest';
import {
  RAW_ZONE,
  RULE_ERROR_KEY,
  TOPIC_RULE_SQL,
  applyTopicRule,
  deliveryObjectName,
  deviceIdFromTopic,
  expandPrefix,
  telemetryTopic,
  topicLevel,
} from './definitions.js';

describe('topic rule', () => {
  it('renders the SQL from its columns', () => {
    expect(TOPIC_RULE_SQL).toBe(
      "SELECT encode(*, 'base64') AS payload, topic(2) AS device_id, timestamp() AS ingest_ts, topic() AS topic FROM 'sensors/+/telemetry'",
    );
  });

  it('GIVEN a message WHEN the rule is applied locally THEN the envelope has the SQL columns in order', () => {
    const envelope = applyTopicRule({ topic: telemetryTopic('sensor-0001'), payload: Buffer.from('{"a":1}'), receivedAtMs: 1_700_000_000_000 });
    expect(envelope).toStrictEqual({
      payload: Buffer.from('{"a":1}').toString('base64'),
      device_id: 'sensor-0001',
      ingest_ts: 1_700_000_000_000,
      topic: 'sensors/sensor-0001/telemetry',
    });
    expect(Object.keys(envelope)).toStrictEqual(['payload', 'device_id', 'ingest_ts', 'topic']);
  });

  it.each([
    ['a/b/c', 1, 'a'],
    ['a/b/c', 2, 'b'],
    ['a/b/c', 3, 'c'],
    ['a/b/c', 4, ''],
    ['a', 2, ''],
    ['a//c', 2, ''],
  ])('topic(%s, %i) is %j, as IoT SQL topic(n)', (topic, n, level) => {
    expect(topicLevel(topic, n)).toBe(level);
  });

  it.each([
    ['sensors/sensor-0001/telemetry', 'sensor-0001'],
    ['sensors//telemetry', undefined],
    ['sensors/a/b/telemetry', undefined],
    ['sensors/sensor-0001/status', undefined],
    ['devices/sensor-0001/telemetry', undefined],
    ['sensors/telemetry', undefined],
  ])('deviceIdFromTopic(%j) is %j', (topic, id) => {
    expect(deviceIdFromTopic(topic)).toBe(id);
  });
});

describe('Firehose prefixes', () => {
  const arrivalMs = Date.UTC(2026, 10, 22, 9, 5, 7);

  it('expands the raw prefix from the processor partition keys', () => {
    expect(expandPrefix(RAW_ZONE.prefix, { arrivalMs, partitionKeys: { zone: 'telemetry', dt: '2026-11-21' } })).toBe(
      'telemetry/dt=2026-11-21/',
    );
  });

  it('keeps rule errors and Firehose errors under their own prefixes', () => {
    expect(RULE_ERROR_KEY.startsWith(RAW_ZONE.ruleErrorPrefix)).toBe(true);
    expect(RAW_ZONE.errorOutputPrefix).toContain('!{firehose:error-output-type}');
  });

  it('expands the error prefix by failure type and arrival date', () => {
    expect(expandPrefix(RAW_ZONE.errorOutputPrefix, { arrivalMs, errorOutputType: 'processing-failed' })).toBe(
      'errors/processing-failed/dt=2026-11-22/',
    );
  });

  it.each([
    [RAW_ZONE.prefix, { arrivalMs, partitionKeys: { zone: 'telemetry' } }, 'needs partition key dt, which is missing'],
    [RAW_ZONE.errorOutputPrefix, { arrivalMs }, 'needs an error output type'],
    ['x/!{partitionKeyFromQuery:dt}/', { arrivalMs }, 'unsupported namespace partitionKeyFromQuery:dt'],
  ])('GIVEN %s without what it needs THEN it fails, naming it', (template, values, message) => {
    expect(() => expandPrefix(template, values)).toThrow(message);
  });

  it('names objects as Firehose does', () => {
    expect(deliveryObjectName('sensorlake-dev-telemetry', arrivalMs, 'u-u-i-d')).toBe(
      'sensorlake-dev-telemetry-1-2026-11-22-09-05-07-u-u-i-d.ndjson.gz',
    );
  });
});
