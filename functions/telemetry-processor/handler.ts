import type { DestinationStream, Logger } from 'pino';
import { functionLogger } from '../lambda-logger.js';
import { SETTINGS } from '../../core/settings.js';
import { ConfigError, ConfigErrors, SensorlakeError } from '../../core/errors.js';
import { isDeviceId } from '../../core/ids.js';
import { PROCESSOR_ENV } from '../../core/ingestion/processor-env.js';
import {
  beginBatch,
  createDedupeWindow,
  deviceRegistry,
  emptyReasonCounts,
  isEnvelopeError,
  outcomeLine,
  parseEnvelope,
} from '../../core/ingestion/processor.js';
import type { PartitionKeys, ProcessorContext, ProcessorSettings } from '../../core/ingestion/processor.js';

/**
 * AWS Lambda adapter of the Firehose data transformation: decodes each record's rule envelope, runs the pure core
 * and returns the NDJSON line with the partition keys for dynamic partitioning. Quarantined records are returned
 * `Ok` with `zone=quarantine` so each keeps its reason in the raw zone; only a record that is not a rule envelope at
 * all (an infrastructure fault) is `ProcessingFailed` and lands under the error output prefix.
 *
 * Environment variables (PROCESSOR_ENV, read and validated once, at cold start):
 * - `SENSORLAKE_MAX_CLOCK_SKEW_SECONDS`: setting telemetryMaxClockSkewSeconds (default 300).
 * - `SENSORLAKE_MAX_LATENESS_HOURS`: setting telemetryMaxLatenessHours (default 72).
 * - `SENSORLAKE_KNOWN_DEVICES`: optional comma-separated device ids; when set, other devices are `unknown-device`.
 *   The stack leaves it unset in AWS on purpose (see HandlerSettings.knownDevices).
 * - `SENSORLAKE_DEDUPE_PER_DEVICE`: seqs remembered per device by this container's dedupe window (default 4096).
 * - `LOG_LEVEL`: setting logLevel, one of debug, info, warn, error (default info).
 */

/** One record of a Firehose data-transformation event. */
export interface FirehoseTransformationEventRecord {
  readonly recordId: string;
  readonly approximateArrivalTimestamp: number;
  /** Base64 of the record as the topic rule put it (the JSON rule envelope). */
  readonly data: string;
  readonly kinesisRecordMetadata?: unknown;
}

/** The event Firehose sends to a data-transformation Lambda. */
export interface FirehoseTransformationEvent {
  readonly invocationId: string;
  readonly deliveryStreamArn: string;
  readonly region: string;
  readonly records: readonly FirehoseTransformationEventRecord[];
}

/** One transformed record, as Firehose expects it back. */
export interface FirehoseTransformationResultRecord {
  recordId: string;
  result: 'Ok' | 'Dropped' | 'ProcessingFailed';
  data: string;
  metadata?: { partitionKeys: PartitionKeys };
}

/** The Lambda's response: one result per input record, same recordIds. */
export interface FirehoseTransformationResult {
  records: FirehoseTransformationResultRecord[];
}

/** Validated handler settings. */
export interface HandlerSettings extends ProcessorSettings {
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Devices to accept; others are quarantined as `unknown-device`. Deliberately unset in AWS: the IoT device policy
   * (certificate attached to a thing, client id = thing name) already refuses unknown devices at connect time, and
   * real fleets register things outside this stack, so a list here would go stale. The local twin and tests set it.
   */
  readonly knownDevices?: readonly string[];
  readonly dedupePerDevice: number;
}

function integerFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, check: (n: number) => boolean, expected: string, errors: ConfigError[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!check(value)) {
    errors.push(new ConfigError(name, raw, expected));
    return fallback;
  }
  return value;
}

/**
 * Reads and validates the handler's environment variables; unset ones take the sensorlake setting defaults. All
 * problems are reported together (ConfigErrors), each naming the variable, its value and what was expected.
 */
