import { describe, expect, it } from 'vitest';
import type { AccountContext, PolicyDocument } from '../iam.js';
import { PolicyEvaluationError } from '../iam-evaluate.js';
import { telemetryTopic } from './definitions.js';
import { IS_ATTACHED_KEY, THING_NAME_VARIABLE, compileDevicePolicy, devicePolicyDocument, iotResourceArn } from './device-policy.js';
import type { DeviceDecisions } from './device-policy.js';

const ACCOUNT: AccountContext = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };
const DEPLOYED = devicePolicyDocument(ACCOUNT);

function decisions(document: PolicyDocument, clientId = 'd1', attached = true): DeviceDecisions {
  return compileDevicePolicy(document, ACCOUNT).forConnection({ clientId, attached });
}

type Check = (d: DeviceDecisions) => boolean;
const connectOwn: Check = (d) => d.connect().allowed;
const publishOwn: Check = (d) => d.publish(telemetryTopic('d1')).allowed;
const publishOther: Check = (d) => d.publish(telemetryTopic('d2')).allowed;
const subscribeOwn: Check = (d) => d.subscribe(telemetryTopic('d1')).allowed;

describe.each<[string, Check, boolean]>([
  ['connect with its own thing name as client id', connectOwn, true],
  ['publish to its own telemetry topic', publishOwn, true],
  ['publish to another device\'s topic', publishOther, false],
  ['subscribe (the deployed policy allows none)', subscribeOwn, false],
  ['receive', (d) => d.receive(telemetryTopic('d1')).allowed, false],
])('the deployed device policy, attached device d1: %s', (_name, check, allowed) => {
  it(`GIVEN devicePolicyDocument WHEN evaluated THEN ${allowed ? 'allowed' : 'denied'}`, () => {
    expect(check(decisions(DEPLOYED))).toBe(allowed);
  });
});

describe('a changed policy document changes the decision', () => {
  it('GIVEN the certificate is not attached to the thing WHEN connecting THEN denied; removing the IsAttached condition allows it', () => {
    expect(connectOwn(decisions(DEPLOYED, 'd1', false))).toBe(false);
    const withoutCondition: PolicyDocument = { ...DEPLOYED, Statement: DEPLOYED.Statement.map(({ Condition: _c, ...s }) => s) };
    expect(connectOwn(decisions(withoutCondition, 'd1', false))).toBe(true);
  });

  it('GIVEN a statement allowing iot:Subscribe on its own topic filter WHEN subscribing THEN allowed, and only there', () => {
    const document: PolicyDocument = {
      ...DEPLOYED,
      Statement: [...DEPLOYED.Statement, { Effect: 'Allow', Action: 'iot:Subscribe', Resource: iotResourceArn(ACCOUNT, 'topicfilter', telemetryTopic(THING_NAME_VARIABLE)) }],
    };
    expect(subscribeOwn(decisions(document))).toBe(true);
    expect(decisions(document).subscribe(telemetryTopic('d2')).allowed).toBe(false);
  });

  it('GIVEN a publish resource with a topic wildcard WHEN publishing to any device THEN allowed (the policy, not the broker, decides)', () => {
    const document: PolicyDocument = { ...DEPLOYED, Statement: [DEPLOYED.Statement[0]!, { Effect: 'Allow', Action: 'iot:Publish', Resource: iotResourceArn(ACCOUNT, 'topic', 'sensors/*') }] };
    expect(publishOther(decisions(document))).toBe(true);
  });

  it('GIVEN an explicit deny of publishing WHEN publishing to its own topic THEN denied by that statement', () => {
    const document: PolicyDocument = { ...DEPLOYED, Statement: [...DEPLOYED.Statement, { Sid: 'Quiet', Effect: 'Deny', Action: 'iot:Publish', Resource: '*' }] };
    expect(decisions(document).publish(telemetryTopic('d1'))).toStrictEqual({ allowed: false, reason: 'explicit-deny', statement: 'Quiet' });
  });

  it('GIVEN a condition key the evaluator does not know WHEN compiling THEN it throws naming the key', () => {
    const document: PolicyDocument = { ...DEPLOYED, Statement: [{ ...DEPLOYED.Statement[0]!, Condition: { Bool: { [IS_ATTACHED_KEY]: 'true', 'iot:Connection.Thing.IsOnline': 'true' } } }] };
    expect(() => compileDevicePolicy(document, ACCOUNT)).toThrow(PolicyEvaluationError);
    expect(() => compileDevicePolicy(document, ACCOUNT)).toThrow(/iot:Connection\.Thing\.IsOnline/);
  });
});

describe.each<[string, string, boolean, boolean]>([
  ['client d1, attached to thing d1', 'd1', true, true],
  ['client d2, the certificate not attached to thing d2', 'd2', false, false],
])('the deployed policy: the thing name is the client id (non-exclusive attachment): %s', (_name, clientId, attached, allowed) => {
  it(`GIVEN the connection WHEN it connects THEN ${allowed ? 'allowed' : 'denied'}`, () => {
    expect(decisions(DEPLOYED, clientId, attached).connect().allowed).toBe(allowed);
  });
});

describe('iot:ClientId is the connection\'s MQTT client id', () => {
  const byClientId: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: iotResourceArn(ACCOUNT, 'client', '${iot:ClientId}') },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: iotResourceArn(ACCOUNT, 'topic', telemetryTopic('${iot:ClientId}')) },
    ],
  };

  it('GIVEN a policy naming client/${iot:ClientId} WHEN client d1 connects and publishes THEN allowed on its own topic only', () => {
    const d = decisions(byClientId, 'd1');
    expect([d.connect().allowed, d.publish(telemetryTopic('d1')).allowed, d.publish(telemetryTopic('d2')).allowed]).toStrictEqual([true, true, false]);
  });

  it('GIVEN a Deny unless iot:ClientId equals the thing name (a variable in the value) WHEN connecting THEN the deployed allow stands', () => {
    const document: PolicyDocument = { ...DEPLOYED, Statement: [...DEPLOYED.Statement, { Sid: 'OwnName', Effect: 'Deny', Action: 'iot:*', Resource: '*', Condition: { StringNotEquals: { 'iot:ClientId': THING_NAME_VARIABLE } } }] };
    expect(decisions(document, 'd1').connect()).toMatchObject({ allowed: true });
  });
});
