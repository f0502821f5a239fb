import { describe, expect, it } from 'vitest';
import { PolicyEvaluationError, compilePolicy, evaluate } from './iam-evaluate.js';
import type { Decision, EvaluableDocument, EvaluableStatement, EvaluationContext } from './iam-evaluate.js';

const ARN = 'arn:aws:iot:eu-west-1:111122223333';
const THING = '${iot:Connection.Thing.ThingName}';
const attached: EvaluationContext = { 'iot:Connection.Thing.ThingName': 'd1', 'iot:Connection.Thing.IsAttached': true };

const doc = (...Statement: EvaluableStatement[]): EvaluableDocument => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[], extra: Partial<EvaluableStatement> = {}): EvaluableStatement => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[], extra: Partial<EvaluableStatement> = {}): EvaluableStatement => ({ Effect: 'Deny', Action, Resource, ...extra });

describe.each<[string, EvaluableDocument, string, string, EvaluationContext, Partial<Decision>]>([
  ['no statement applies: default deny', doc(), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: false, reason: 'implicit-deny' }],
  ['an exact resource', doc(allow('iot:Publish', `${ARN}:topic/a`, { Sid: 'A' })), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: true, statement: 'A' }],
  ['another action on the same resource', doc(allow('iot:Publish', `${ARN}:topic/a`)), 'iot:Subscribe', `${ARN}:topic/a`, attached, { allowed: false, reason: 'implicit-deny' }],
  ['actions are case-insensitive', doc(allow('IOT:publish', `${ARN}:topic/a`)), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: true }],
  ['an action wildcard', doc(allow('iot:*', `${ARN}:topic/a`)), 'iot:Receive', `${ARN}:topic/a`, attached, { allowed: true }],
  ['* in a resource spans / and :', doc(allow('iot:Publish', `${ARN}:topic/sensors/*`)), 'iot:Publish', `${ARN}:topic/sensors/d1/telemetry`, attached, { allowed: true }],
  ['? matches exactly one character', doc(allow('iot:Publish', `${ARN}:topic/d?`)), 'iot:Publish', `${ARN}:topic/d12`, attached, { allowed: false }],
  ['? matches one character', doc(allow('iot:Publish', `${ARN}:topic/d?`)), 'iot:Publish', `${ARN}:topic/d1`, attached, { allowed: true }],
  ['resource matching is case-sensitive', doc(allow('iot:Publish', `${ARN}:topic/A`)), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: false }],
  ['regex characters in a resource are literal', doc(allow('iot:Publish', `${ARN}:topic/a.b`)), 'iot:Publish', `${ARN}:topic/aXb`, attached, { allowed: false }],
  ['the thing-name variable is substituted', doc(allow('iot:Publish', `${ARN}:topic/sensors/${THING}/telemetry`)), 'iot:Publish', `${ARN}:topic/sensors/d1/telemetry`, attached, { allowed: true }],
  ['another thing\'s topic', doc(allow('iot:Publish', `${ARN}:topic/sensors/${THING}/telemetry`)), 'iot:Publish', `${ARN}:topic/sensors/d2/telemetry`, attached, { allowed: false }],
  ['a variable value is literal, not a wildcard', doc(allow('iot:Publish', `${ARN}:topic/${THING}`)), 'iot:Publish', `${ARN}:topic/anything`, { 'iot:Connection.Thing.ThingName': '*' }, { allowed: false }],
  ['a missing variable matches nothing', doc(allow('iot:Publish', `${ARN}:topic/${THING}`)), 'iot:Publish', `${ARN}:topic/`, {}, { allowed: false }],
  ['${*} is a literal star', doc(allow('iot:Publish', `${ARN}:topic/\${*}`)), 'iot:Publish', `${ARN}:topic/x`, attached, { allowed: false }],
  ['an explicit deny wins over an allow', doc(allow('iot:*', '*'), deny('iot:Publish', `${ARN}:topic/a`, { Sid: 'NoA' })), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: false, reason: 'explicit-deny', statement: 'NoA' }],
  ['a deny elsewhere leaves the allow', doc(allow('iot:*', '*', { Sid: 'All' }), deny('iot:Publish', `${ARN}:topic/a`)), 'iot:Publish', `${ARN}:topic/b`, attached, { allowed: true, statement: 'All' }],
  ['Bool true holds', doc(allow('iot:Connect', `${ARN}:client/${THING}`, { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } })), 'iot:Connect', `${ARN}:client/d1`, attached, { allowed: true }],
  ['Bool true fails when not attached', doc(allow('iot:Connect', `${ARN}:client/${THING}`, { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } })), 'iot:Connect', `${ARN}:client/d1`, { ...attached, 'iot:Connection.Thing.IsAttached': false }, { allowed: false }],
  ['Bool fails when the key is missing', doc(allow('iot:Connect', `${ARN}:client/d1`, { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } })), 'iot:Connect', `${ARN}:client/d1`, {}, { allowed: false }],
  ['StringEquals on the thing name', doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:Connection.Thing.ThingName': ['d1', 'd2'] } } })), 'iot:Connect', `${ARN}:client/x`, attached, { allowed: true }],
  ['StringLike with a wildcard', doc(allow('iot:Connect', '*', { Condition: { StringLike: { 'iot:Connection.Thing.ThingName': 'e*' } } })), 'iot:Connect', `${ARN}:client/x`, attached, { allowed: false }],
  ['a deny under a failing condition does not apply', doc(allow('iot:Publish', '*'), deny('iot:Publish', '*', { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'false' } } })), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: true }],
  ['StringNotEquals with the key absent holds, so the Deny applies', doc(allow('iot:Publish', '*'), deny('iot:Publish', '*', { Sid: 'NotD1', Condition: { StringNotEquals: { 'iot:ClientId': 'd1' } } })), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: false, reason: 'explicit-deny', statement: 'NotD1' }],
  ['StringNotLike with the key absent holds', doc(allow('iot:Publish', '*', { Condition: { StringNotLike: { 'iot:ClientId': 'd*' } } })), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: true }],
  ['StringNotLike with a matching value fails', doc(allow('iot:Publish', '*', { Condition: { StringNotLike: { 'iot:ClientId': 'd*' } } })), 'iot:Publish', `${ARN}:topic/a`, { ...attached, 'iot:ClientId': 'd1' }, { allowed: false }],
  ['StringNotEquals with another value holds', doc(allow('iot:Publish', '*', { Condition: { StringNotEquals: { 'iot:ClientId': 'd2' } } })), 'iot:Publish', `${ARN}:topic/a`, { ...attached, 'iot:ClientId': 'd1' }, { allowed: true }],
  ['a Bool Deny with the key absent does not apply', doc(allow('iot:Publish', '*'), deny('iot:Publish', '*', { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'false' } } })), 'iot:Publish', `${ARN}:topic/a`, { 'iot:Connection.Thing.ThingName': 'd1' }, { allowed: true }],
  ['StringEquals substitutes a variable in its value', doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:ClientId': THING } } })), 'iot:Connect', `${ARN}:client/d1`, { ...attached, 'iot:ClientId': 'd1' }, { allowed: true }],
  ['StringEquals with a substituted value that differs', doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:ClientId': THING } } })), 'iot:Connect', `${ARN}:client/d2`, { ...attached, 'iot:ClientId': 'd2' }, { allowed: false }],
  ['StringLike substitutes a variable and keeps its wildcards', doc(allow('iot:Connect', '*', { Condition: { StringLike: { 'iot:ClientId': `${THING}-*` } } })), 'iot:Connect', `${ARN}:client/x`, { ...attached, 'iot:ClientId': 'd1-backup' }, { allowed: true }],
  ['a substituted value is literal in StringLike', doc(allow('iot:Connect', '*', { Condition: { StringLike: { 'iot:ClientId': THING } } })), 'iot:Connect', `${ARN}:client/x`, { 'iot:Connection.Thing.ThingName': '*', 'iot:ClientId': 'd1' }, { allowed: false }],
  ['a condition value naming a missing variable: the statement does not apply', doc(allow('iot:Publish', '*'), deny('iot:Publish', '*', { Condition: { StringNotEquals: { 'iot:ClientId': THING } } })), 'iot:Publish', `${ARN}:topic/a`, { 'iot:ClientId': 'd1' }, { allowed: true }],
  ['condition keys are case-insensitive', doc(allow('iot:Connect', '*', { Condition: { Bool: { 'iot:connection.thing.isattached': 'true' } } })), 'iot:Connect', `${ARN}:client/d1`, attached, { allowed: true }],
  ['variable names are case-insensitive', doc(allow('iot:Publish', `${ARN}:topic/\${iot:connection.thing.thingname}`)), 'iot:Publish', `${ARN}:topic/d1`, attached, { allowed: true }],
  ['condition values stay case-sensitive', doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:connection.thing.thingname': 'D1' } } })), 'iot:Connect', `${ARN}:client/d1`, attached, { allowed: false }],
  ['* matches a newline', doc(allow('iot:Publish', '*'), deny('iot:Publish', `${ARN}:topic/secret/*`, { Sid: 'Secret' })), 'iot:Publish', `${ARN}:topic/secret/a\nb`, attached, { allowed: false, statement: 'Secret' }],
  ['? matches one astral code point', doc(allow('iot:Publish', `${ARN}:topic/x/?`)), 'iot:Publish', `${ARN}:topic/x/\u{1F600}`, attached, { allowed: true }],
  ['StringLike * matches a newline', doc(allow('iot:Connect', '*', { Condition: { StringLike: { 'iot:ClientId': 'a*' } } })), 'iot:Connect', `${ARN}:client/x`, { 'iot:ClientId': 'a\nb' }, { allowed: true }],
  ['NotAction: a Deny of everything but Connect denies Publish', doc(allow('iot:*', '*'), { Sid: 'OnlyConnect', Effect: 'Deny', NotAction: 'iot:Connect', Resource: '*' }), 'iot:Publish', `${ARN}:topic/a`, attached, { allowed: false, statement: 'OnlyConnect' }],
  ['NotAction: the excluded action is not denied', doc(allow('iot:*', '*'), { Effect: 'Deny', NotAction: 'iot:Connect', Resource: '*' }), 'iot:Connect', `${ARN}:client/d1`, attached, { allowed: true }],
  ['NotAction patterns are case-insensitive', doc({ Effect: 'Allow', NotAction: 'IOT:CONNECT', Resource: '*' }), 'iot:Connect', `${ARN}:client/d1`, attached, { allowed: false }],
  ['NotResource: an Allow of everything but one topic', doc({ Effect: 'Allow', Action: 'iot:Publish', NotResource: `${ARN}:topic/secret/*` }), 'iot:Publish', `${ARN}:topic/open`, attached, { allowed: true }],
  ['NotResource: the excluded topic is not allowed', doc({ Effect: 'Allow', Action: 'iot:Publish', NotResource: `${ARN}:topic/secret/*` }), 'iot:Publish', `${ARN}:topic/secret/x`, attached, { allowed: false }],
  ['NotResource substitutes variables', doc({ Effect: 'Allow', Action: 'iot:Publish', NotResource: `${ARN}:topic/${THING}` }), 'iot:Publish', `${ARN}:topic/d1`, attached, { allowed: false }],
  ['NotResource naming a missing variable: the statement does not apply', doc({ Effect: 'Allow', Action: 'iot:Publish', NotResource: `${ARN}:topic/${THING}` }), 'iot:Publish', `${ARN}:topic/other`, {}, { allowed: false, reason: 'implicit-deny' }],
  ['a variable\'s default value stands in for a missing key', doc(allow('iot:Publish', `${ARN}:topic/\${iot:ClientId, 'shared'}/*`)), 'iot:Publish', `${ARN}:topic/shared/1`, attached, { allowed: true }],
  ['a variable\'s default value is not used when the key is present', doc(allow('iot:Publish', `${ARN}:topic/\${iot:ClientId, 'shared'}/*`)), 'iot:Publish', `${ARN}:topic/shared/1`, { 'iot:ClientId': 'd1' }, { allowed: false }],
  ['context values compare as strings: StringEquals "true" on IsAttached', doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:Connection.Thing.IsAttached': 'true' } } })), 'iot:Connect', `${ARN}:client/d1`, attached, { allowed: true }],
])('evaluate: %s', (_name, document, action, resource, context, expected) => {
  it('GIVEN the document WHEN the request is evaluated THEN the decision is as IAM decides', () => {
    expect(evaluate(document, { action, resource, context })).toMatchObject(expected);
  });
});

describe.each<[string, EvaluableStatement, RegExp]>([
  ['an unknown condition key', allow('iot:Connect', '*', { Condition: { StringEquals: { 'aws:SourceIp': '10.0.0.1' } } }), /condition key aws:SourceIp is not known/],
  ['an unknown operator', allow('iot:Connect', '*', { Condition: { IpAddress: { 'iot:ClientId': 'x' } } }), /condition operator IpAddress is not supported/],
  ['a statement without a resource', { Effect: 'Allow', Action: 'iot:Connect' }, /has no Resource or NotResource/],
  ['a bad effect', { Effect: 'Maybe' as 'Allow', Action: 'iot:Connect', Resource: '*' }, /Effect "Maybe"/],
  ['a statement with Action and NotAction', { Effect: 'Allow', Action: 'iot:Connect', NotAction: 'iot:Publish', Resource: '*' }, /has both Action and NotAction/],
  ['a statement without Action or NotAction', { Effect: 'Allow', Resource: '*' }, /has no Action or NotAction/],
  ['a statement with Resource and NotResource', { Effect: 'Allow', Action: 'iot:Connect', Resource: '*', NotResource: 'x' }, /has both Resource and NotResource/],
])('compilePolicy refuses %s', (_name, statement, message) => {
  it('GIVEN the statement WHEN compiled THEN it throws naming the problem', () => {
    expect(() => compilePolicy(doc({ Sid: 'S', ...statement }))).toThrow(PolicyEvaluationError);
    expect(() => compilePolicy(doc({ Sid: 'S', ...statement }))).toThrow(message);
  });
});

describe('compilePolicy', () => {
  it('GIVEN a document compiled for a context WHEN asked twice THEN the decisions are the same as evaluate gives', () => {
    const document = doc(allow('iot:Publish', `${ARN}:topic/sensors/${THING}/*`, { Sid: 'P' }));
    const decide = compilePolicy(document).forContext(attached);
    for (const topic of ['sensors/d1/telemetry', 'sensors/d2/telemetry', 'sensors/d1/telemetry']) {
      expect(decide('iot:Publish', `${ARN}:topic/${topic}`)).toStrictEqual(evaluate(document, { action: 'iot:Publish', resource: `${ARN}:topic/${topic}`, context: attached }));
    }
  });

  it('GIVEN a known key list WHEN a statement uses a key outside it THEN compiling names the key', () => {
    const document = doc(allow('iot:Connect', '*', { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } }));
    expect(() => compilePolicy(document, ['iot:ClientId'])).toThrow('condition key iot:Connection.Thing.IsAttached is not known');
  });
});
