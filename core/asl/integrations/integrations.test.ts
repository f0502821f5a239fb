import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../errors.js';
import type { AccountContext } from '../../iam.js';
import {
  athenaGetQueryResults,
  athenaStartQueryExecution,
  Chain,
  glueGetCrawler,
  glueStartCrawler,
  glueStartJobRun,
  lambdaInvoke,
  mergeStatements,
  Parallel,
  sageMakerCreateEndpointConfig,
  sageMakerCreateModel,
  sageMakerCreateTrainingJob,
  sageMakerCreateTransformJob,
  sageMakerUpdateEndpoint,
  s3CopyObject,
  s3PutObject,
  snsPublish,
  startExecution,
  StateMachine,
  type Task,
  type TaskStatement,
} from '../index.js';
import { aslValidatorErrors } from '../testing/asl-validator.js';

const account: AccountContext = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
const ARN = 'arn:aws:eu-west-1:123456789012';
const JOB = 'arn:aws:glue:eu-west-1:123456789012:job/curate';
const CRAWLER = 'arn:aws:glue:eu-west-1:123456789012:crawler/raw';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:failures';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/k';
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:unzip';
const ROLE = 'arn:aws:iam::123456789012:role/sagemaker';
const SM = 'arn:aws:states:eu-west-1:123456789012:stateMachine:per-room';
const WORKGROUP = 'arn:aws:athena:eu-west-1:123456789012:workgroup/analytics';
const CATALOG = 'arn:aws:athena:eu-west-1:123456789012:datacatalog/AwsDataCatalog';
const GLUE = ['arn:aws:glue:eu-west-1:123456789012:catalog', 'arn:aws:glue:eu-west-1:123456789012:database/curated', 'arn:aws:glue:eu-west-1:123456789012:table/curated/telemetry'];
const RESULTS = 'arn:aws:s3:::results';
const CURATED = 'arn:aws:s3:::curated';
const rule = (name: string) => `arn:aws:events:eu-west-1:123456789012:rule/${name}`;
const allow = (Action: string[], Resource: unknown[]): TaskStatement => ({ Effect: 'Allow', Action, Resource });
const passRole: TaskStatement = { ...allow(['iam:PassRole'], [ROLE]), Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } };

