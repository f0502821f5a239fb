import { beforeAll, describe, expect, it } from 'vitest';
import { runAnalyticsStack } from '../analytics/testing.js';
import { runLakeStack } from '../lake/testing.js';
import { runOrchestrationStack } from '../orchestration/testing.js';
import { runStackUnderMocks, type MockRun } from '../testing/index.js';
import { at } from './resources.js';
import { RULES, evaluateRules, ruleApplies } from './rules.js';
import type { CapturedResource } from './types.js';

/** The harness's capture as the rules see it (its fake outputs become `outputs`, used to link resources). */
function asRuleInput(run: MockRun): CapturedResource[] {
  return run.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, id: r.id, inputs: r.inputs, outputs: r.state }));
}

const STACKS = ['ingestion-dev', 'ingestion-prod', 'lake-dev', 'lake-prod', 'analytics-dev', 'analytics-prod', 'orchestration-dev', 'orchestration-prod'] as const;

/** analytics-prod runs with everything on (QuickSight, the RCF endpoint); analytics-dev with the defaults (both off). */
const ANALYTICS_PROD_CONFIG = {
  quicksight: JSON.stringify({ enabled: true, principalArn: 'arn:aws:quicksight:eu-west-1:123456789012:group/default/fleet-team' }),
  rcfEndpoint: JSON.stringify({ enabled: true }),
};
const runs = new Map<string, CapturedResource[]>();

beforeAll(async () => {
  // The mocks are process-global: run the stacks one after the other. The lake stacks upload the fixture ETL files.
  for (const stack of STACKS) {
    const env = stack.endsWith('-dev') ? 'dev' : 'prod';
    const run = stack.startsWith('lake-')
      ? await runLakeStack(env)
      : stack.startsWith('analytics-')
        ? await runAnalyticsStack(env, env === 'prod' ? { config: ANALYTICS_PROD_CONFIG } : {})
        : stack.startsWith('orchestration-')
          ? await runOrchestrationStack(env)
          : await runStackUnderMocks(stack);
    runs.set(stack, asRuleInput(run));
  }
});

/** One edit of one resource's inputs that must break exactly one rule, on the named field. */
interface Breakage {
  readonly title: string;
  readonly type: string;
  readonly edit: (inputs: Record<string, unknown>) => Record<string, unknown>;
  readonly rule: string;
  readonly field: string;
}

/** Applies the edit to the first resource of the type it changes, and expects only its rule to break, on its field. */
function expectOnlyThisRuleBreaks(stack: (typeof STACKS)[number], { type, edit, rule, field }: Breakage): void {
  const resources = runs.get(stack)!;
  const target = resources.find((r) => r.type === type && JSON.stringify(edit({ ...r.inputs })) !== JSON.stringify(r.inputs));
  expect(target, `the stack has a ${type}`).toBeDefined();
  const broken = resources.map((r) => (r === target ? { ...r, inputs: edit({ ...r.inputs }) } : r));
  const { violations } = evaluateRules(broken);
  expect(violations.length).toBeGreaterThan(0);
  expect(violations.every((v) => v.ruleId === rule)).toBe(true);
  expect(violations.some((v) => v.field.endsWith(field))).toBe(true);
}

describe.each(STACKS)('security rules over every resource of %s', (stack) => {
  it('finds no violation', () => {
    const { violations } = evaluateRules(runs.get(stack)!);
    expect(violations.map((v) => v.message)).toEqual([]);
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s checked every resource it targets', (_id, rule) => {
    const resources = runs.get(stack)!;
    const { checked } = evaluateRules(resources, [rule]);
    expect(checked[rule.id]).toBe(resources.filter((r) => ruleApplies(rule, r)).length);
  });
});

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
  it('saw resources it targets in at least one stack (no rule checks nothing)', () => {
    const seen = STACKS.map((stack) => evaluateRules(runs.get(stack)!, [rule]).checked[rule.id] ?? 0);
    expect(Math.max(...seen)).toBeGreaterThan(0);
  });
});

