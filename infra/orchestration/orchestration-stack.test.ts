import { beforeAll, describe, expect, it } from 'vitest';
import { orchestrationOutputsSchema } from '../../core/contracts.js';
import { readArchiveDropSettings } from '../../core/orchestration/archive-drop-env.js';
import { processArchiveDrop, TEMPORARY_PREFIX } from '../../core/orchestration/archive-drop.js';
import { MemoryDropStore, MemoryPipeline, TEST_LIMITS, zipOf } from '../../core/orchestration/archive-drop.testing.js';
import { readEnvironmentConfig, type Environment } from '../../core/settings.js';
import { parsePolicyDocument } from '../policies/documents.js';
import { evaluateRules } from '../policies/rules.js';
import { MOCK_ACCOUNT_ID, mockIngestionOutputs, type CapturedResource, type MockRun } from '../testing/index.js';
import { LOG_DELIVERY_ACTIONS, STATES_XRAY_ACTIONS } from './iam.js';
import { runOrchestrationStack } from './testing.js';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Principal?: unknown; Condition?: unknown };

function statements(policy: unknown): Statement[] {
  return (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** Every (action, resource) pair a policy allows, sorted: what "exactly" compares. */
function grants(policy: unknown): string[] {
  return statements(policy)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => list(s.Action).flatMap((a) => list(s.Resource).map((r) => `${a} ${r}`)))
    .sort();
}

function policyOf(run: MockRun, role: CapturedResource): unknown {
  const policy = run.ofType('aws:iam/rolePolicy:RolePolicy').find((p) => p.name === `${role.name}-policy`);
  return policy?.inputs['policy'];
}

/**
 * What each integration of a rendered definition needs, read from the Task's own Parameters (not from the
 * builder's statements): the independent side of the exact comparison.
 */
function integrationGrants(definition: { States: Record<string, { Type: string; Resource?: string; Parameters?: Record<string, string> }> }, region: string): string[] {
  const out: string[] = [];
  for (const state of Object.values(definition.States)) {
    if (state.Type !== 'Task') continue;
    const p = state.Parameters ?? {};
    switch (state.Resource) {
      case 'arn:aws:states:::sns:publish':
        out.push(`sns:Publish ${p['TopicArn']}`);
        break;
      case 'arn:aws:states:::states:startExecution.sync:2': {
        const executions = `${String(p['StateMachineArn']).replace(':stateMachine:', ':execution:')}:*`;
        const rule = `arn:aws:events:${region}:${MOCK_ACCOUNT_ID}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`;
        out.push(`states:StartExecution ${p['StateMachineArn']}`, `states:DescribeExecution ${executions}`, `states:StopExecution ${executions}`);
        out.push(...['events:DescribeRule', 'events:PutRule', 'events:PutTargets'].map((a) => `${a} ${rule}`));
        break;
      }
      default:
        throw new Error(`no expectation for integration ${state.Resource}`);
    }
  }
  return out;
}

const runs = new Map<Environment, MockRun>();
beforeAll(async () => {
  for (const env of ['dev', 'prod'] as const) runs.set(env, await runOrchestrationStack(env));
});

describe.each(['dev', 'prod'] as const)('orchestration-%s', (env) => {
  const run = () => runs.get(env)!;
  const config = readEnvironmentConfig(env);
  const one = (type: string, name: string) => run().get(type, name);
  const key = () => run().ofType('aws:kms/key:Key')[0]!;
  const keyArn = () => key().state['arn'];

  it('GIVEN the stack THEN its outputs are exactly the orchestration contract', () => {
    expect(orchestrationOutputsSchema.strict().safeParse(run().outputs).success).toBe(true);
  });

  it('GIVEN the stack THEN the project policy pack finds no violation', () => {
    const resources = run().resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, id: r.id, inputs: r.inputs, outputs: r.state }));
    expect(evaluateRules(resources).violations.map((v) => v.message)).toEqual([]);
  });

  describe.each(['pipeline', 'room'] as const)('the %s state machine', (role) => {
    const machine = () => one('aws:sfn/stateMachine:StateMachine', `orchestration-${role}-machine`);
    const logGroup = () => one('aws:cloudwatch/logGroup:LogGroup', `orchestration-${role}-logs`);

    it('THEN it is STANDARD, logs ALL with execution data to its own group (ARN:*), and is traced', () => {
      expect(machine().inputs['type']).toBe('STANDARD');
      expect(machine().inputs['name']).toBe(`sensorlake-${env}-${role}`);
      expect(machine().inputs['loggingConfiguration']).toEqual({ level: 'ALL', includeExecutionData: true, logDestination: `${String(logGroup().state['arn'])}:*` });
      expect(machine().inputs['tracingConfiguration']).toEqual({ enabled: true });
    });

    it('THEN its log group is encrypted with the orchestration key and kept the configured days', () => {
      expect(logGroup().inputs['kmsKeyId']).toBe(keyArn());
      expect(logGroup().inputs['retentionInDays']).toBe(config.logRetentionDays);
      expect(logGroup().inputs['name']).toBe(`/sensorlake/orchestration-${env}/states/${role}`);
    });

    it('THEN its role grants exactly what its Tasks integrate with, plus log delivery and X-Ray on "*"', () => {
      const roleResource = one('aws:iam/role:Role', `orchestration-${role}-role`);
      const definition = JSON.parse(String(machine().inputs['definition']));
      const expected = [
        ...integrationGrants(definition, 'eu-west-1'),
        ...LOG_DELIVERY_ACTIONS.map((a) => `${a} *`),
        ...STATES_XRAY_ACTIONS.map((a) => `${a} *`),
        ...(role === 'pipeline' ? ['kms:Decrypt', 'kms:GenerateDataKey'].map((a) => `${a} ${String(keyArn())}`) : []),
      ].sort();
      expect(grants(policyOf(run(), roleResource))).toEqual(expected);
      expect(statements(roleResource.inputs['assumeRolePolicy'])).toEqual([
        { Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': MOCK_ACCOUNT_ID } } },
      ]);
    });
  });

  it('GIVEN the pipeline THEN it nests the room machine by its real ARN', () => {
    const pipeline = JSON.parse(String(one('aws:sfn/stateMachine:StateMachine', 'orchestration-pipeline-machine').inputs['definition']));
    const room = one('aws:sfn/stateMachine:StateMachine', 'orchestration-room-machine');
    expect(pipeline.States['Rooms'].Parameters.StateMachineArn).toBe(room.state['arn']);
  });

  it('GIVEN the failure topic THEN it is KMS-encrypted, TLS-only, and only the machines\' roles may publish', () => {
    const topic = one('aws:sns/topic:Topic', 'orchestration-failures');
    expect(topic.inputs['kmsMasterKeyId']).toBe(keyArn());
    const policy = statements(one('aws:sns/topicPolicy:TopicPolicy', 'orchestration-failures-policy').inputs['policy']);
    const roles = ['pipeline', 'room'].map((r) => one('aws:iam/role:Role', `orchestration-${r}-role`).state['arn']);
    expect(policy).toEqual([
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: topic.state['arn'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'PublishFromThePipeline', Effect: 'Allow', Principal: { AWS: roles }, Action: 'sns:Publish', Resource: topic.state['arn'] },
    ]);
  });

  it('GIVEN the schedule THEN it starts the pipeline with its own role, a retry policy, a DLQ, the key and the configured expression', () => {
    const schedule = one('aws:scheduler/schedule:Schedule', 'orchestration-schedule-schedule');
    const dlq = one('aws:sqs/queue:Queue', 'orchestration-schedule-dlq');
    const role = one('aws:iam/role:Role', 'orchestration-schedule-role');
    const pipelineArn = one('aws:sfn/stateMachine:StateMachine', 'orchestration-pipeline-machine').state['arn'];
    expect(schedule.inputs).toMatchObject({
      scheduleExpression: config.pipelineScheduleExpression,
      scheduleExpressionTimezone: config.pipelineScheduleTimezone,
      state: 'ENABLED',
      kmsKeyArn: keyArn(),
      flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: config.pipelineScheduleWindowMinutes },
      target: {
        arn: pipelineArn,
        roleArn: role.state['arn'],
        retryPolicy: { maximumRetryAttempts: config.pipelineScheduleMaxRetries, maximumEventAgeInSeconds: config.pipelineScheduleMaxEventAgeSeconds },
        deadLetterConfig: { arn: dlq.state['arn'] },
      },
    });
    expect(dlq.inputs['kmsMasterKeyId']).toBe(keyArn());
    expect(grants(policyOf(run(), role))).toEqual(
      [`states:StartExecution ${pipelineArn}`, `sqs:SendMessage ${dlq.state['arn']}`, `kms:Decrypt ${keyArn()}`, `kms:GenerateDataKey ${keyArn()}`].sort(),
    );
    expect(statements(role.inputs['assumeRolePolicy'])[0]).toMatchObject({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': MOCK_ACCOUNT_ID } } });
  });

  describe('the archive drop', () => {
    const fn = () => one('aws:lambda/function:Function', 'orchestration-drop-function');
    const staging = () => one('aws:s3/bucket:Bucket', 'orchestration-drop-staging-bucket');
    const raw = mockIngestionOutputs(env);

    it('THEN in/*.zip objects created in the staging bucket invoke the function, which only that bucket and account may do', () => {
      expect(one('aws:s3/bucketNotification:BucketNotification', 'orchestration-drop-notification').inputs).toMatchObject({
        bucket: staging().id,
        lambdaFunctions: [{ lambdaFunctionArn: fn().state['arn'], events: ['s3:ObjectCreated:*'], filterPrefix: 'in/', filterSuffix: '.zip' }],
      });
      expect(one('aws:lambda/permission:Permission', 'orchestration-drop-s3-invoke').inputs).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 's3.amazonaws.com',
        sourceArn: staging().state['arn'],
        sourceAccount: MOCK_ACCOUNT_ID,
      });
    });

    it('THEN the function has reserved concurrency, a KMS-encrypted DLQ, and settings its handler accepts', () => {
      const dlq = one('aws:sqs/queue:Queue', 'orchestration-drop-dlq');
      expect(fn().inputs['reservedConcurrentExecutions']).toBe(config.archiveDropConcurrency);
      expect(fn().inputs['deadLetterConfig']).toEqual({ targetArn: dlq.state['arn'] });
      expect(dlq.inputs['kmsMasterKeyId']).toBe(keyArn());
      expect(fn().inputs['tracingConfig']).toEqual({ mode: 'Active' });
      const settings = readArchiveDropSettings(fn().inputs['environment'] ? (fn().inputs['environment'] as { variables: Record<string, string> }).variables : {});
      expect(settings).toMatchObject({ stagingBucket: staging().state['bucket'], rawBucket: raw.rawBucketName, tables: ['readings'], limits: { maxEntries: config.archiveMaxEntries, maxEntryBytes: config.archiveMaxEntryMiB * 1024 * 1024 } });
      expect(one('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'orchestration-drop-invoke-config').inputs).toMatchObject({ maximumRetryAttempts: 2 });
    });

    it('THEN its role grants exactly the drop\'s reads, moves, raw table writes, the start, the DLQ and the keys', () => {
      const role = one('aws:iam/role:Role', 'orchestration-drop-role');
      const stagingArn = String(staging().state['arn']);
      const logGroupArn = String(one('aws:cloudwatch/logGroup:LogGroup', 'orchestration-drop-logs').state['arn']);
      const pipelineArn = one('aws:sfn/stateMachine:StateMachine', 'orchestration-pipeline-machine').state['arn'];
      const dlqArn = one('aws:sqs/queue:Queue', 'orchestration-drop-dlq').state['arn'];
      expect(grants(policyOf(run(), role))).toEqual(
        [
          `logs:CreateLogStream ${logGroupArn}:log-stream:*`,
          `logs:PutLogEvents ${logGroupArn}:log-stream:*`,
          `kms:Decrypt ${keyArn()}`,
          'xray:PutTraceSegments *',
          'xray:PutTelemetryRecords *',
          `s3:GetObject ${stagingArn}/in/*`,
          `s3:ListBucket ${stagingArn}`,
          `s3:DeleteObject ${stagingArn}/in/*`,
          `s3:PutObject ${stagingArn}/failed/*`,
          `s3:DeleteObject ${stagingArn}/tmp/*`,
          `s3:GetObject ${stagingArn}/tmp/*`,
          `s3:PutObject ${stagingArn}/tmp/*`,
          `s3:PutObject ${raw.rawBucketArn}/readings/*`,
          `states:StartExecution ${pipelineArn}`,
          `sqs:SendMessage ${dlqArn}`,
          `kms:Decrypt ${keyArn()}`,
          `kms:GenerateDataKey ${keyArn()}`,
          `kms:GenerateDataKey ${raw.kmsKeyArn}`,
          `kms:Decrypt ${keyArn()}`,
          `kms:GenerateDataKey ${keyArn()}`,
        ].sort(),
      );
      const parsed = parsePolicyDocument(policyOf(run(), role));
      expect(parsed.ok).toBe(true);
    });

    it('THEN its lifecycle expires what a crashed drop left under the prefix the function stages entries in, and aborts its unfinished uploads', async () => {
      const lifecycle = run().ofType('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').find((l) => l.inputs['bucket'] === staging().id);
      const rules = (lifecycle?.inputs['rules'] ?? []) as { filter?: { prefix?: string }; expiration?: { days?: number }; noncurrentVersionExpiration?: { noncurrentDays?: number }; abortIncompleteMultipartUpload?: { daysAfterInitiation?: number } }[];
      const temporary = rules.filter((r) => r.filter?.prefix === TEMPORARY_PREFIX);
      expect(temporary).toHaveLength(1);
      // Bounded: a day or more (a drop runs at most Lambda's 15 minutes), and not kept for long.
      for (const days of [temporary[0]!.expiration?.days, temporary[0]!.noncurrentVersionExpiration?.noncurrentDays, temporary[0]!.abortIncompleteMultipartUpload?.daysAfterInitiation]) {
        expect(days).toBeGreaterThanOrEqual(1);
        expect(days).toBeLessThanOrEqual(7);
      }
      // The keys the function's core writes entries to lie under the rule's prefix.
      const store = new MemoryDropStore();
      const written: string[] = [];
      const writeTemporary = store.writeTemporary.bind(store);
      store.writeTemporary = async (key, body) => (written.push(key), writeTemporary(key, body));
      store.staged.set('in/readings.zip', zipOf({ 'a.csv': 'x\n', 'dt=2010-05-09/b.csv': 'y\n' }));
      const result = await processArchiveDrop({ bucket: 'staging-bucket', key: 'in/readings.zip' }, { store, pipeline: new MemoryPipeline(), limits: TEST_LIMITS, tables: ['readings'] });
      expect(result.status).toBe('started');
      expect(written).toHaveLength(2);
      for (const key of written) expect(key.startsWith(temporary[0]!.filter!.prefix!)).toBe(true);
    });

    it('THEN the staging bucket is a SecureBucket under the orchestration key', () => {
      const encryption = run().ofType('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration').find((e) => e.inputs['bucket'] === staging().id);
      expect(encryption?.inputs['rules']).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn() }, bucketKeyEnabled: true }]);
    });
  });
});

