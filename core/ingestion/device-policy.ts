import type { AccountContext, PolicyDocument } from '../iam.js';
import { telemetryTopic } from './definitions.js';

/** IoT policy variable holding the name of the thing attached to the connecting certificate. */
export const THING_NAME_VARIABLE = '${iot:Connection.Thing.ThingName}';

/**
 * The device policy: a certificate connects only with its own thing's name as client id (and only while it is
 * attached to that thing), and publishes only to that thing's telemetry topic.
 */
export function devicePolicyDocument(account: AccountContext): PolicyDocument {
  const iotArn = `arn:${account.partition}:iot:${account.region}:${account.accountId}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ConnectAsOwnThing',
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `${iotArn}:client/${THING_NAME_VARIABLE}`,
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      {
        Sid: 'PublishOwnTelemetry',
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: `${iotArn}:topic/${telemetryTopic(THING_NAME_VARIABLE)}`,
      },
    ],
  };
}