describe('the whole-stack check catches a broken lake stack', () => {
  const breakages: readonly Breakage[] = [
    { title: 'a job without the security configuration', type: 'aws:glue/job:Job', edit: (i) => ({ ...i, securityConfiguration: undefined }), rule: 'glue-security-configuration', field: 'securityConfiguration' },
    { title: 'a crawler naming a security configuration the stack does not have', type: 'aws:glue/crawler:Crawler', edit: (i) => ({ ...i, securityConfiguration: 'someone-elses' }), rule: 'glue-security-configuration', field: 'securityConfiguration' },
    {
      title: 'bookmarks not encrypted',
      type: 'aws:glue/securityConfiguration:SecurityConfiguration',
      edit: (i) => ({ ...i, encryptionConfiguration: { ...(i['encryptionConfiguration'] as object), jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'DISABLED' } } }),
      rule: 'glue-security-configuration',
      field: 'jobBookmarksEncryption.jobBookmarksEncryptionMode',
    },
    {
      title: 'a PASSWORD connection property',
      type: 'aws:glue/connection:Connection',
      edit: (i) => ({ ...i, connectionProperties: { ...(i['connectionProperties'] as object), PASSWORD: 'hunter2' } }),
      rule: 'secrets-in-secrets-manager',
      field: 'connectionProperties.PASSWORD',
    },
    {
      title: 'new folders only with UPDATE_IN_DATABASE',
      type: 'aws:glue/crawler:Crawler',
      edit: (i) => (at(i, 'recrawlPolicy.recrawlBehavior') === 'CRAWL_NEW_FOLDERS_ONLY' ? { ...i, schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' } } : i),
      rule: 'glue-crawler-policies',
      field: 'schemaChangePolicy.updateBehavior',
    },
    { title: 'a crawler without a recrawl policy', type: 'aws:glue/crawler:Crawler', edit: (i) => ({ ...i, recrawlPolicy: undefined }), rule: 'glue-crawler-policies', field: 'recrawlPolicy.recrawlBehavior' },
    { title: 'a public database', type: 'aws:rds/instance:Instance', edit: (i) => ({ ...i, publiclyAccessible: true }), rule: 'rds-encrypted-private', field: 'publiclyAccessible' },
    { title: 'unencrypted database storage', type: 'aws:rds/instance:Instance', edit: (i) => ({ ...i, storageEncrypted: false }), rule: 'rds-encrypted-private', field: 'storageEncrypted' },
    { title: 'a database password in the inputs', type: 'aws:rds/instance:Instance', edit: (i) => ({ ...i, manageMasterUserPassword: undefined, password: 'hunter2' }), rule: 'rds-encrypted-private', field: 'password' },
    { title: 'an unencrypted flow-log group', type: 'aws:cloudwatch/logGroup:LogGroup', edit: (i) => ({ ...i, kmsKeyId: undefined }), rule: 'log-group-retention-kms', field: 'kmsKeyId' },
    {
      title: 'a Glue role trusted without aws:SourceAccount',
      type: 'aws:iam/role:Role',
      edit: (i) => (String(i['assumeRolePolicy']).includes('glue.amazonaws.com') ? { ...i, assumeRolePolicy: String(i['assumeRolePolicy']).replace('aws:SourceAccount', 'aws:SourceVpc') } : i),
      rule: 'iam-trust-confused-deputy',
      field: 'aws:SourceAccount',
    },
  ];

  it.each(breakages)('$title', (breakage) => expectOnlyThisRuleBreaks('lake-dev', breakage));
});

describe('the whole-stack check catches a broken ingestion stack', () => {
  const breakages: readonly Breakage[] = [
    { title: 'key rotation off', type: 'aws:kms/key:Key', edit: (i) => ({ ...i, enableKeyRotation: false }), rule: 'kms-key-rotation', field: 'enableKeyRotation' },
    { title: 'processor tracing PassThrough', type: 'aws:lambda/function:Function', edit: (i) => ({ ...i, tracingConfig: { mode: 'PassThrough' } }), rule: 'lambda-tracing-logging', field: 'tracingConfig.mode' },
    { title: 'rule without error action', type: 'aws:iot/topicRule:TopicRule', edit: (i) => ({ ...i, errorAction: undefined }), rule: 'iot-rule-error-action', field: 'errorAction' },
    {
      title: 'a public access block relaxed',
      type: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
      edit: (i) => ({ ...i, blockPublicPolicy: false }),
      rule: 's3-public-access-block',
      field: 'blockPublicPolicy',
    },
    {
      title: 'a bucket policy that no longer denies plain HTTP',
      type: 'aws:s3/bucketPolicy:BucketPolicy',
      edit: (i) => ({ ...i, policy: String(i['policy']).replace('"aws:SecureTransport":"false"', '"aws:SecureTransport":"true"') }),
      rule: 's3-tls-only',
      field: 'aws:SecureTransport',
    },
    {
      title: 'the Firehose role trusted on aws:SourceAccount (the old, undocumented guard)',
      type: 'aws:iam/role:Role',
      edit: (i) =>
        String(i['assumeRolePolicy']).includes('firehose.amazonaws.com')
          ? { ...i, assumeRolePolicy: String(i['assumeRolePolicy']).replace('sts:ExternalId', 'aws:SourceAccount') }
          : i,
      rule: 'iam-trust-confused-deputy',
      field: 'sts:ExternalId',
    },
    {
      title: 'the access-log lifecycle without its delete-marker rule',
      type: 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
      edit: (i) => ({ ...i, rules: (i['rules'] as { id: string }[]).filter((r) => r.id !== 'housekeeping') }),
      rule: 's3-lifecycle-delete-markers',
      field: 'rules',
    },
  ];

  it.each(breakages)('$title', (breakage) => expectOnlyThisRuleBreaks('ingestion-dev', breakage));
});

describe('the whole-stack check catches a broken analytics stack', () => {
  const breakages: readonly Breakage[] = [
    { title: 'an unencrypted alert stream', type: 'aws:kinesis/stream:Stream', edit: (i) => ({ ...i, encryptionType: 'NONE' }), rule: 'kinesis-stream-kms', field: 'encryptionType' },
    { title: 'a dead-letter queue with SQS-managed keys', type: 'aws:sqs/queue:Queue', edit: (i) => ({ ...i, kmsMasterKeyId: undefined, sqsManagedSseEnabled: true }), rule: 'sqs-queue-kms', field: 'kmsMasterKeyId' },
    {
      title: 'a topic policy that no longer denies plain HTTP',
      type: 'aws:sns/topicPolicy:TopicPolicy',
      edit: (i) => ({ ...i, policy: String(i['policy']).replace('"aws:SecureTransport":"false"', '"aws:SecureTransport":"true"') }),
      rule: 'sns-topic-kms-tls',
      field: 'aws:SecureTransport',
    },
    { title: 'an unencrypted topic', type: 'aws:sns/topic:Topic', edit: (i) => ({ ...i, kmsMasterKeyId: undefined }), rule: 'sns-topic-kms-tls', field: 'kmsMasterKeyId' },
    {
      title: 'a workgroup clients may override',
      type: 'aws:athena/workgroup:Workgroup',
      edit: (i) => ({ ...i, configuration: { ...(i['configuration'] as object), enforceWorkgroupConfiguration: false } }),
      rule: 'athena-workgroup-enforced',
      field: 'enforceWorkgroupConfiguration',
    },
    { title: 'an event source mapping without a failure destination', type: 'aws:lambda/eventSourceMapping:EventSourceMapping', edit: (i) => ({ ...i, destinationConfig: undefined }), rule: 'lambda-stream-failure-handling', field: 'destinationArn' },
    {
      title: 'a SageMaker role trusted without aws:SourceAccount',
      type: 'aws:iam/role:Role',
      edit: (i) => (String(i['assumeRolePolicy']).includes('sagemaker.amazonaws.com') ? { ...i, assumeRolePolicy: String(i['assumeRolePolicy']).replace('aws:SourceAccount', 'aws:SourceVpc') } : i),
      rule: 'iam-trust-confused-deputy',
      field: 'aws:SourceAccount',
    },
    {
      title: 'the alert function allowed every stream',
      type: 'aws:iam/rolePolicy:RolePolicy',
      edit: (i) => (String(i['policy']).includes('ReadAlertStream') ? { ...i, policy: String(i['policy']).replace(/"Resource":"arn:aws:kinesis:[^"]+"/, '"Resource":"*"') } : i),
      rule: 'iam-no-wildcards',
      field: 'Resource',
    },
  ];

  it.each(breakages)('$title', (breakage) => expectOnlyThisRuleBreaks('analytics-dev', breakage));

  const prodBreakages: readonly Breakage[] = [
    { title: 'an endpoint volume without the key', type: 'aws:sagemaker/endpointConfiguration:EndpointConfiguration', edit: (i) => ({ ...i, kmsKeyArn: undefined }), rule: 'sagemaker-endpoint-kms', field: 'kmsKeyArn' },
    { title: 'a QuickSight data source with SSL off', type: 'aws:quicksight/dataSource:DataSource', edit: (i) => ({ ...i, sslProperties: { disableSsl: true } }), rule: 'quicksight-data-source-ssl', field: 'disableSsl' },
  ];

  it.each(prodBreakages)('$title (QuickSight and the endpoint on)', (breakage) => expectOnlyThisRuleBreaks('analytics-prod', breakage));
});

describe('the whole-stack check catches a broken orchestration stack', () => {
  const breakages: readonly Breakage[] = [
    { title: 'a state machine logging errors only', type: 'aws:sfn/stateMachine:StateMachine', edit: (i) => ({ ...i, loggingConfiguration: { ...(i['loggingConfiguration'] as object), level: 'ERROR' } }), rule: 'sfn-logging-tracing', field: 'loggingConfiguration.level' },
    { title: 'a state machine logging without execution data', type: 'aws:sfn/stateMachine:StateMachine', edit: (i) => ({ ...i, loggingConfiguration: { ...(i['loggingConfiguration'] as object), includeExecutionData: false } }), rule: 'sfn-logging-tracing', field: 'includeExecutionData' },
    { title: 'a log destination without ":*"', type: 'aws:sfn/stateMachine:StateMachine', edit: (i) => ({ ...i, loggingConfiguration: { ...(i['loggingConfiguration'] as object), logDestination: String(at(i, 'loggingConfiguration.logDestination')).replace(/:\*$/, '') } }), rule: 'sfn-logging-tracing', field: 'logDestination' },
    { title: 'a state machine without X-Ray', type: 'aws:sfn/stateMachine:StateMachine', edit: (i) => ({ ...i, tracingConfiguration: { enabled: false } }), rule: 'sfn-logging-tracing', field: 'tracingConfiguration.enabled' },
    { title: 'a schedule without a dead-letter queue', type: 'aws:scheduler/schedule:Schedule', edit: (i) => ({ ...i, target: { ...(i['target'] as object), deadLetterConfig: undefined } }), rule: 'scheduler-retry-dlq-kms', field: 'target.deadLetterConfig.arn' },
    { title: 'a schedule with the default retry policy', type: 'aws:scheduler/schedule:Schedule', edit: (i) => ({ ...i, target: { ...(i['target'] as object), retryPolicy: undefined } }), rule: 'scheduler-retry-dlq-kms', field: 'target.retryPolicy.maximumRetryAttempts' },
    { title: 'a schedule without its key', type: 'aws:scheduler/schedule:Schedule', edit: (i) => ({ ...i, kmsKeyArn: undefined }), rule: 'scheduler-retry-dlq-kms', field: 'kmsKeyArn' },
    { title: 'an S3 invoke permission without the source bucket', type: 'aws:lambda/permission:Permission', edit: (i) => ({ ...i, sourceArn: undefined }), rule: 'lambda-permission-source', field: 'sourceArn' },
    { title: 'an S3 invoke permission without the source account', type: 'aws:lambda/permission:Permission', edit: (i) => ({ ...i, sourceAccount: undefined }), rule: 'lambda-permission-source', field: 'sourceAccount' },
    {
      title: 'log delivery mixed with a resource-scoped action on "*"',
      type: 'aws:iam/rolePolicy:RolePolicy',
      edit: (i) => (String(i['policy']).includes('logs:CreateLogDelivery') ? { ...i, policy: String(i['policy']).replace('"logs:CreateLogDelivery"', '"logs:CreateLogDelivery","states:StartExecution"') } : i),
      rule: 'iam-no-wildcards',
      field: 'Resource',
    },
    {
      title: 'the state machine role trusted without aws:SourceAccount',
      type: 'aws:iam/role:Role',
      edit: (i) => (String(i['assumeRolePolicy']).includes('states.amazonaws.com') ? { ...i, assumeRolePolicy: String(i['assumeRolePolicy']).replace('aws:SourceAccount', 'aws:SourceArn') } : i),
      rule: 'iam-trust-confused-deputy',
      field: 'aws:SourceAccount',
    },
  ];

  it.each(breakages)('$title', (breakage) => expectOnlyThisRuleBreaks('orchestration-dev', breakage));
});
