import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SNSClient } from '@aws-sdk/client-sns';
import { readAlertSettings } from '../../core/analytics/alerts-env.js';
import { createAlertsHandler } from './handler.js';
import type { AlertsHandler } from './handler.js';

/**
 * The anomaly-alerts Lambda's entry point (the analytics stack bundles this file). Settings are read from the
 * environment (ALERTS_ENV) and validated when the module loads, so a bad variable fails the cold start.
 */
export const handler: AlertsHandler = createAlertsHandler(readAlertSettings(process.env), {
  sns: new SNSClient({}),
  sagemaker: new SageMakerRuntimeClient({}),
  s3: new S3Client({}),
});
