import type { DestinationStream, Logger } from 'pino';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { SNSClient } from '@aws-sdk/client-sns';
import { processWindowInvocation } from '../../core/analytics/alerts.js';
import type { AlertCoreDeps, KinesisStreamEvent, TimeWindowEventResponse } from '../../core/analytics/alerts.js';
import type { AlertSettings } from '../../core/analytics/alerts-env.js';
import { functionLogger } from '../lambda-logger.js';
import { s3EndpointRecords } from './endpoint-records.js';
import { sageMakerScorer } from './sagemaker-scorer.js';
import type { ShingleFn } from './sagemaker-scorer.js';
import { snsPublisher } from './sns-publisher.js';

/**
 * AWS Lambda adapter of the real-time alert core: a Kinesis event source mapping with a tumbling window
 * (`TumblingWindowInSeconds` 10) and `ReportBatchItemFailures` invokes it; it runs core/analytics/alerts.ts with
 * the SageMaker RCF endpoint as the scorer (each room's TargetModel and threshold from the pipeline's record in S3,
 * cached SENSORLAKE_ENDPOINT_RECORD_TTL_SECONDS) and the SNS topic as the publisher, and returns the window state and the
 * batch item failures. Without an endpoint (SENSORLAKE_RCF_ENDPOINT_NAME unset) there is no scorer: every reading is
 * counted unscored and nothing alerts. A failed publish fails the invocation, so Lambda retries it; the alert id
 * (device and window start, the `alert_id` message attribute) keeps the repeat recognisable downstream.
 */

/** The clients the handler calls. */
export interface AlertClients {
  readonly sns: SNSClient;
  readonly sagemaker: SageMakerRuntimeClient;
  /** Reads the rooms' endpoint records. */
  readonly s3: S3Client;
}

/** A tumbling-window Kinesis handler. */
export type AlertsHandler = (event: KinesisStreamEvent) => Promise<TimeWindowEventResponse>;

/** The alert handler's Lambda logger (functionLogger with `fn` anomaly-alerts). */
export function alertsLogger(level: AlertSettings['logLevel'], destination?: DestinationStream): Logger {
  return functionLogger('anomaly-alerts', level, destination);
}

/** Builds the handler; the scorer's per-device shingle history lives as long as the container. */
export function createAlertsHandler(settings: AlertSettings, clients: AlertClients, options: { logger?: Logger; shingle?: ShingleFn; now?: () => number } = {}): AlertsHandler {
  const log = options.logger ?? alertsLogger(settings.logLevel);
  const deps: AlertCoreDeps = {
    ...(settings.endpointName === undefined
      ? {}
      : {
          scorer: sageMakerScorer({
            client: clients.sagemaker,
            endpointName: settings.endpointName,
            records: s3EndpointRecords({
              client: clients.s3,
              bucket: settings.recordsBucket as string,
              ttlSeconds: settings.recordTtlSeconds,
              ...(options.now ? { now: options.now } : {}),
            }),
            shingleSize: settings.shingleSize,
            ...(options.shingle ? { shingle: options.shingle } : {}),
          }),
        }),
    publisher: snsPublisher(clients.sns, settings.topicArn),
    rule: settings.rule,
    processor: settings.processor,
  };
  if (deps.scorer === undefined) log.warn({ variable: 'SENSORLAKE_RCF_ENDPOINT_NAME' }, 'no RCF endpoint configured: readings are counted unscored and never alert');
  return async (event) => {
    const context = { shardId: event.shardId, window: event.window, final: event.isFinalInvokeForWindow, terminatedEarly: event.isWindowTerminatedEarly };
    try {
      const result = await processWindowInvocation(event, deps);
      for (const failure of result.scoringErrors) log.warn({ ...context, device: failure.deviceId, err: failure.error }, 'scoring failed: records reported for retry');
      for (const alert of result.alerts) log.info({ ...context, alertId: alert.id, device: alert.deviceId, maxScore: alert.maxScore }, 'alert published');
      log.info({ ...context, ...result.counts, alerts: result.alerts.length, batchItemFailures: result.response.batchItemFailures }, 'window batch processed');
      return result.response;
    } catch (error) {
      log.error({ ...context, err: (error as Error).message }, 'invocation failed: Lambda retries the batch');
      throw error;
    }
  };
}
