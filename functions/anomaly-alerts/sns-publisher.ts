import { PublishCommand } from '@aws-sdk/client-sns';
import type { SNSClient } from '@aws-sdk/client-sns';
import { alertMessage, alertSubject } from '../../core/analytics/alerts.js';
import type { AlertPublisher } from '../../core/analytics/alerts.js';

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
          Message: JSON.stringify(alertMessage(alert)),
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
