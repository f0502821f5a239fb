import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors } from '../errors.js';
import { ALERTS_ENV, readAlertSettings } from './alerts-env.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:sensorlake-dev-alerts';

describe('readAlertSettings', () => {
  it('GIVEN only the topic THEN no endpoint, the default rule, the default record cache and the processor defaults', () => {
    expect(readAlertSettings({ [ALERTS_ENV.topicArn]: TOPIC })).toStrictEqual({
      topicArn: TOPIC,
      recordTtlSeconds: 60,
      shingleSize: 1,
      rule: { minReadings: 3, minAnomalousFraction: 1 },
      processor: { maxClockSkewSeconds: 300, maxLatenessHours: 72 },
      logLevel: 'info',
    });
  });

  it('GIVEN every variable THEN each is read', () => {
    const settings = readAlertSettings({
      [ALERTS_ENV.topicArn]: TOPIC,
      [ALERTS_ENV.endpointName]: 'sensorlake-dev-rcf',
      [ALERTS_ENV.recordsBucket]: 'sensorlake-dev-models',
      [ALERTS_ENV.recordTtlSeconds]: '300',
      [ALERTS_ENV.shingleSize]: '4',
      [ALERTS_ENV.minReadings]: '5',
      [ALERTS_ENV.minAnomalousFraction]: '0.8',
      [ALERTS_ENV.maxClockSkewSeconds]: '60',
      [ALERTS_ENV.maxLatenessHours]: '1',
      [ALERTS_ENV.logLevel]: 'DEBUG',
    });
    expect(settings).toStrictEqual({
      topicArn: TOPIC,
      endpointName: 'sensorlake-dev-rcf',
      recordsBucket: 'sensorlake-dev-models',
      recordTtlSeconds: 300,
      shingleSize: 4,
      rule: { minReadings: 5, minAnomalousFraction: 0.8 },
      processor: { maxClockSkewSeconds: 60, maxLatenessHours: 1 },
      logLevel: 'debug',
    });
  });

  it.each([
    [{}, `config ${ALERTS_ENV.topicArn} is missing: expected an SNS topic ARN`],
    [{ [ALERTS_ENV.topicArn]: 'arn:aws:sqs:eu-west-1:123456789012:q' }, `config ${ALERTS_ENV.topicArn} has invalid value "arn:aws:sqs:eu-west-1:123456789012:q"`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.endpointName]: 'rcf' }, `config ${ALERTS_ENV.recordsBucket} is missing: expected the bucket of the rooms' endpoint records when ${ALERTS_ENV.endpointName} is set`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.recordsBucket]: 'models' }, `config ${ALERTS_ENV.endpointName} is missing: expected the endpoint the records of ${ALERTS_ENV.recordsBucket} are for`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.endpointName]: 'rcf', [ALERTS_ENV.recordsBucket]: 'Models_Bucket' }, `config ${ALERTS_ENV.recordsBucket} has invalid value "Models_Bucket": expected an S3 bucket name`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.endpointName]: '-rcf', [ALERTS_ENV.recordsBucket]: 'models' }, `config ${ALERTS_ENV.endpointName} has invalid value "-rcf"`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.recordTtlSeconds]: '0' }, `config ${ALERTS_ENV.recordTtlSeconds} has invalid value "0": expected an integer from 1 to 3600`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.recordTtlSeconds]: '3601' }, `config ${ALERTS_ENV.recordTtlSeconds} has invalid value "3601"`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.recordTtlSeconds]: '1.5' }, `config ${ALERTS_ENV.recordTtlSeconds} has invalid value "1.5"`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.minReadings]: '0' }, `config ${ALERTS_ENV.minReadings} has invalid value "0": expected an integer from 1 to 1000000`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.minReadings]: '2.5' }, `config ${ALERTS_ENV.minReadings} has invalid value "2.5"`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.minAnomalousFraction]: '0' }, `config ${ALERTS_ENV.minAnomalousFraction} has invalid value "0": expected a number above 0 and at most 1`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.minAnomalousFraction]: '1.5' }, `config ${ALERTS_ENV.minAnomalousFraction} has invalid value "1.5"`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.shingleSize]: '0' }, `config ${ALERTS_ENV.shingleSize} has invalid value "0"`],
    [{ [ALERTS_ENV.topicArn]: TOPIC, [ALERTS_ENV.logLevel]: 'loud' }, `config ${ALERTS_ENV.logLevel} has invalid value "loud"`],
  ])('GIVEN %j THEN ConfigError naming the variable and value', (env, message) => {
    expect(() => readAlertSettings(env)).toThrow(ConfigError);
    expect(() => readAlertSettings(env)).toThrow(message);
  });

  it('GIVEN several bad variables THEN all are reported together', () => {
    const attempt = () => readAlertSettings({ [ALERTS_ENV.minReadings]: 'x', [ALERTS_ENV.shingleSize]: '-1' });
    expect(attempt).toThrow(ConfigErrors);
    expect(attempt).toThrow(new RegExp(`${ALERTS_ENV.topicArn}[\\s\\S]*${ALERTS_ENV.shingleSize}[\\s\\S]*${ALERTS_ENV.minReadings}`));
  });
});