describe.each<[string, () => Task, string, Record<string, unknown>, TaskStatement[]]>([
  [
    'Glue startJobRun.sync',
    () => glueStartJobRun('Curate', { jobName: 'curate', jobArn: JOB, arguments: { '--zone': 'raw' } }),
    'arn:aws:states:::glue:startJobRun.sync',
    { JobName: 'curate', Arguments: { '--zone': 'raw' } },
    [allow(['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'], [JOB])],
  ],
  [
    'Glue startCrawler (SDK)',
    () => glueStartCrawler('Start', { crawlerName: 'raw', crawlerArn: CRAWLER }),
    'arn:aws:states:::aws-sdk:glue:startCrawler',
    { Name: 'raw' },
    [allow(['glue:StartCrawler'], [CRAWLER])],
  ],
  [
    'Glue getCrawler (SDK)',
    () => glueGetCrawler('Get', { crawlerName: 'raw', crawlerArn: CRAWLER }),
    'arn:aws:states:::aws-sdk:glue:getCrawler',
    { Name: 'raw' },
    [allow(['glue:GetCrawler'], [CRAWLER])],
  ],
  [
    'SNS publish to an encrypted topic, message from the input',
    () => snsPublish('Notify', { topicArn: TOPIC, message: { path: '$.error' }, subject: 'failed', keyArn: KEY }),
    'arn:aws:states:::sns:publish',
    { TopicArn: TOPIC, 'Message.$': '$.error', Subject: 'failed' },
    [allow(['sns:Publish'], [TOPIC]), allow(['kms:Decrypt', 'kms:GenerateDataKey'], [KEY])],
  ],
  [
    'SNS publish of a fixed message',
    () => snsPublish('Notify', { topicArn: TOPIC, message: { text: 'done' } }),
    'arn:aws:states:::sns:publish',
    { TopicArn: TOPIC, Message: { text: 'done' } },
    [allow(['sns:Publish'], [TOPIC])],
  ],
  [
    'Lambda invoke',
    () => lambdaInvoke('Unzip', { functionArn: FN }),
    'arn:aws:states:::lambda:invoke',
    { FunctionName: FN, 'Payload.$': '$' },
    [allow(['lambda:InvokeFunction'], [FN, `${FN}:*`])],
  ],
  [
    'SageMaker createTrainingJob.sync',
    () => sageMakerCreateTrainingJob('Train', { request: { 'TrainingJobName.$': '$.name', RoleArn: ROLE }, trainingJobArns: `${ARN}:training-job/rcf-*`, roleArn: ROLE, account }),
    'arn:aws:states:::sagemaker:createTrainingJob.sync',
    { 'TrainingJobName.$': '$.name', RoleArn: ROLE },
    [
      allow(['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:ListTags', 'sagemaker:StopTrainingJob'], [`${ARN}:training-job/rcf-*`]),
      passRole,
      allow(['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], [rule('StepFunctionsGetEventsForSageMakerTrainingJobsRule')]),
    ],
  ],
  [
    'SageMaker createModel',
    () => sageMakerCreateModel('Model', { request: { ExecutionRoleArn: ROLE }, modelArns: `${ARN}:model/rcf-*`, roleArn: ROLE }),
    'arn:aws:states:::sagemaker:createModel',
    { ExecutionRoleArn: ROLE },
    [allow(['sagemaker:AddTags', 'sagemaker:CreateModel', 'sagemaker:ListTags'], [`${ARN}:model/rcf-*`]), passRole],
  ],
  [
    'SageMaker createEndpointConfig',
    () => sageMakerCreateEndpointConfig('Config', { request: { 'EndpointConfigName.$': '$.name' }, endpointConfigArns: `${ARN}:endpoint-config/rcf-*` }),
    'arn:aws:states:::sagemaker:createEndpointConfig',
    { 'EndpointConfigName.$': '$.name' },
    [allow(['sagemaker:AddTags', 'sagemaker:CreateEndpointConfig', 'sagemaker:ListTags'], [`${ARN}:endpoint-config/rcf-*`])],
  ],
  [
    'SageMaker updateEndpoint',
    () => sageMakerUpdateEndpoint('Deploy', { request: { EndpointName: 'rcf' }, endpointArn: `${ARN}:endpoint/rcf`, endpointConfigArns: `${ARN}:endpoint-config/rcf-*` }),
    'arn:aws:states:::sagemaker:updateEndpoint',
    { EndpointName: 'rcf' },
    [allow(['sagemaker:UpdateEndpoint'], [`${ARN}:endpoint/rcf`, `${ARN}:endpoint-config/rcf-*`]), allow(['sagemaker:ListTags'], [`${ARN}:endpoint/rcf`])],
  ],
  [
    'SageMaker createTransformJob.sync',
    () => sageMakerCreateTransformJob('Score', { request: { 'TransformJobName.$': '$.name' }, transformJobArns: `${ARN}:transform-job/rcf-*`, account }),
    'arn:aws:states:::sagemaker:createTransformJob.sync',
    { 'TransformJobName.$': '$.name' },
    [
      allow(['sagemaker:AddTags', 'sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:ListTags', 'sagemaker:StopTransformJob'], [`${ARN}:transform-job/rcf-*`]),
      allow(['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], [rule('StepFunctionsGetEventsForSageMakerTransformJobsRule')]),
    ],
  ],
  [
    'Athena startQueryExecution.sync in a workgroup, over a database',
    () =>
      athenaStartQueryExecution('List', {
        queryString: 'SELECT 1',
        workGroup: 'analytics',
        database: 'curated',
        workgroupArn: WORKGROUP,
        glueArns: GLUE,
        dataBucketArns: [CURATED],
        resultsBucketArn: RESULTS,
        keyArns: [KEY],
      }),
    'arn:aws:states:::athena:startQueryExecution.sync',
    { QueryString: 'SELECT 1', WorkGroup: 'analytics', QueryExecutionContext: { Database: 'curated' } },
    [
      allow(['athena:GetQueryExecution', 'athena:StartQueryExecution', 'athena:StopQueryExecution'], [WORKGROUP]),
      allow(['athena:GetDataCatalog'], [CATALOG]),
      allow(['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable'], GLUE),
      allow(['s3:GetBucketLocation', 's3:ListBucket'], [CURATED, RESULTS]),
      allow(['s3:GetObject'], [`${CURATED}/*`]),
      allow(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], [`${RESULTS}/*`]),
      allow(['kms:Decrypt', 'kms:GenerateDataKey'], [KEY]),
    ],
  ],
  [
    'Athena startQueryExecution.sync with execution parameters',
    () =>
      athenaStartQueryExecution('Threshold', {
        queryString: 'SELECT 1 WHERE ? = ?',
        workGroup: 'analytics',
        executionParametersPath: "States.Array(States.Format('\\'{}\\'', $.room), '1')",
        workgroupArn: WORKGROUP,
        glueArns: GLUE,
        dataBucketArns: [CURATED],
        resultsBucketArn: RESULTS,
      }),
    'arn:aws:states:::athena:startQueryExecution.sync',
    { QueryString: 'SELECT 1 WHERE ? = ?', WorkGroup: 'analytics', 'ExecutionParameters.$': "States.Array(States.Format('\\'{}\\'', $.room), '1')" },
    [
      allow(['athena:GetQueryExecution', 'athena:StartQueryExecution', 'athena:StopQueryExecution'], [WORKGROUP]),
      allow(['athena:GetDataCatalog'], [CATALOG]),
      allow(['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable'], GLUE),
      allow(['s3:GetBucketLocation', 's3:ListBucket'], [CURATED, RESULTS]),
      allow(['s3:GetObject'], [`${CURATED}/*`]),
      allow(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], [`${RESULTS}/*`]),
    ],
  ],
  [
    'Athena getQueryResults',
    () => athenaGetQueryResults('Read', { queryExecutionIdPath: '$.query.id', workgroupArn: WORKGROUP, resultsBucketArn: RESULTS, keyArns: [KEY] }),
    'arn:aws:states:::athena:getQueryResults',
    { 'QueryExecutionId.$': '$.query.id' },
    [allow(['athena:GetQueryResults'], [WORKGROUP]), allow(['s3:GetObject'], [`${RESULTS}/*`]), allow(['kms:Decrypt'], [KEY])],
  ],
  [
    'S3 copyObject (SDK integration), unencrypted',
    () => s3CopyObject('Publish', { request: { Bucket: 'm', Key: 'rcf/endpoint/r1.tar.gz', 'CopySource.$': '$.source' }, sourceObjectArns: 'arn:aws:s3:::m/rcf/models/*', targetObjectArns: 'arn:aws:s3:::m/rcf/endpoint/*' }),
    'arn:aws:states:::aws-sdk:s3:copyObject',
    { Bucket: 'm', Key: 'rcf/endpoint/r1.tar.gz', 'CopySource.$': '$.source' },
    [allow(['s3:GetObject'], ['arn:aws:s3:::m/rcf/models/*']), allow(['s3:PutObject'], ['arn:aws:s3:::m/rcf/endpoint/*'])],
  ],
  [
    'S3 putObject (SDK integration), unencrypted',
    () => s3PutObject('Record', { request: { Bucket: 'm', Key: 'rcf/endpoint-records/r1.json', 'Body.$': 'States.JsonToString($.record)' }, targetObjectArns: 'arn:aws:s3:::m/rcf/endpoint-records/*' }),
    'arn:aws:states:::aws-sdk:s3:putObject',
    { Bucket: 'm', Key: 'rcf/endpoint-records/r1.json', 'Body.$': 'States.JsonToString($.record)' },
    [allow(['s3:PutObject'], ['arn:aws:s3:::m/rcf/endpoint-records/*'])],
  ],
  [
    'S3 putObject (SDK integration), SSE-KMS',
    () => s3PutObject('Record', { request: { Bucket: 'm', Key: 'k', Body: '{}' }, targetObjectArns: 'arn:aws:s3:::m/b/*', kms: { keyArn: KEY, region: 'eu-west-1' } }),
    'arn:aws:states:::aws-sdk:s3:putObject',
    { Bucket: 'm', Key: 'k', Body: '{}' },
    [allow(['s3:PutObject'], ['arn:aws:s3:::m/b/*']), { ...allow(['kms:GenerateDataKey'], [KEY]), Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } }],
  ],
  [
    'S3 copyObject (SDK integration), SSE-KMS',
    () =>
      s3CopyObject('Publish', {
        request: { Bucket: 'm', Key: 'k' },
        sourceObjectArns: 'arn:aws:s3:::m/a/*',
        targetObjectArns: 'arn:aws:s3:::m/b/*',
        kms: { keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k', region: 'eu-west-1' },
      }),
    'arn:aws:states:::aws-sdk:s3:copyObject',
    { Bucket: 'm', Key: 'k' },
    [
      allow(['s3:GetObject'], ['arn:aws:s3:::m/a/*']),
      allow(['s3:PutObject'], ['arn:aws:s3:::m/b/*']),
      { ...allow(['kms:Decrypt', 'kms:GenerateDataKey'], ['arn:aws:kms:eu-west-1:123456789012:key/k']), Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } },
    ],
  ],
  [
    'Step Functions startExecution.sync:2',
    () => startExecution('Room', { stateMachineArn: SM, namePath: '$.name', account }),
    'arn:aws:states:::states:startExecution.sync:2',
    { StateMachineArn: SM, 'Input.$': '$', 'Name.$': '$.name' },
    [
      allow(['states:StartExecution'], [SM]),
      allow(['states:DescribeExecution', 'states:StopExecution'], ['arn:aws:states:eu-west-1:123456789012:execution:per-room:*']),
      allow(['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], [rule('StepFunctionsGetEventsForStepFunctionsExecutionRule')]),
    ],
  ],
])('integration: %s', (_, build, resource, parameters, statements) => {
  it('GIVEN the helper WHEN rendered THEN the resource and request are AWS\'s, the statements as documented, and asl-validator accepts it', () => {
    const task = build();
    const json = new StateMachine({ definition: task }).toJson();
    expect(json.States[task.stateName]).toStrictEqual({ Type: 'Task', Resource: resource, Parameters: parameters, End: true });
    expect(task.statements()).toStrictEqual(statements);
    expect(aslValidatorErrors(json)).toStrictEqual([]);
  });
});

describe('the role generated from the graph', () => {
  it('GIVEN two Glue jobs in Parallel branches, a crawl and a nested execution WHEN the statements are collected THEN they are merged per action set, each resource once, the machine\'s own states before its branches\'', () => {
    const other = 'arn:aws:glue:eu-west-1:123456789012:job/import';
    const imports = new Parallel('Imports').branch(
      glueStartJobRun('Import db', { jobName: 'import', jobArn: other }),
      glueStartJobRun('Import csv', { jobName: 'curate', jobArn: JOB }),
    );
    const definition = Chain.start(imports)
      .next(glueStartJobRun('Curate again', { jobName: 'curate', jobArn: JOB }))
      .next(glueStartCrawler('Crawl', { crawlerName: 'raw', crawlerArn: CRAWLER }))
      .next(sageMakerCreateTransformJob('Score', { request: {}, transformJobArns: `${ARN}:transform-job/rcf-*`, account }))
      .next(startExecution('Nested', { stateMachineArn: SM, account }));
    expect(new StateMachine({ definition }).statements()).toStrictEqual([
      allow(['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun'], [JOB, other]),
      allow(['glue:StartCrawler'], [CRAWLER]),
      allow(['sagemaker:AddTags', 'sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:ListTags', 'sagemaker:StopTransformJob'], [`${ARN}:transform-job/rcf-*`]),
      allow(['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], [
        rule('StepFunctionsGetEventsForSageMakerTransformJobsRule'),
        rule('StepFunctionsGetEventsForStepFunctionsExecutionRule'),
      ]),
      allow(['states:StartExecution'], [SM]),
      allow(['states:DescribeExecution', 'states:StopExecution'], ['arn:aws:states:eu-west-1:123456789012:execution:per-room:*']),
    ]);
  });

  it('GIVEN opaque resources WHEN merged THEN equal objects count once and are kept by identity', () => {
    const a = { output: 'a' };
    const b = { output: 'a' };
    const merged = mergeStatements([allow(['x:Do'], [a]), allow(['x:Do'], [a, b])]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.Resource).toHaveLength(2);
    expect(merged[0]!.Resource[0]).toBe(a);
    expect(merged[0]!.Resource[1]).toBe(b);
  });

  it('GIVEN statements with different conditions WHEN merged THEN they stay apart', () => {
    const conditioned = { ...allow(['iam:PassRole'], ['r2']), Condition: { StringEquals: { 'iam:PassedToService': 'x' } } };
    expect(mergeStatements([allow(['iam:PassRole'], ['r1']), conditioned])).toStrictEqual([allow(['iam:PassRole'], ['r1']), conditioned]);
  });
});

describe('opaque ARNs', () => {
  it('GIVEN an opaque function ARN WHEN its versions ARN is derived THEN it is refused naming the option, and accepted when given', () => {
    const output = { opaque: true };
    expect(() => lambdaInvoke('L', { functionArn: output })).toThrow(InvalidValueError);
    expect(() => lambdaInvoke('L', { functionArn: output })).toThrow(/integration option functionVersionsArn is missing/);
    const versions = { opaque: 'versions' };
    expect(lambdaInvoke('L', { functionArn: output, functionVersionsArn: versions }).statements()).toStrictEqual([allow(['lambda:InvokeFunction'], [output, versions])]);
  });

  it('GIVEN an opaque workgroup or results bucket ARN WHEN the catalog or objects ARN is derived THEN it is refused naming the option', () => {
    const base = { queryString: 'SELECT 1', workGroup: 'w', glueArns: GLUE, dataBucketArns: [CURATED], resultsBucketArn: RESULTS };
    expect(() => athenaStartQueryExecution('Q', { ...base, workgroupArn: { opaque: true } })).toThrow(/integration option dataCatalogArn is missing/);
    expect(() => athenaGetQueryResults('R', { queryExecutionIdPath: '$.id', workgroupArn: WORKGROUP, resultsBucketArn: { opaque: true } })).toThrow(/integration option resultsObjectsArn is missing/);
  });

  it('GIVEN an opaque state machine ARN WHEN no executions ARN is given THEN it is refused naming the option', () => {
    expect(() => startExecution('S', { stateMachineArn: { opaque: true }, account })).toThrow(/integration option executionsArn is missing/);
  });
});
