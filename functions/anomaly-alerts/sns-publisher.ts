import { PublishCommand } from '@aws-sdk/client-sns';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher, AnomalyAlert } from '../../core/analytics/alerts.js';

/** SNS subjects are at most 100 printable ASCII characters. */
const SUBJECT_LIMIT = 100;

/** The subject line of an alert (what an e-mail subscription shows). */
export function alertSubject(alert: AnomalyAlert): string {
  const subject = `sensorlake anomaly: ${alert.deviceId}${alert.roomId === null ? '' : ` in ${alert.roomId}`} at ${alert.window.start}`;
  return subject.length <= SUBJECT_LIMIT ? subject : `${subject.slice(0, SUBJECT_LIMIT - 3)}...`;
}

/** The JSON message body of an alert. */
export function alertMessage(alert: AnomalyAlert): string {
  return JSON.stringify({
    id: alert.id,
    device: alert.deviceId,
    room: alert.roomId,
    window: alert.window,
    count: alert.anomalousReadings,
    warmReadings: alert.warmReadings,
    readings: alert.readings,
    maxScore: alert.maxScore,
    threshold: alert.threshold,
    firstAnomalousAt: alert.firstAnomalousAt,
    lastAnomalousAt: alert.lastAnomalousAt,
    windowTerminatedEarly: alert.windowTerminatedEarly,
  });
}

/**
 * Publishes alerts to a standard SNS topic. The alert's deterministic id travels as the `alert_id` message
 * attribute (subscribers filter or deduplicate on it: a retried final invocation publishes the same id again), with
 * the device and room so subscription filter policies can route by them.
 */
export function snsPublisher(client: SNSClient, topicArn: string): AlertPublisher {
  return {
    async publish(alert) {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: alertSubject(alert),
          Message: alertMessage(alert),
          MessageAttributes: {
            alert_id: { DataType: 'String', StringValue: alert.id },
            device_id: { DataType: 'String', StringValue: alert.deviceId },
            // SNS refuses an empty string attribute value.
            ...(alert.roomId === null ? {} : { room_id: { DataType: 'String', StringValue: alert.roomId } }),
            window_start: { DataType: 'String', StringValue: alert.window.start },
          },
        }),
      );
    },
  };
}
