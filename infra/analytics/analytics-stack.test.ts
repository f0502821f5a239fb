import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAlertSettings, ALERTS_ENV } from '../../core/analytics/alerts-env.js';
import { athenaWorkgroupName } from '../../core/analytics/names.js';
import { NAMED_QUERIES } from '../../core/analytics/queries/index.js';
import { RCF_SETTINGS } from '../../core/analytics/rcf/settings.js';
import { analyticsOutputsSchema } from '../../core/contracts.js';
import { ArgumentError, ConfigError } from '../../core/errors.js';
import { TELEMETRY_TOPIC_FILTER, TOPIC_RULE_SQL } from '../../core/ingestion/definitions.js';
import { CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { PROJECT_ROOT, RCF_MODEL_PREFIX, type Environment } from '../../core/settings.js';
import { MOCK_ACCOUNT_ID, mockLakeOutputs, type CapturedResource, type MockRun } from '../testing/index.js';
import { ALERT_EVENT_SOURCE, ALERT_PARTITION_KEY } from './alerts.js';
import { ATHENA_ENGINE_VERSION, RESULTS_PREFIX } from './athena.js';
import { ATHENA_QUERY_ACTIONS, STREAM_READ_ACTIONS } from './iam.js';
import { inputColumns } from './quicksight.js';
import { ALERT_HANDLER_ENTRY, ANALYTICS_SOURCES } from './sources.js';
import { RCF_IMAGE } from './sagemaker.js';
import { TEST_SOURCES, runAnalyticsStack } from './testing.js';

const T = {
  key: 'aws:kms/key:Key',
  bucket: 'aws:s3/bucket:Bucket',
  sse: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  workgroup: 'aws:athena/workgroup:Workgroup',
  query: 'aws:athena/namedQuery:NamedQuery',
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  model: 'aws:sagemaker/model:Model',
  endpointConfig: 'aws:sagemaker/endpointConfiguration:EndpointConfiguration',
  endpoint: 'aws:sagemaker/endpoint:Endpoint',
  stream: 'aws:kinesis/stream:Stream',
  rule: 'aws:iot/topicRule:TopicRule',
  queue: 'aws:sqs/queue:Queue',
  topic: 'aws:sns/topic:Topic',
  topicPolicy: 'aws:sns/topicPolicy:TopicPolicy',
  fn: 'aws:lambda/function:Function',
  mapping: 'aws:lambda/eventSourceMapping:EventSourceMapping',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  dataSource: 'aws:quicksight/dataSource:DataSource',
  dataSet: 'aws:quicksight/dataSet:DataSet',
} as const;

const PRINCIPAL = 'arn:aws:quicksight:eu-west-1:123456789012:user/default/alice';
const ARTIFACT = 's3://models-bucket-1/rcf/models/job-1/output/model.tar.gz';
const FULL = { quicksight: JSON.stringify({ enabled: true, principalArn: PRINCIPAL }), rcfEndpoint: JSON.stringify({ enabled: true, instanceCount: 2 }) };

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function statements(run: MockRun, policyName: string): Statement[] {
  return (JSON.parse(String(run.get(T.rolePolicy, policyName).inputs.policy)) as { Statement: Statement[] }).Statement;
}

/** Each statement as `Sid: actions -> resources`, the shape the least-privilege assertions compare. */
function grants(run: MockRun, policyName: string): Record<string, { actions: string[]; resources: string[] }> {
  const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
  return Object.fromEntries(statements(run, policyName).map((s) => [s.Sid, { actions: list(s.Action), resources: list(s.Resource) }]));
}

const runs = new Map<string, MockRun>();
const variants = [
  ['dev', 'off'],
  ['dev', 'on'],
  ['prod', 'off'],
  ['prod', 'on'],
] as const;
beforeAll(async () => {
  // Sequential: the mocks are process-global.
  for (const [env, mode] of variants) runs.set(`${env}-${mode}`, await runAnalyticsStack(env, mode === 'on' ? { config: FULL } : {}));
});

describe.each(variants)('analytics-%s with QuickSight and the endpoint %s', (env: Environment, mode) => {
  const on = mode === 'on';
  let run: MockRun;
  beforeAll(() => {
    run = runs.get(`${env}-${mode}`)!;
  });
  const key = () => String(run.get(T.key, 'analytics-key').state.arn);

  it('exports exactly the analytics contract, the endpoint name only when there is one', () => {
    expect(() => analyticsOutputsSchema.strict().parse(run.outputs)).not.toThrow();
    expect('rcfEndpointName' in run.outputs).toBe(on);
    expect(run.outputs.modelPrefix).toBe(RCF_MODEL_PREFIX);
    expect(run.outputs.rcfImageUri).toMatch(new RegExp(`^\\d{12}\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com/${RCF_IMAGE.repositoryName}:${RCF_IMAGE.imageTag}$`));
    expect(Object.keys(run.outputs.namedQueryIds as object)).toStrictEqual(TEST_SOURCES.namedQueries('dev').map((q) => q.name));
  });

  it('looks the RCF image up through getPrebuiltEcrImage in the stack region', () => {
    const calls = run.invokes.filter((i) => i.token === 'aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage');
    expect(calls.map((c) => c.inputs)).toStrictEqual([{ repositoryName: 'randomcutforest', imageTag: '1', region: 'eu-west-1' }]);
  });

  it('reads only the curated database, bucket and lake key of the lake stack', () => {
    const ref = run.ofType('pulumi:pulumi:StackReference');
    expect(ref.map((r) => r.inputs.name)).toStrictEqual([`sensorlake-org/sensorlake/lake-${env}`]);
  });

  it('the workgroup enforces engine 3, KMS results in its own bucket, the cutoff, metrics, no requester pays', () => {
    const wg = run.get(T.workgroup, 'analytics-athena-workgroup').inputs;
    const results = String(run.get(T.bucket, 'analytics-athena-results-bucket').state.bucket);
    expect(wg.name).toBe(`sensorlake-${env}`);
    expect(wg.configuration).toStrictEqual({
      enforceWorkgroupConfiguration: true,
      engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
      bytesScannedCutoffPerQuery: 10_240 * 1024 * 1024,
      publishCloudwatchMetricsEnabled: true,
      requesterPaysEnabled: false,
      resultConfiguration: {
        outputLocation: `s3://${results}/${RESULTS_PREFIX}`,
        encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: key() },
        expectedBucketOwner: MOCK_ACCOUNT_ID,
      },
    });
    const sse = run.get(T.sse, 'analytics-athena-results-bucket-encryption').inputs.rules as { applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }[];
    expect(sse[0]?.applyServerSideEncryptionByDefault.kmsMasterKeyId).toBe(key());
  });

  it('one named query per entry, in the curated database and the workgroup', () => {
    expect(run.ofType(T.query).map((q) => [q.inputs.name, q.inputs.database, q.inputs.workgroup, q.inputs.query])).toStrictEqual(
      TEST_SOURCES.namedQueries('dev').map((q) => [q.name, `sensorlake_${env}_curated`, `sensorlake-${env}`, q.sql]),
    );
  });

  it('QuickSight only when enabled: SSL on, its own role, direct-query data sets over the Glue tables, owner permissions to the principal', () => {
    expect(run.ofType(T.dataSource)).toHaveLength(on ? 1 : 0);
    expect(run.ofType(T.dataSet)).toHaveLength(on ? 2 : 0);
    expect(run.ofType(T.role).some((r) => String(r.inputs.assumeRolePolicy).includes('quicksight.amazonaws.com'))).toBe(on);
    if (!on) return;
    const source = run.get(T.dataSource, 'analytics-quicksight-source').inputs;
    expect(source.sslProperties).toStrictEqual({ disableSsl: false });
    expect(source.parameters).toStrictEqual({ athena: { workGroup: `sensorlake-${env}`, roleArn: run.get(T.role, 'analytics-quicksight-role').state.arn } });
    expect((source.permissions as { principal: string }[]).map((p) => p.principal)).toStrictEqual([PRINCIPAL]);
    const telemetry = run.get(T.dataSet, 'analytics-quicksight-telemetry').inputs;
    expect(telemetry.importMode).toBe('DIRECT_QUERY');
    expect(telemetry.physicalTableMaps).toStrictEqual([
      {
        physicalTableMapId: 'telemetry',
        relationalTable: {
          dataSourceArn: run.get(T.dataSource, 'analytics-quicksight-source').state.arn,
          catalog: 'AwsDataCatalog',
          schema: `sensorlake_${env}_curated`,
          name: 'telemetry',
          inputColumns: inputColumns(CURATED_TELEMETRY),
        },
      },
    ]);
    const g = grants(run, 'analytics-quicksight-role-policy');
    expect(g['AthenaQueries']).toStrictEqual({ actions: [...ATHENA_QUERY_ACTIONS], resources: [run.get(T.workgroup, 'analytics-athena-workgroup').state.arn] });
    expect(g['CuratedRead']?.resources.sort()).toStrictEqual([
      expect.stringMatching(/^arn:aws:s3:::lake-curated-bucket-[0-9a-f]+\/anomalies\/\*$/),
      expect.stringMatching(/^arn:aws:s3:::lake-curated-bucket-[0-9a-f]+\/telemetry\/\*$/),
    ]);
    expect(g['ResultsReadWrite']?.resources).toStrictEqual([`${String(run.get(T.bucket, 'analytics-athena-results-bucket').state.arn)}/${RESULTS_PREFIX}*`]);
  });

  it('the SageMaker role is limited to the models bucket prefix and the analytics key, and to the lake\'s RCF files with the lake key', () => {
    const models = String(run.get(T.bucket, 'analytics-rcf-models-bucket').state.arn);
    const lake = mockLakeOutputs(env);
    const curated = lake.curatedBucketArn;
    const prefixes = (list: string[]) => ({ StringLike: { 's3:prefix': list.flatMap((p) => [p, `${p}*`]) } });
    expect(grants(run, 'analytics-rcf-role-policy')).toStrictEqual({
      ModelPrefixList: { actions: ['s3:ListBucket'], resources: [models] },
      ModelPrefixReadWrite: { actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], resources: [`${models}/${RCF_MODEL_PREFIX}*`] },
      ModelPrefixKms0: { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key()] },
      VolumeKeyGrants: { actions: ['kms:CreateGrant'], resources: [key()] },
      DescribeVolumeKey: { actions: ['kms:DescribeKey'], resources: [key()] },
      SageMakerLogs: {
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [`arn:aws:logs:eu-west-1:${MOCK_ACCOUNT_ID}:log-group:/aws/sagemaker/*`, `arn:aws:logs:eu-west-1:${MOCK_ACCOUNT_ID}:log-group:/aws/sagemaker/*:log-stream:*`],
      },
      SageMakerMetrics: { actions: ['cloudwatch:PutMetricData'], resources: ['*'] },
      RcfDataReadList: { actions: ['s3:ListBucket'], resources: [curated] },
      RcfDataReadRead: { actions: ['s3:GetObject'], resources: [`${curated}/rcf/training/*`, `${curated}/rcf/transform/*`] },
      RcfDataReadKms0: { actions: ['kms:Decrypt'], resources: [lake.lakeKmsKeyArn] },
      RcfScoresWriteList: { actions: ['s3:ListBucket'], resources: [curated] },
      RcfScoresWriteReadWrite: { actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], resources: [`${curated}/rcf/scores/*`] },
      RcfScoresWriteKms0: { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [lake.lakeKmsKeyArn] },
    });
    const policy = statements(run, 'analytics-rcf-role-policy');
    expect(policy.find((s) => s.Sid === 'RcfDataReadList')?.Condition).toStrictEqual(prefixes(['rcf/training/', 'rcf/transform/']));
    expect(policy.find((s) => s.Sid === 'RcfScoresWriteList')?.Condition).toStrictEqual(prefixes(['rcf/scores/']));
    const trust = String(run.get(T.role, 'analytics-rcf-role').inputs.assumeRolePolicy);
    expect(JSON.parse(trust)).toStrictEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': MOCK_ACCOUNT_ID } } }],
    });
  });

  it('the multi-model endpoint only with rcfEndpoint.enabled: one MultiModel model over the endpoint prefix the pipeline copies rooms\' model versions to, nothing retained on delete', () => {
    expect(run.ofType(T.model)).toHaveLength(on ? 1 : 0);
    expect(run.ofType(T.endpointConfig)).toHaveLength(on ? 1 : 0);
    expect(run.ofType(T.endpoint)).toHaveLength(on ? 1 : 0);
    if (!on) return;
    const model = run.get(T.model, 'analytics-rcf-model');
    expect(model.inputs.primaryContainer).toStrictEqual({ image: run.outputs.rcfImageUri, mode: 'MultiModel', modelDataUrl: `s3://${String(run.outputs.modelsBucketName)}/rcf/endpoint/` });
    expect(model.inputs.executionRoleArn).toBe(run.outputs.sagemakerRoleArn);
    expect(model.retainOnDelete).toBeUndefined();
    const config = run.get(T.endpointConfig, 'analytics-rcf-endpoint-config');
    expect(config.inputs.kmsKeyArn).toBe(key());
    expect(config.inputs.productionVariants).toStrictEqual([
      { variantName: 'rcf', modelName: model.state.name, instanceType: 'ml.m5.large', initialInstanceCount: 2, initialVariantWeight: 1 },
    ]);
    expect(config.retainOnDelete).toBeUndefined();
    const endpoint = run.get(T.endpoint, 'analytics-rcf-endpoint');
    expect(endpoint.inputs.endpointConfigName).toBe(config.state.name);
    expect(endpoint.retainOnDelete).toBeUndefined();
    expect(endpoint.ignoreChanges).toStrictEqual([]);
  });

  it('the stream is KMS-encrypted, provisioned with one shard by default, kept 24 hours', () => {
    expect(run.get(T.stream, 'analytics-alerts-stream').inputs).toStrictEqual({
      encryptionType: 'KMS',
      kmsKeyId: key(),
      retentionPeriod: 24,
      streamModeDetails: { streamMode: 'PROVISIONED' },
      shardCount: 1,
    });
  });

  it('the rule sends the ingestion envelope to the stream partitioned by device, errors to their own queue', () => {
    const rule = run.get(T.rule, 'analytics-alerts-rule').inputs;
    const roleArn = run.get(T.role, 'analytics-alerts-rule-role').state.arn;
    expect(rule.sql).toBe(TOPIC_RULE_SQL);
    expect(String(rule.sql)).toContain(`FROM '${TELEMETRY_TOPIC_FILTER}'`);
    expect(rule.name).toBe(`sensorlake_analytics_${env}_analytics_alerts`);
    expect(rule.kineses).toStrictEqual([{ streamName: run.get(T.stream, 'analytics-alerts-stream').state.name, partitionKey: ALERT_PARTITION_KEY, roleArn }]);
    expect(rule.errorAction).toStrictEqual({ sqs: { queueUrl: run.get(T.queue, 'analytics-alerts-rule-errors').state.url, roleArn, useBase64: false } });
    expect(grants(run, 'analytics-alerts-rule-role-policy')).toStrictEqual({
      PutToAlertStream: { actions: ['kinesis:PutRecord'], resources: [run.outputs.alertStreamArn] },
      ErrorActionQueue: { actions: ['sqs:SendMessage'], resources: [run.get(T.queue, 'analytics-alerts-rule-errors').state.arn] },
      StreamAndQueueKey: { actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key()] },
    });
    expect(JSON.parse(String(run.get(T.role, 'analytics-alerts-rule-role').inputs.assumeRolePolicy)).Statement[0].Condition.ArnLike).toStrictEqual({
      'aws:SourceArn': `arn:aws:iot:eu-west-1:${MOCK_ACCOUNT_ID}:rule/${String(rule.name)}`,
    });
  });

  it('the topic and both queues are KMS-encrypted; the topic denies publishing without TLS', () => {
    expect(run.get(T.topic, 'analytics-alerts-topic').inputs.kmsMasterKeyId).toBe(key());
    for (const q of run.ofType(T.queue)) expect(q.inputs.kmsMasterKeyId).toBe(key());
    expect(JSON.parse(String(run.get(T.topicPolicy, 'analytics-alerts-topic-policy').inputs.policy))).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: ['sns:Publish', 'sns:Subscribe'],
          Resource: run.outputs.alertTopicArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  });

  it('the event source mapping: 10 s tumbling window, partial failures, bisect, bounded retries, DLQ, LATEST', () => {
    const mapping = run.get(T.mapping, 'analytics-alerts-event-source');
    expect(mapping.inputs).toMatchObject({
      eventSourceArn: run.outputs.alertStreamArn,
      functionName: run.get(T.fn, 'analytics-alerts-function').state.arn,
      startingPosition: 'LATEST',
      tumblingWindowInSeconds: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: ALERT_EVENT_SOURCE.maximumRetryAttempts,
      destinationConfig: { onFailure: { destinationArn: run.outputs.alertDeadLetterQueueArn } },
    });
    const policy = run.get(T.rolePolicy, 'analytics-alerts-function-role-policy');
    expect(mapping.dependencies).toContain(policy.urn);
  });

  it('the function: bundled handler, KMS environment and logs, tracing, the variables, a role with only what it uses', () => {
    const fn = run.get(T.fn, 'analytics-alerts-function').inputs;
    const logs = run.get(T.logGroup, 'analytics-alerts-logs');
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', handler: 'index.handler', kmsKeyArn: key(), tracingConfig: { mode: 'Active' } });
    expect(logs.inputs.kmsKeyId).toBe(key());
    expect(String(logs.inputs.namePrefix)).toBe(`/sensorlake/analytics-${env}/analytics-alerts-`);
    expect((fn.environment as { variables: Record<string, string> }).variables).toStrictEqual({
      SENSORLAKE_ALERT_TOPIC_ARN: run.outputs.alertTopicArn,
      LOG_LEVEL: env === 'dev' ? 'debug' : 'info',
      SENSORLAKE_RCF_SHINGLE_SIZE: String(RCF_SETTINGS.shingleSize),
      ...(on ? { SENSORLAKE_RCF_ENDPOINT_NAME: run.outputs.rcfEndpointName, SENSORLAKE_ENDPOINT_RECORDS_BUCKET: run.outputs.modelsBucketName } : {}),
    });
    expect(() => readAlertSettings((fn.environment as { variables: Record<string, string> }).variables)).not.toThrow();
    const g = grants(run, 'analytics-alerts-function-role-policy');
    expect(g).toStrictEqual({
      ReadAlertStream: { actions: [...STREAM_READ_ACTIONS], resources: [run.outputs.alertStreamArn] },
      PublishAlerts: { actions: ['sns:Publish'], resources: [run.outputs.alertTopicArn] },
      FailedBatches: { actions: ['sqs:SendMessage'], resources: [run.outputs.alertDeadLetterQueueArn] },
      ...(on
        ? {
            ScoreWithRcf: { actions: ['sagemaker:InvokeEndpoint'], resources: [run.get(T.endpoint, 'analytics-rcf-endpoint').state.arn] },
            ReadEndpointRecords: { actions: ['s3:GetObject'], resources: [`${String(run.outputs.modelsBucketArn)}/rcf/endpoint-records/*`] },
            SeeMissingRecords: { actions: ['s3:ListBucket'], resources: [run.outputs.modelsBucketArn] },
          }
        : {}),
      AnalyticsKey: { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key()] },
      OwnLogGroup: { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${String(logs.state.arn)}:log-stream:*`] },
      XRayTracing: { actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
    });
    const kms = statements(run, 'analytics-alerts-function-role-policy').find((s) => s.Sid === 'AnalyticsKey');
    const services = ['kinesis', 'sns', 'sqs', 'lambda', ...(on ? ['s3'] : [])];
    expect(kms?.Condition).toStrictEqual({ StringEquals: { 'kms:ViaService': services.map((s) => `${s}.eu-west-1.amazonaws.com`) } });
  });

  it('the key rotates and lets CloudWatch Logs use it only for this stack\'s log groups; prod protects it', () => {
    const k = run.get(T.key, 'analytics-key');
    expect(k.inputs.enableKeyRotation).toBe(true);
    expect(String(k.inputs.policy)).toContain(`log-group:/sensorlake/analytics-${env}/*`);
    expect(k.protect).toBe(env === 'prod');
  });
});

describe('analytics settings and sources', () => {
  it('GIVEN on-demand mode THEN the stream has no shard count', async () => {
    const run = await runAnalyticsStack('dev', { config: { alertStream: JSON.stringify({ mode: 'on-demand', retentionHours: 48 }) } });
    expect(run.get(T.stream, 'analytics-alerts-stream').inputs).toStrictEqual({
      encryptionType: 'KMS',
      kmsKeyId: run.get(T.key, 'analytics-key').state.arn,
      retentionPeriod: 48,
      streamModeDetails: { streamMode: 'ON_DEMAND' },
    });
  });

  it.each([
    ['athenaBytesScannedCutoffMiB', '9', 'sensorlake:athenaBytesScannedCutoffMiB'],
    ['alertStream', JSON.stringify({ mode: 'provisioned', retentionHours: 12 }), 'sensorlake:alertStream.retentionHours'],
    ['rcfEndpoint', JSON.stringify({ modelArtifactUri: ARTIFACT }), 'sensorlake:rcfEndpoint'],
    ['rcfEndpoint', JSON.stringify({ enabled: true, threshold: 3 }), 'sensorlake:rcfEndpoint'],
    ['rcfEndpoint', JSON.stringify({ enabled: 'yes' }), 'sensorlake:rcfEndpoint.enabled'],
    ['rcfEndpoint', JSON.stringify({ instanceType: 'ml.m5d.large' }), 'sensorlake:rcfEndpoint.instanceType'],
    ['rcfEndpoint', JSON.stringify({ enabled: true, instanceCount: 0 }), 'sensorlake:rcfEndpoint.instanceCount'],
    ['quicksight', JSON.stringify({ enabled: true }), 'sensorlake:quicksight.principalArn'],
  ])('GIVEN %s = %s THEN ConfigError names %s', async (name, value, key) => {
    const error = await runAnalyticsStack('dev', { config: { [name]: value } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe(key);
  });

  it.each([
    ['a duplicate name', [{ name: 'q', description: '', sql: 'SELECT 1' }, { name: 'q', description: '', sql: 'SELECT 2' }], 'namedQueries[1].name'],
    ['a name with a space', [{ name: 'bad name', description: '', sql: 'SELECT 1' }], 'namedQueries[0].name'],
    ['empty SQL', [{ name: 'q', description: '', sql: ' ' }], 'namedQueries[0].sql'],
  ])('GIVEN named queries with %s THEN ArgumentError names the field', async (_title, namedQueries, key) => {
    const error = await runAnalyticsStack('dev', { sources: { ...TEST_SOURCES, namedQueries: () => namedQueries } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).key).toBe(key);
  });

  it('the project sources are the real ones: the registry\'s named queries for the environment, the shared workgroup name, the alert handler and its variables', () => {
    expect(ANALYTICS_SOURCES.namedQueries('prod').map((q) => q.name)).toStrictEqual(NAMED_QUERIES.map((q) => q.name));
    for (const q of ANALYTICS_SOURCES.namedQueries('prod')) {
      expect(q.sql).toContain('sensorlake_prod_curated.');
      expect(q.sql).not.toMatch(/\{\{/);
      expect(q.description.length).toBeLessThanOrEqual(1024);
    }
    expect(ANALYTICS_SOURCES.workgroupName('prod')).toBe(athenaWorkgroupName('sensorlake', 'prod'));
    expect(ANALYTICS_SOURCES.alertHandlerEntry).toBe(ALERT_HANDLER_ENTRY);
    expect(existsSync(path.join(PROJECT_ROOT, ALERT_HANDLER_ENTRY))).toBe(true);
    expect(ANALYTICS_SOURCES.alertEnv).toBe(ALERTS_ENV);
  });
});

/** Keeps the resource type list honest: every type the tests name exists in the full run. */
describe('the full run', () => {
  it('has every resource type the tests assert on', () => {
    const types = new Set(runs.get('prod-on')!.resources.map((r: CapturedResource) => r.type));
    for (const type of Object.values(T)) expect(types.has(type), type).toBe(true);
  });
});