export function readHandlerSettings(env: NodeJS.ProcessEnv = process.env): HandlerSettings {
  const errors: ConfigError[] = [];
  const skew = SETTINGS.telemetryMaxClockSkewSeconds;
  const lateness = SETTINGS.telemetryMaxLatenessHours;
  const maxClockSkewSeconds = integerFrom(env, PROCESSOR_ENV.maxClockSkewSeconds, skew.default, (n) => skew.schema.safeParse(n).success, skew.expected, errors);
  const maxLatenessHours = integerFrom(env, PROCESSOR_ENV.maxLatenessHours, lateness.default, (n) => lateness.schema.safeParse(n).success, lateness.expected, errors);
  const dedupePerDevice = integerFrom(env, PROCESSOR_ENV.dedupePerDevice, 4096, (n) => Number.isInteger(n) && n >= 1 && n <= 1_000_000, 'an integer from 1 to 1000000', errors);
  const rawLevel = env[PROCESSOR_ENV.logLevel];
  let logLevel: HandlerSettings['logLevel'] = SETTINGS.logLevel.default;
  if (rawLevel !== undefined && rawLevel !== '') {
    const parsed = SETTINGS.logLevel.schema.safeParse(rawLevel.toLowerCase());
    if (parsed.success) logLevel = parsed.data;
    else errors.push(new ConfigError(PROCESSOR_ENV.logLevel, rawLevel, SETTINGS.logLevel.expected));
  }
  let knownDevices: string[] | undefined;
  const rawDevices = env[PROCESSOR_ENV.knownDevices];
  if (rawDevices !== undefined && rawDevices.trim() !== '') {
    knownDevices = rawDevices.split(',').map((id) => id.trim()).filter((id) => id !== '');
    const bad = knownDevices.find((id) => !isDeviceId(id));
    if (bad !== undefined) errors.push(new ConfigError(PROCESSOR_ENV.knownDevices, rawDevices, `comma-separated device ids (${JSON.stringify(bad)} is not one)`));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
  return { maxClockSkewSeconds, maxLatenessHours, logLevel, dedupePerDevice, ...(knownDevices ? { knownDevices } : {}) };
}

/**
 * Lambda's quota on a synchronous invocation's response (6 MB, i.e. 6 MiB); Firehose invokes the transformation
 * synchronously, and a larger response is refused by Lambda after the handler returned.
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** The invocation's response would exceed LAMBDA_RESPONSE_LIMIT_BYTES; nothing of it was committed. */
export class ResponseTooLargeError extends SensorlakeError {
  override name = 'ResponseTooLargeError';

  constructor(
    readonly bytes: number,
    readonly records: number,
  ) {
    super(
      `response of ${bytes} bytes for ${records} records exceeds Lambda's synchronous response limit of ${LAMBDA_RESPONSE_LIMIT_BYTES} bytes; ` +
        'nothing was committed and Firehose will retry the batch: lower the delivery stream\'s processor buffer size',
    );
  }
}

/** A Firehose transformation handler. */
export type FirehoseTransformationHandler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

/** The processor's Lambda logger (functionLogger with `fn` telemetry-processor). */
export function lambdaLogger(level: HandlerSettings['logLevel'], destination?: DestinationStream): Logger {
  return functionLogger('telemetry-processor', level, destination);
}

/**
 * Builds a handler with its own dedupe window (it lives as long as the Lambda container, which catches QoS 1
 * redeliveries close together). An invocation's dedupe keys enter the window only once its response is built and
 * within Lambda's response limit: if it throws (or the response is too large, ResponseTooLargeError), Firehose
 * retries the same records, and they must not be taken for their own duplicates.
 */
export function createHandler(settings: HandlerSettings, logger?: Logger): FirehoseTransformationHandler {
  const log = logger ?? lambdaLogger(settings.logLevel);
  const ctx: ProcessorContext = {
    settings,
    dedupe: createDedupeWindow({ perDevice: settings.dedupePerDevice }),
    ...(settings.knownDevices ? { knownDevices: deviceRegistry(settings.knownDevices) } : {}),
  };
  return async (event) => {
    const batch = beginBatch(ctx);
    const byReason = emptyReasonCounts();
    let accepted = 0;
    let failed = 0;
    const records = event.records.map((input): FirehoseTransformationResultRecord => {
      try {
        const envelope = parseEnvelope(Buffer.from(input.data, 'base64').toString('utf8'));
        const outcome = batch.process(envelope);
        if (outcome.kind === 'accepted') accepted += 1;
        else {
          byReason[outcome.reason] += 1;
          log.debug({ recordId: input.recordId, reason: outcome.reason, detail: outcome.record.detail, device: envelope.device_id }, 'quarantined');
        }
        return {
          recordId: input.recordId,
          result: 'Ok',
          data: Buffer.from(outcomeLine(outcome), 'utf8').toString('base64'),
          metadata: { partitionKeys: outcome.partitionKeys },
        };
      } catch (error) {
        if (!isEnvelopeError(error)) throw error;
        failed += 1;
        log.warn({ recordId: input.recordId, err: error.message }, 'record is not a rule envelope: ProcessingFailed');
        return { recordId: input.recordId, result: 'ProcessingFailed', data: input.data };
      }
    });
    const quarantined = Object.fromEntries(Object.entries(byReason).filter(([, n]) => n > 0));
    const counts = { invocationId: event.invocationId, records: records.length, accepted, quarantined, processingFailed: failed };
    const response = { records };
    // Lambda serializes the response as JSON; every character of it is ASCII (base64, ids, partition keys).
    const bytes = JSON.stringify(response).length;
    if (bytes > LAMBDA_RESPONSE_LIMIT_BYTES) {
      const error = new ResponseTooLargeError(bytes, records.length);
      log.error({ ...counts, responseBytes: bytes, limitBytes: LAMBDA_RESPONSE_LIMIT_BYTES, err: error.message }, 'response too large');
      throw error;
    }
    log.info({ ...counts, responseBytes: bytes }, 'batch processed');
    batch.commit();
    return response;
  };
}

/** The Lambda entry point; settings are validated when the module loads, so a bad variable fails the cold start. */
export const handler: FirehoseTransformationHandler = createHandler(readHandlerSettings());
