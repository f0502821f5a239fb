import { ConfigError, ConfigErrors } from '../errors.js';
import { PROCESSOR_ENV } from '../ingestion/processor-env.js';
import type { ProcessorSettings } from '../ingestion/processor.js';
import { SETTINGS } from '../settings.js';
import { ALERT_RULE_DEFAULTS, checkAlertRule } from './alerts.js';
import type { AlertRule } from './alerts.js';

/**
 * The anomaly-alerts Lambda's contract with its deployment, defined once: the analytics stack sets these variables
 * and the handler (functions/anomaly-alerts) reads them with readAlertSettings. Nothing here imports a runtime.
 */

/** Environment variable of each alert setting. */
export const ALERTS_ENV = {
  /** ARN of the SNS topic alerts are published to (required). */
  topicArn: 'SENSORLAKE_ALERT_TOPIC_ARN',
  /** Name of the SageMaker RCF endpoint; unset: no scorer, every reading is counted unscored and nothing alerts. */
  endpointName: 'SENSORLAKE_RCF_ENDPOINT_NAME',
  /**
   * The models bucket, where the pipeline writes each room's current-model record (core/orchestration
   * endpoint-record.ts: the room's TargetModel and threshold) under MODEL_LAYOUT.endpointRecords (required with an endpoint).
   */
  recordsBucket: 'SENSORLAKE_ENDPOINT_RECORDS_BUCKET',
  /** Seconds a room's record (or its absence) is kept before it is read again; default ENDPOINT_RECORD_TTL_DEFAULT. */
  recordTtlSeconds: 'SENSORLAKE_ENDPOINT_RECORD_TTL_SECONDS',
  /** Shingle size the model was trained with (feature_dim of the endpoint's points); default 1. */
  shingleSize: 'SENSORLAKE_RCF_SHINGLE_SIZE',
  /** Fewest warm scored readings of a device in a window for it to alert (default ALERT_RULE_DEFAULTS.minReadings). */
  minReadings: 'SENSORLAKE_ALERT_MIN_READINGS',
  /** Share of a device's warm readings in the window that must be anomalous, above 0 to 1 (default 1: all). */
  minAnomalousFraction: 'SENSORLAKE_ALERT_MIN_ANOMALOUS_FRACTION',
  /** The processor's limits, same variables and meaning as the Firehose processor's. */
  maxClockSkewSeconds: PROCESSOR_ENV.maxClockSkewSeconds,
  maxLatenessHours: PROCESSOR_ENV.maxLatenessHours,
  logLevel: PROCESSOR_ENV.logLevel,
} as const;

/**
 * Seconds a room's record is cached by default: a re-published model is scored within a minute, and a batch every
 * few seconds costs one GetObject per room and minute.
 */
export const ENDPOINT_RECORD_TTL_DEFAULT = 60;

/** Validated settings of the alerts handler. */
export interface AlertSettings {
  readonly topicArn: string;
  /** Undefined: no endpoint is deployed. */
  readonly endpointName?: string;
  /** The bucket of the rooms' records; set exactly when endpointName is. */
  readonly recordsBucket?: string;
  readonly recordTtlSeconds: number;
  readonly shingleSize: number;
  readonly rule: AlertRule;
  readonly processor: ProcessorSettings;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** S3 bucket names (general purpose): 3 to 63 lowercase letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** SageMaker endpoint names: up to 63 alphanumerics and hyphens, not starting or ending with a hyphen. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

type Env = Readonly<Record<string, string | undefined>>;

function present(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function numberFrom(env: Env, name: string, fallback: number, integer: boolean, check: (n: number) => boolean, expected: string, errors: ConfigError[]): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const pattern = integer ? /^-?\d+$/ : /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
  const value = pattern.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || !check(value)) {
    errors.push(new ConfigError(name, env[name], expected));
    return fallback;
  }
  return value;
}

/**
 * Reads and validates the alert handler's variables. All problems are reported together (ConfigErrors), each naming
 * the variable, its value and what was expected; the records bucket is required only when an endpoint is set.
 */