describe('settings reach the stack', () => {
  it('GIVEN two failure emails WHEN deployed THEN each is an email subscription of the failure topic', async () => {
    const run = await runOrchestrationStack('dev', { config: { orchestrationFailureEmails: 'ops@example.com, data@example.com' } });
    const topicArn = run.get('aws:sns/topic:Topic', 'orchestration-failures').state['arn'];
    const subscriptions = run.ofType('aws:sns/topicSubscription:TopicSubscription').map((s) => s.inputs);
    expect(subscriptions).toEqual([
      expect.objectContaining({ topic: topicArn, protocol: 'email', endpoint: 'ops@example.com' }),
      expect.objectContaining({ topic: topicArn, protocol: 'email', endpoint: 'data@example.com' }),
    ]);
  });

  it('GIVEN the schedule disabled and no window WHEN deployed THEN the schedule is DISABLED with the window OFF', async () => {
    const run = await runOrchestrationStack('dev', { config: { pipelineScheduleEnabled: false, pipelineScheduleWindowMinutes: 0 } });
    expect(run.get('aws:scheduler/schedule:Schedule', 'orchestration-schedule-schedule').inputs).toMatchObject({ state: 'DISABLED', flexibleTimeWindow: { mode: 'OFF' } });
  });

  it('GIVEN two drop tables WHEN deployed THEN the function may write exactly those two raw prefixes', async () => {
    const run = await runOrchestrationStack('dev', { config: { archiveDropTables: 'readings,rooms' } });
    const policy = run.get('aws:iam/rolePolicy:RolePolicy', 'orchestration-drop-role-policy').inputs['policy'];
    const write = statements(policy).find((s) => s.Sid === 'WriteRawTables');
    const raw = mockIngestionOutputs('dev').rawBucketArn;
    expect(write?.Resource).toEqual([`${raw}/readings/*`, `${raw}/rooms/*`]);
  });
});
