import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN_STATES, pipelineDefinition, pipelineOptions, pipelineResources, ROOM_LISTING_QUERY } from '../../core/orchestration/index.js';
import { parseEnvironmentConfig, readEnvironmentConfig, PROJECT } from '../../core/settings.js';
import { aslValidatorErrors } from '../../core/asl/testing/asl-validator.js';
import { evaluateRules } from '../policies/rules.js';
import {
  MOCK_ACCOUNT_ID,
  MOCK_DEFAULT_REGION,
  MOCK_ORGANIZATION,
  defaultStackOutputs,
  mockAnalyticsOutputs,
  mockLakeOutputs,
  runStackUnderMocks,
  type MockRun,
} from '../testing/index.js';

const account = { partition: 'aws', region: MOCK_DEFAULT_REGION, accountId: MOCK_ACCOUNT_ID };

/** The machines core/orchestration builds from the mocked lake and analytics outputs and the stack's own names. */
function expectedMachines(failureTopicArn: string, keyArn: string, endpoint?: string) {
  const lake = mockLakeOutputs('dev');
  const analytics = mockAnalyticsOutputs('dev', MOCK_DEFAULT_REGION, endpoint);
  const config = parseEnvironmentConfig((name) => readEnvironmentConfig('dev')[name]);
  return pipelineDefinition(
    pipelineResources(account, {
      jobNames: lake.jobNames,
      crawlerNames: lake.crawlerNames,
      curatedBucketName: lake.curatedBucketName,
      failureTopicArn,
      failureTopicKeyArn: keyArn,
      roomStateMachineName: `${PROJECT}-dev-room`,
      sagemakerRoleArn: analytics.sagemakerRoleArn,
      rcfImageUri: analytics.rcfImageUri,
      modelsBucketName: analytics.modelsBucketName,
      analyticsKmsKeyArn: analytics.analyticsKmsKeyArn,
      rcfInstanceType: analytics.rcfInstanceType,
      rcfInstanceCount: analytics.rcfInstanceCount,
      ...(endpoint === undefined ? {} : { rcfEndpointName: endpoint }),
      workgroupName: analytics.workgroupName,
      resultsBucketArn: analytics.resultsBucketArn,
      curatedDatabaseName: lake.databaseNames.curated,
      curatedBucketArn: lake.curatedBucketArn,
      lakeKmsKeyArn: lake.lakeKmsKeyArn,
    }),
    pipelineOptions(config),
  );
}

function definitionOf(run: MockRun, name: string): unknown {
  const machine = run.resources.find((r) => r.type === 'aws:sfn/stateMachine:StateMachine' && r.name === name);
  if (machine === undefined) throw new Error(`no state machine ${name}`);
  return JSON.parse(String(machine.inputs['definition']));
}

function topicAndKey(run: MockRun): [string, string] {
  const topic = run.resources.find((r) => r.type === 'aws:sns/topic:Topic' && r.name === 'orchestration-failures');
  const key = run.resources.find((r) => r.type === 'aws:kms/key:Key' && r.name === 'orchestration-key');
  return [String(topic?.state['arn']), String(key?.state['arn'])];
}

