import { compilePolicy } from '../iam-evaluate.js';
import type { Decision } from '../iam-evaluate.js';
import type { AccountContext, PolicyDocument } from '../iam.js';
import { telemetryTopic } from './definitions.js';

/**
 * IoT policy condition key: the connection's thing name. With the stack's non-exclusive ThingPrincipalAttachment
 * (the default) AWS IoT takes it from the MQTT client id.
 */
export const THING_NAME_KEY = 'iot:Connection.Thing.ThingName';

/** IoT policy condition key: the MQTT client id of the connection. */
export const CLIENT_ID_KEY = 'iot:ClientId';

/** IoT policy condition key: true when the certificate is attached to the thing named by THING_NAME_KEY. */
export const IS_ATTACHED_KEY = 'iot:Connection.Thing.IsAttached';

/** IoT policy variable holding the name of the thing attached to the connecting certificate. */
export const THING_NAME_VARIABLE = `\${${THING_NAME_KEY}}`;

/** The IoT resource kinds a device policy names: a client id, a topic (publish, receive), a topic filter (subscribe). */
export type IotResourceKind = 'client' | 'topic' | 'topicfilter';

/** ARN of an IoT resource, e.g. `arn:aws:iot:eu-west-1:123456789012:topic/sensors/d1/telemetry`. */
export function iotResourceArn(account: AccountContext, kind: IotResourceKind, name: string): string {
  return `arn:${account.partition}:iot:${account.region}:${account.accountId}:${kind}/${name}`;
}

/**
 * The device policy: a certificate connects only with its own thing's name as client id (and only while it is
 * attached to that thing), and publishes only to that thing's telemetry topic.
 */
export function devicePolicyDocument(account: AccountContext): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ConnectAsOwnThing',
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: iotResourceArn(account, 'client', THING_NAME_VARIABLE),
        Condition: { Bool: { [IS_ATTACHED_KEY]: 'true' } },
      },
      {
        Sid: 'PublishOwnTelemetry',
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: iotResourceArn(account, 'topic', telemetryTopic(THING_NAME_VARIABLE)),
      },
    ],
  };
}

/**
 * Who is connecting: the MQTT client id (also the thing name, as AWS IoT takes it under a non-exclusive
 * attachment) and whether the connection's credentials are attached to that thing.
 */
export interface DevicePrincipal {
  readonly clientId: string;
  readonly attached: boolean;
}

/** The MQTT decisions of one connection, each evaluated against the policy document. */
export interface DeviceDecisions {
  /** iot:Connect on `client/<clientId>`. */
  connect(): Decision;
  publish(topic: string): Decision;
  subscribe(topicFilter: string): Decision;
  receive(topic: string): Decision;
}

/** A device policy compiled for an account, ready to decide per connection. */
export interface DevicePolicy {
  forConnection(principal: DevicePrincipal): DeviceDecisions;
}

/**
 * Compiles a device policy document (throws on a statement it cannot evaluate, naming the condition key); each
 * connection then gets precomputed matchers, so a publish costs one ARN concatenation and a set or regex test.
 */
export function compileDevicePolicy(document: PolicyDocument, account: AccountContext): DevicePolicy {
  const policy = compilePolicy(document);
  const topicPrefix = iotResourceArn(account, 'topic', '');
  const filterPrefix = iotResourceArn(account, 'topicfilter', '');
  const clientPrefix = iotResourceArn(account, 'client', '');
  return {
    forConnection(principal) {
      const { clientId, attached } = principal;
      const decide = policy.forContext({ [CLIENT_ID_KEY]: clientId, [THING_NAME_KEY]: clientId, [IS_ATTACHED_KEY]: attached });
      return {
        connect: () => decide('iot:Connect', clientPrefix + clientId),
        publish: (topic) => decide('iot:Publish', topicPrefix + topic),
        subscribe: (topicFilter) => decide('iot:Subscribe', filterPrefix + topicFilter),
        receive: (topic) => decide('iot:Receive', topicPrefix + topic),
      };
    },
  };
}