export function readAlertSettings(env: Env): AlertSettings {
  const errors: ConfigError[] = [];
  const topicArn = present(env, ALERTS_ENV.topicArn);
  if (topicArn === undefined || !SNS_TOPIC_ARN.test(topicArn)) {
    errors.push(new ConfigError(ALERTS_ENV.topicArn, env[ALERTS_ENV.topicArn], 'an SNS topic ARN arn:aws:sns:<region>:<account>:<name>'));
  }
  const endpointName = present(env, ALERTS_ENV.endpointName);
  if (endpointName !== undefined && !ENDPOINT_NAME.test(endpointName)) {
    errors.push(new ConfigError(ALERTS_ENV.endpointName, endpointName, 'a SageMaker endpoint name (1 to 63 letters, digits and inner hyphens)'));
  }
  const recordsBucket = present(env, ALERTS_ENV.recordsBucket);
  if (recordsBucket !== undefined && !BUCKET_NAME.test(recordsBucket)) {
    errors.push(new ConfigError(ALERTS_ENV.recordsBucket, recordsBucket, 'an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)'));
  }
  if (endpointName !== undefined && recordsBucket === undefined) {
    errors.push(new ConfigError(ALERTS_ENV.recordsBucket, undefined, `the bucket of the rooms' endpoint records when ${ALERTS_ENV.endpointName} is set`));
  }
  if (endpointName === undefined && recordsBucket !== undefined) {
    errors.push(new ConfigError(ALERTS_ENV.endpointName, undefined, `the endpoint the records of ${ALERTS_ENV.recordsBucket} are for`));
  }
  const recordTtlSeconds = numberFrom(env, ALERTS_ENV.recordTtlSeconds, ENDPOINT_RECORD_TTL_DEFAULT, true, (n) => n >= 1 && n <= 3600, 'an integer from 1 to 3600', errors);
  const shingleSize = numberFrom(env, ALERTS_ENV.shingleSize, 1, true, (n) => n >= 1 && n <= 1000, 'an integer from 1 to 1000', errors);
  const minReadings = numberFrom(env, ALERTS_ENV.minReadings, ALERT_RULE_DEFAULTS.minReadings, true, (n) => n >= 1 && n <= 1_000_000, 'an integer from 1 to 1000000', errors);
  const minAnomalousFraction = numberFrom(env, ALERTS_ENV.minAnomalousFraction, ALERT_RULE_DEFAULTS.minAnomalousFraction, false, (n) => n > 0 && n <= 1, 'a number above 0 and at most 1', errors);
  const skew = SETTINGS.telemetryMaxClockSkewSeconds;
  const lateness = SETTINGS.telemetryMaxLatenessHours;
  const maxClockSkewSeconds = numberFrom(env, ALERTS_ENV.maxClockSkewSeconds, skew.default, true, (n) => skew.schema.safeParse(n).success, skew.expected, errors);
  const maxLatenessHours = numberFrom(env, ALERTS_ENV.maxLatenessHours, lateness.default, true, (n) => lateness.schema.safeParse(n).success, lateness.expected, errors);
  let logLevel: AlertSettings['logLevel'] = SETTINGS.logLevel.default;
  const rawLevel = present(env, ALERTS_ENV.logLevel);
  if (rawLevel !== undefined) {
    const parsed = SETTINGS.logLevel.schema.safeParse(rawLevel.toLowerCase());
    if (parsed.success) logLevel = parsed.data;
    else errors.push(new ConfigError(ALERTS_ENV.logLevel, rawLevel, SETTINGS.logLevel.expected));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
  const rule = checkAlertRule({ minReadings, minAnomalousFraction });
  return {
    topicArn: topicArn as string,
    ...(endpointName !== undefined ? { endpointName, recordsBucket: recordsBucket as string } : {}),
    recordTtlSeconds,
    shingleSize,
    rule,
    processor: { maxClockSkewSeconds, maxLatenessHours },
    logLevel,
  };
}