describe('orchestration-dev with the project pipeline', () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await runStackUnderMocks('orchestration-dev');
  });

  it('GIVEN the lake and analytics outputs THEN the deployed machines are core/orchestration\'s pipeline over them, whole, and asl-validator accepts both', () => {
    const [topic, key] = topicAndKey(run);
    const expected = expectedMachines(topic, key);
    expect(definitionOf(run, 'orchestration-pipeline-machine')).toStrictEqual(expected.main.toJson());
    expect(definitionOf(run, 'orchestration-room-machine')).toStrictEqual(expected.room.toJson());
    expect(aslValidatorErrors(definitionOf(run, 'orchestration-pipeline-machine'))).toStrictEqual([]);
    expect(aslValidatorErrors(definitionOf(run, 'orchestration-room-machine'))).toStrictEqual([]);
  });

  it('THEN it reads only the lake jobs and crawlers and the SageMaker outputs of analytics', () => {
    const refs = run.resources.filter((r) => r.type === 'pulumi:pulumi:StackReference').map((r) => r.inputs['name']);
    expect(refs.sort()).toStrictEqual([`${MOCK_ORGANIZATION}/${PROJECT}/analytics-dev`, `${MOCK_ORGANIZATION}/${PROJECT}/ingestion-dev`, `${MOCK_ORGANIZATION}/${PROJECT}/lake-dev`]);
    const machine = JSON.stringify(definitionOf(run, 'orchestration-pipeline-machine'));
    expect(machine).toContain(mockLakeOutputs('dev').jobNames.curate);
    expect(machine).toContain(mockLakeOutputs('dev').crawlerNames.raw);
  });

  it('THEN the main machine lists the rooms (no rooms in the schedule\'s input) in the analytics workgroup over the curated database, and its role grants the listing on those resources only', () => {
    const lake = mockLakeOutputs('dev');
    const analytics = mockAnalyticsOutputs('dev', MOCK_DEFAULT_REGION);
    const schedule = run.resources.find((r) => r.type === 'aws:scheduler/schedule:Schedule');
    expect(JSON.parse(String((schedule?.inputs['target'] as { input?: unknown }).input))).not.toHaveProperty('rooms');
    const main = definitionOf(run, 'orchestration-pipeline-machine') as { States: Record<string, { Parameters?: Record<string, unknown> }> };
    expect(main.States[MAIN_STATES.listRooms]?.Parameters).toStrictEqual({
      QueryString: ROOM_LISTING_QUERY.sql,
      WorkGroup: analytics.workgroupName,
      QueryExecutionContext: { Database: lake.databaseNames.curated },
    });
    const role = run.resources.find((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.name === 'orchestration-pipeline-role-policy');
    const grants = (JSON.parse(String(role?.inputs['policy'])) as { Statement: { Action: string[]; Resource: string[] }[] }).Statement.flatMap((s) =>
      [s.Action].flat().flatMap((a) => [s.Resource].flat().map((r) => `${a} ${r}`)),
    );
    const glue = `arn:aws:glue:${MOCK_DEFAULT_REGION}:${MOCK_ACCOUNT_ID}`;
    const workgroup = `arn:aws:athena:${MOCK_DEFAULT_REGION}:${MOCK_ACCOUNT_ID}:workgroup/${analytics.workgroupName}`;
    expect(grants.filter((g) => /^(athena:|glue:Get(Database|Table|Partitions) |s3:)/.test(g)).sort()).toStrictEqual(
      [
        ...['GetQueryExecution', 'StartQueryExecution', 'StopQueryExecution', 'GetQueryResults'].map((a) => `athena:${a} ${workgroup}`),
        `athena:GetDataCatalog arn:aws:athena:${MOCK_DEFAULT_REGION}:${MOCK_ACCOUNT_ID}:datacatalog/AwsDataCatalog`,
        ...['GetDatabase', 'GetPartitions', 'GetTable'].flatMap((a) =>
          [`${glue}:catalog`, `${glue}:database/${lake.databaseNames.curated}`, `${glue}:table/${lake.databaseNames.curated}/telemetry`].map((r) => `glue:${a} ${r}`),
        ),
        ...[lake.curatedBucketArn, analytics.resultsBucketArn].flatMap((b) => [`s3:GetBucketLocation ${b}`, `s3:ListBucket ${b}`, `s3:GetObject ${b}/*`]),
        ...['AbortMultipartUpload', 'ListMultipartUploadParts', 'PutObject'].map((a) => `s3:${a} ${analytics.resultsBucketArn}/*`),
        `s3:GetObject ${analytics.resultsBucketArn}/*`,
      ].sort(),
    );
    for (const key of [lake.lakeKmsKeyArn, analytics.analyticsKmsKeyArn]) expect(grants).toContain(`kms:Decrypt ${key}`);
    expect(grants).toContain(`kms:GenerateDataKey ${analytics.analyticsKmsKeyArn}`);
  });

  it('THEN the project policy pack finds nothing', () => {
    const resources = run.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, id: r.id, inputs: r.inputs, outputs: r.state }));
    expect(evaluateRules(resources).violations).toStrictEqual([]);
  });

  it('GIVEN the analytics stack has an endpoint THEN the room machine publishes its model to it by copy, and not without one', async () => {
    expect(JSON.stringify(definitionOf(run, 'orchestration-room-machine'))).not.toContain('copyObject');
    const outputs = defaultStackOutputs(MOCK_ORGANIZATION, MOCK_DEFAULT_REGION);
    const withEndpoint = await runStackUnderMocks('orchestration-dev', {
      stackOutputs: { ...outputs, [`${MOCK_ORGANIZATION}/${PROJECT}/analytics-dev`]: { ...mockAnalyticsOutputs('dev', MOCK_DEFAULT_REGION, 'analytics-rcf-endpoint-1') } },
    });
    const [topic, key] = topicAndKey(withEndpoint);
    expect(definitionOf(withEndpoint, 'orchestration-room-machine')).toStrictEqual(expectedMachines(topic, key, 'analytics-rcf-endpoint-1').room.toJson());
    expect(JSON.stringify(definitionOf(withEndpoint, 'orchestration-room-machine'))).toContain('aws-sdk:s3:copyObject');
  });
});
