import { describe, expect, it } from 'vitest';
import {
  firehoseRolePolicy,
  processorRolePolicy,
  ruleRolePolicy,
  type AccountContext,
  type PolicyDocument,
} from './iam.js';

const account: AccountContext = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };
const bucketArn = 'arn:aws:s3:::raw';
const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/k';
const streamArn = 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/s';
const fnArn = 'arn:aws:lambda:eu-west-1:111122223333:function:f';

function resources(doc: PolicyDocument): string[] {
  return doc.Statement.flatMap((s) => (s.Resource === undefined ? [] : typeof s.Resource === 'string' ? [s.Resource] : [...s.Resource]));
}

describe.each([
  [
    'ruleRolePolicy',
    ruleRolePolicy({ streamArn, bucketArn, errorPrefix: 'rule-errors/', keyArn }, account),
    [streamArn, `${bucketArn}/rule-errors/*`, keyArn],
  ],
  [
    'firehoseRolePolicy',
    firehoseRolePolicy(
      { bucketArn, prefixes: ['telemetry/', 'errors/'], keyArn, logStreamArn: 'arn:log-stream', processorArn: fnArn },
      account,
    ),
    [bucketArn, `${bucketArn}/telemetry/*`, `${bucketArn}/errors/*`, keyArn, 'arn:log-stream', fnArn, `${fnArn}:*`],
  ],
  [
    'processorRolePolicy',
    processorRolePolicy({ logGroupArn: 'arn:group', keyArn }, account),
    ['arn:group:log-stream:*', keyArn, '*'],
  ],
])('%s', (_name, doc, expected) => {
  it('grants on exactly the ARNs it was given (and "*" only for X-Ray)', () => {
    expect(resources(doc)).toStrictEqual(expected);
    for (const s of doc.Statement.filter((st) => st.Resource === '*')) {
      expect(s.Action).toStrictEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    }
  });

  it('allows only, with no wildcard action', () => {
    for (const s of doc.Statement) {
      expect(s.Effect).toBe('Allow');
      const actions = typeof s.Action === 'string' ? [s.Action] : s.Action;
      for (const action of actions) expect(action).not.toContain('*');
    }
  });
});
