import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from './documents.js';
import { RULES, THING_NAME_VARIABLE, evaluateRules } from './rules.js';
import type { CapturedResource } from './types.js';

const ACCOUNT = '123456789012';
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0d3e0a7c-1111-2222-3333-444455556666`;
const RAW_ARN = 'arn:aws:s3:::raw-bucket-id';
const LOGS_ARN = 'arn:aws:s3:::logs-bucket-id';
const THING = THING_NAME_VARIABLE;
const IOT = `arn:aws:iot:eu-west-1:${ACCOUNT}`;

function res(type: string, name: string, inputs: Record<string, unknown>, id?: string): CapturedResource {
  return { type, name, inputs, urn: `urn:pulumi:test::sensorlake::${type}::${name}`, ...(id ? { id } : {}) };
}

/** Replaces the inputs of one resource (by name) in a fixture, or drops it when `inputs` is undefined. */
function change(
  fixture: readonly CapturedResource[],
  name: string,
  inputs: ((old: Record<string, unknown>) => Record<string, unknown>) | undefined,
): CapturedResource[] {
  return fixture.flatMap((r) => {
    if (r.name !== name) return [r];
    return inputs === undefined ? [] : [{ ...r, inputs: inputs({ ...r.inputs }) }];
  });
}

const T = {
  bucket: 'aws:s3/bucket:Bucket',
  bucketV2: 'aws:s3/bucketV2:BucketV2',
  sse: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  versioning: 'aws:s3/bucketVersioning:BucketVersioning',
  pab: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  policy: 'aws:s3/bucketPolicy:BucketPolicy',
  logging: 'aws:s3/bucketLogging:BucketLogging',
  lifecycle: 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  key: 'aws:kms/key:Key',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  role: 'aws:iam/role:Role',
  mapping: 'aws:lambda/eventSourceMapping:EventSourceMapping',
  attachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  iotPolicy: 'aws:iot/policy:Policy',
  topicRule: 'aws:iot/topicRule:TopicRule',
  firehose: 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream',
  lambda: 'aws:lambda/function:Function',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  glueConnection: 'aws:glue/connection:Connection',
  tlsKey: 'tls:index/privateKey:PrivateKey',
};

const tlsDeny = (arn: string) => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [arn, `${arn}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

/** A raw data bucket and its access-log bucket, configured the way the rules want. */
const S3_OK: readonly CapturedResource[] = [
  res(T.bucket, 'raw', {}, 'raw-bucket-id'),
  res(T.bucket, 'logs', {}, 'logs-bucket-id'),
  res(T.sse, 'raw-sse', {
    bucket: 'raw-bucket-id',
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }],
  }),
  res(T.sse, 'logs-sse', { bucket: 'logs-bucket-id', rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] }),
  ...['raw', 'logs'].map((b) =>
    res(T.pab, `${b}-pab`, {
      bucket: `${b}-bucket-id`,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
  ),
  res(T.versioning, 'raw-versioning', { bucket: 'raw-bucket-id', versioningConfiguration: { status: 'Enabled' } }),
  res(T.logging, 'raw-logging', { bucket: 'raw-bucket-id', targetBucket: 'logs-bucket-id', targetPrefix: 'raw/' }),
  // One policy as a JSON string, the other as an object: Pulumi accepts both.
  res(T.policy, 'raw-policy', { bucket: 'raw-bucket-id', policy: JSON.stringify({ Version: '2012-10-17', Statement: [tlsDeny(RAW_ARN)] }) }),
  res(T.policy, 'logs-policy', {
    bucket: 'logs-bucket-id',
    policy: {
      Version: '2012-10-17',
      Statement: [
        tlsDeny(LOGS_ARN),
        {
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${LOGS_ARN}/*`,
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        },
      ],
    },
  }),
];

const rolePolicy = (statement: Record<string, unknown>) =>
  res(T.rolePolicy, 'rule-role-policy', { role: 'rule-role', policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) });

const keyPolicy = (statements: Record<string, unknown>[]) =>
  res(T.key, 'key', { enableKeyRotation: true, policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });

const ROOT_ADMIN = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };

const iotPolicy = (statements: Record<string, unknown>[]) =>
  res(T.iotPolicy, 'device-policy', { policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });

const CONNECT = {
  Effect: 'Allow',
  Action: 'iot:Connect',
  Resource: `${IOT}:client/${THING}`,
  Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
};
const PUBLISH = { Effect: 'Allow', Action: 'iot:Publish', Resource: `${IOT}:topic/sensors/${THING}/telemetry` };

const TOPIC_RULE_OK = res(T.topicRule, 'telemetry-rule', {
  enabled: true,
  sql: "SELECT * FROM 'sensors/+/telemetry'",
  sqlVersion: '2016-03-23',
  firehoses: [{ deliveryStreamName: 'stream', roleArn: 'role', separator: '\n' }],
  errorAction: { s3: { bucketName: 'raw-bucket-id', key: 'rule-errors/${topic(2)}/${timestamp()}.json', roleArn: 'role' } },
});

const FIREHOSE_OK = res(T.firehose, 'telemetry-stream', {
  destination: 'extended_s3',
  extendedS3Configuration: {
    bucketArn: RAW_ARN,
    roleArn: 'role',
    errorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
    cloudwatchLoggingOptions: { enabled: true, logGroupName: '/aws/kinesisfirehose/telemetry', logStreamName: 'delivery' },
  },
  serverSideEncryption: { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn: KEY_ARN },
});

const LAMBDA_OK: readonly CapturedResource[] = [
  res(T.lambda, 'processor', {
    role: 'processor-role',
    tracingConfig: { mode: 'Active' },
    loggingConfig: { logFormat: 'JSON', logGroup: '/sensorlake/dev/processor' },
    environment: { variables: { LOG_LEVEL: 'info', DB_SECRET_ARN: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf` } },
  }),
  res(T.logGroup, 'processor-logs', { name: '/sensorlake/dev/processor', retentionInDays: 14, kmsKeyId: KEY_ARN }),
];

const trustRole = (name: string, service: string, condition?: Record<string, unknown>) =>
  res(T.role, name, {
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
    }),
  });

const TRUST_OK: readonly CapturedResource[] = [
  trustRole('stream-role', 'firehose.amazonaws.com', { StringEquals: { 'sts:ExternalId': ACCOUNT } }),
  trustRole('rule-role', 'iot.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `${IOT}:rule/r` } }),
  trustRole('fn-role', 'lambda.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
];

const EXPIRE_LOGS = { id: 'expire', status: 'Enabled', filter: {}, expiration: { days: 14 }, noncurrentVersionExpiration: { noncurrentDays: 1 } };
const DELETE_MARKERS = { id: 'housekeeping', status: 'Enabled', filter: {}, expiration: { expiredObjectDeleteMarker: true } };

/** S3_OK with the log bucket versioned and both buckets on lifecycles that clean their delete markers. */
const LIFECYCLE_OK: readonly CapturedResource[] = [
  ...S3_OK,
  res(T.versioning, 'logs-versioning', { bucket: 'logs-bucket-id', versioningConfiguration: { status: 'Enabled' } }),
  res(T.lifecycle, 'logs-lifecycle', { bucket: 'logs-bucket-id', rules: [EXPIRE_LOGS, DELETE_MARKERS] }),
  res(T.lifecycle, 'raw-lifecycle', {
    bucket: 'raw-bucket-id',
    rules: [{ id: 'noncurrent', status: 'Enabled', filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 } }, DELETE_MARKERS],
  }),
  // Versioned but nothing expires: no delete marker is ever left behind by a rule.
  res(T.bucket, 'scripts', {}, 'scripts-bucket-id'),
  res(T.versioning, 'scripts-versioning', { bucket: 'scripts-bucket-id', versioningConfiguration: { status: 'Enabled' } }),
  res(T.lifecycle, 'scripts-lifecycle', { bucket: 'scripts-bucket-id', rules: [{ id: 'archive', status: 'Enabled', filter: {}, transitions: [{ days: 30, storageClass: 'GLACIER' }] }] }),
];

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n';

const GLUE_SECURITY_NAME = 'lake-security-1234567';

/** A security configuration, a job and a crawler using it, configured the way the rules want. */
const GLUE_OK: readonly CapturedResource[] = [
  {
    ...res('aws:glue/securityConfiguration:SecurityConfiguration', 'security', {
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: 'SSE-KMS', kmsKeyArn: KEY_ARN },
        cloudwatchEncryption: { cloudwatchEncryptionMode: 'SSE-KMS', kmsKeyArn: KEY_ARN },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: KEY_ARN },
      },
    }),
    outputs: { name: GLUE_SECURITY_NAME },
  },
  res('aws:glue/job:Job', 'curate', { securityConfiguration: GLUE_SECURITY_NAME, command: { scriptLocation: 's3://b/jobs/curate.py' } }),
  res('aws:glue/crawler:Crawler', 'raw-crawler', {
    securityConfiguration: GLUE_SECURITY_NAME,
    s3Targets: [{ path: 's3://raw/' }],
    recrawlPolicy: { recrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY' },
    schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'LOG' },
  }),
];

/** A private, encrypted RDS instance with an RDS-managed password. */
const RDS_OK = res('aws:rds/instance:Instance', 'db', {
  storageEncrypted: true,
  kmsKeyId: KEY_ARN,
  publiclyAccessible: false,
  manageMasterUserPassword: true,
});

interface BreakingCase {
  readonly title: string;
  readonly resources: readonly CapturedResource[];
  /** The field path the violation must name. */
  readonly field: string;
  /** Texts the violation message must contain (the value found, what was expected). */
  readonly mentions: readonly string[];
}

interface RuleCases {
  readonly rule: string;
  readonly passing: readonly CapturedResource[];
  readonly breaking: readonly BreakingCase[];
}

const STREAM_OK = res('aws:kinesis/stream:Stream', 'stream', { encryptionType: 'KMS', kmsKeyId: KEY_ARN, retentionPeriod: 24 });
const QUEUE_OK = res('aws:sqs/queue:Queue', 'dlq', { kmsMasterKeyId: KEY_ARN });
const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts`;
const TOPIC_OK: CapturedResource[] = [
  res('aws:sns/topic:Topic', 'alerts', { kmsMasterKeyId: KEY_ARN }, TOPIC_ARN),
  res('aws:sns/topicPolicy:TopicPolicy', 'alerts-policy', {
    arn: TOPIC_ARN,
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: ['sns:Publish'], Resource: TOPIC_ARN, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }),
  }),
];
const WORKGROUP_OK = res('aws:athena/workgroup:Workgroup', 'wg', {
  configuration: {
    enforceWorkgroupConfiguration: true,
    engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
    bytesScannedCutoffPerQuery: 10 * 1024 * 1024,
    publishCloudwatchMetricsEnabled: true,
    requesterPaysEnabled: false,
    resultConfiguration: { outputLocation: 's3://results/athena/', encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: KEY_ARN } },
  },
});
const ENDPOINT_CONFIG_OK = res('aws:sagemaker/endpointConfiguration:EndpointConfiguration', 'endpoint-config', { kmsKeyArn: KEY_ARN, productionVariants: [] });
const MAPPING_OK = res(T.mapping, 'alerts-mapping', {
  eventSourceArn: `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/alerts`,
  functionName: 'f',
  functionResponseTypes: ['ReportBatchItemFailures'],
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 3,
  destinationConfig: { onFailure: { destinationArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:dlq` } },
});
const DATA_SOURCE_OK = res('aws:quicksight/dataSource:DataSource', 'qs-source', {
  type: 'ATHENA',
  sslProperties: { disableSsl: false },
  permissions: [{ principal: `arn:aws:quicksight:eu-west-1:${ACCOUNT}:user/default/alice`, actions: ['quicksight:DescribeDataSource'] }],
});
const SFN_LOG_ARN = 'arn:aws:logs:eu-west-1:123456789012:log-group:/sensorlake/orchestration-dev/states/pipeline';
const SFN_OK: CapturedResource[] = [
  { ...res(T.logGroup, 'machine-logs', { retentionInDays: 14, kmsKeyId: KEY_ARN }), outputs: { arn: SFN_LOG_ARN } },
  res('aws:sfn/stateMachine:StateMachine', 'machine', {
    type: 'STANDARD',
    loggingConfiguration: { level: 'ALL', includeExecutionData: true, logDestination: `${SFN_LOG_ARN}:*` },
    tracingConfiguration: { enabled: true },
  }),
];
const SCHEDULE_OK = res('aws:scheduler/schedule:Schedule', 'schedule', {
  kmsKeyArn: KEY_ARN,
  target: {
    arn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:p',
    retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
    deadLetterConfig: { arn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' },
  },
});
const PERMISSION_OK = res('aws:lambda/permission:Permission', 'permission', {
  action: 'lambda:InvokeFunction',
  function: 'f',
  principal: 's3.amazonaws.com',
  sourceArn: 'arn:aws:s3:::staging',
  sourceAccount: '123456789012',
});

const CASES: readonly RuleCases[] = [
  {
    rule: 's3-encryption-kms',
    passing: S3_OK,
    breaking: [
      {
        title: 'data bucket on SSE-S3',
        resources: change(S3_OK, 'raw-sse', (i) => ({ ...i, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }] })),
        field: 'rules[0].applyServerSideEncryptionByDefault.sseAlgorithm',
        mentions: ['"raw-sse"', '"AES256"', 'aws:kms'],
      },
      {
        title: 'no encryption configuration',
        resources: change(S3_OK, 'raw-sse', undefined),
        field: 'serverSideEncryptionConfiguration',
        mentions: ['"raw"', 'is missing'],
      },
      {
        title: 'AWS-managed key instead of the stack key',
        resources: change(S3_OK, 'raw-sse', (i) => ({ ...i, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'alias/aws/s3' }, bucketKeyEnabled: true }] })),
        field: 'rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId',
        mentions: ['"alias/aws/s3"', 'customer-managed KMS key'],
      },
      {
        title: 'bucket key off',
        resources: change(S3_OK, 'raw-sse', (i) => ({ ...i, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN } }] })),
        field: 'rules[0].bucketKeyEnabled',
        mentions: ['bucketKeyEnabled is missing', 'true'],
      },
      {
        title: 'access-log target on SSE-KMS (logging would fail)',
        resources: change(S3_OK, 'logs-sse', (i) => ({ ...i, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN } }] })),
        field: 'rules[0].applyServerSideEncryptionByDefault.sseAlgorithm',
        mentions: ['"logs-sse"', '"aws:kms"', 'AES256'],
      },
    ],
  },
  {
    rule: 's3-tls-only',
    passing: S3_OK,
    breaking: [
      {
        title: 'no bucket policy',
        resources: change(S3_OK, 'raw-policy', undefined),
        field: 'policy',
        mentions: ['"raw"', 'policy is missing', 'aws:SecureTransport'],
      },
      {
        title: 'SecureTransport condition inverted',
        resources: change(S3_OK, 'raw-policy', (i) => ({ ...i, policy: { Statement: [{ ...tlsDeny(RAW_ARN), Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] } })),
        field: 'policy.Statement[0].Condition.Bool.aws:SecureTransport',
        mentions: ['"raw-policy"', '["true"]', 'expected "false"'],
      },
      {
        title: 'deny covers objects only, not the bucket',
        resources: change(S3_OK, 'raw-policy', (i) => ({ ...i, policy: { Statement: [{ ...tlsDeny(RAW_ARN), Resource: `${RAW_ARN}/*` }] } })),
        field: 'policy.Statement[0].Resource',
        mentions: ['"raw-policy"', `["${RAW_ARN}/*"]`, 'both the bucket ARN and the bucket ARN/*'],
      },
      {
        title: 'only an Allow statement',
        resources: change(S3_OK, 'raw-policy', (i) => ({ ...i, policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: `${RAW_ARN}/*` }] } })),
        field: 'policy.Statement',
        mentions: ['"raw-policy"', 'Effect: Deny'],
      },
      {
        title: 'policy is not JSON',
        resources: change(S3_OK, 'raw-policy', (i) => ({ ...i, policy: '{"Statement": [' })),
        field: 'policy',
        mentions: ['not valid JSON'],
      },
    ],
  },
  {
    rule: 's3-public-access-block',
    passing: S3_OK,
    breaking: [
      { title: 'no public access block', resources: change(S3_OK, 'logs-pab', undefined), field: 'publicAccessBlock', mentions: ['"logs"', 'is missing'] },
      {
        title: 'restrictPublicBuckets false',
        resources: change(S3_OK, 'raw-pab', (i) => ({ ...i, restrictPublicBuckets: false })),
        field: 'restrictPublicBuckets',
        mentions: ['"raw-pab"', 'restrictPublicBuckets is false', 'expected true'],
      },
      {
        title: 'blockPublicPolicy unset',
        resources: change(S3_OK, 'raw-pab', (i) => ({ ...i, blockPublicPolicy: undefined })),
        field: 'blockPublicPolicy',
        mentions: ['blockPublicPolicy is missing'],
      },
    ],
  },
  {
    rule: 's3-versioning',
    // The access-log target bucket has no versioning: that is the documented exception.
    passing: S3_OK,
    breaking: [
      {
        title: 'versioning suspended',
        resources: change(S3_OK, 'raw-versioning', (i) => ({ ...i, versioningConfiguration: { status: 'Suspended' } })),
        field: 'versioningConfiguration.status',
        mentions: ['"raw-versioning"', '"Suspended"', '"Enabled"'],
      },
      { title: 'no versioning', resources: change(S3_OK, 'raw-versioning', undefined), field: 'versioning', mentions: ['"raw"', 'versioning is missing'] },
      {
        title: 'the log bucket stops being a log target, so it is a data bucket',
        resources: change(S3_OK, 'raw-logging', undefined),
        field: 'versioning',
        mentions: ['"logs"'],
      },
    ],
  },
  {
    rule: 'iam-no-wildcards',
    passing: [
      rolePolicy({ Effect: 'Allow', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/x' }),
      res(T.rolePolicy, 'tracing', { role: 'r', policy: { Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }] } }),
      keyPolicy([ROOT_ADMIN, { Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*' }]),
      res(T.role, 'role', { assumeRolePolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'iot.amazonaws.com' }, Action: 'sts:AssumeRole' }] } }),
      res(T.attachment, 'basic', { role: 'r', policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }),
      ...S3_OK,
    ],
    breaking: [
      {
        title: 'wildcard action',
        resources: [rolePolicy({ Effect: 'Allow', Action: 's3:*', Resource: `${RAW_ARN}/*` })],
        field: 'policy.Statement[0].Action',
        mentions: ['"rule-role-policy"', '"s3:*"', 'no wildcard'],
      },
      {
        title: 'Resource "*" for an action with resource-level permissions',
        resources: [rolePolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })],
        field: 'policy.Statement[0].Resource',
        mentions: ['"*"', 's3:GetObject'],
      },
      {
        title: 'exception does not extend to a mixed statement',
        resources: [rolePolicy({ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'logs:PutLogEvents'], Resource: '*' })],
        field: 'policy.Statement[0].Resource',
        mentions: ['logs:PutLogEvents'],
      },
      {
        title: 'service-wide ARN',
        resources: [rolePolicy({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:eu-west-1:123456789012:*' })],
        field: 'policy.Statement[0].Resource',
        mentions: ['"arn:aws:logs:eu-west-1:123456789012:*"'],
      },
      {
        title: 'NotAction in an Allow',
        resources: [rolePolicy({ Effect: 'Allow', NotAction: 'iam:*', Resource: RAW_ARN })],
        field: 'policy.Statement[0].NotAction',
        mentions: ['["iam:*"]'],
      },
      {
        title: 'inline role policy with "*" action',
        resources: [res(T.role, 'role', { assumeRolePolicy: '{"Statement":[]}', inlinePolicies: [{ name: 'x', policy: '{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}}' }] })],
        field: 'inlinePolicies[0].policy.Statement[0].Action',
        mentions: ['"*"'],
      },
      {
        title: 'broad managed policy',
        resources: [res(T.attachment, 'admin', { role: 'r', policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' })],
        field: 'policyArn',
        mentions: ['AmazonS3FullAccess'],
      },
      {
        title: 'kms:* to a service principal in a key policy',
        resources: [keyPolicy([ROOT_ADMIN, { Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' }, Action: 'kms:*', Resource: '*' }])],
        field: 'policy.Statement[1].Action',
        mentions: ['"kms:*"'],
      },
      {
        title: 'public Allow in a bucket policy',
        resources: change(S3_OK, 'raw-policy', (i) => ({ ...i, policy: { Statement: [tlsDeny(RAW_ARN), { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${RAW_ARN}/*` }] } })),
        field: 'policy.Statement[1].Principal',
        mentions: ['"raw-policy"', 'public'],
      },
    ],
  },
  {
    rule: 'iam-trust-confused-deputy',
    passing: TRUST_OK,
    breaking: [
      {
        title: 'Firehose role guarded by aws:SourceAccount instead of its documented sts:ExternalId',
        resources: change(TRUST_OK, 'stream-role', () => trustRole('stream-role', 'firehose.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }).inputs),
        field: 'assumeRolePolicy.Statement[0].Condition.StringEquals.sts:ExternalId',
        mentions: ['"stream-role"', 'is missing', 'firehose.amazonaws.com', '12-digit account id'],
      },
      {
        title: 'Firehose role without any condition',
        resources: change(TRUST_OK, 'stream-role', () => trustRole('stream-role', 'firehose.amazonaws.com').inputs),
        field: 'assumeRolePolicy.Statement[0].Condition.StringEquals.sts:ExternalId',
        mentions: ['is missing'],
      },
      {
        title: 'sts:ExternalId that is not an account id',
        resources: change(TRUST_OK, 'stream-role', () => trustRole('stream-role', 'firehose.amazonaws.com', { StringEquals: { 'sts:ExternalId': 'anything' } }).inputs),
        field: 'assumeRolePolicy.Statement[0].Condition.StringEquals.sts:ExternalId',
        mentions: ['["anything"]', '12-digit account id'],
      },
      {
        title: 'IoT role without aws:SourceAccount',
        resources: change(TRUST_OK, 'rule-role', () => trustRole('rule-role', 'iot.amazonaws.com').inputs),
        field: 'assumeRolePolicy.Statement[0].Condition.StringEquals.aws:SourceAccount',
        mentions: ['"rule-role"', 'iot.amazonaws.com'],
      },
      {
        title: 'a service whose documented guard is not recorded',
        resources: [trustRole('forecast-role', 'forecast.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } })],
        field: 'assumeRolePolicy.Statement[0].Principal',
        mentions: ['"forecast.amazonaws.com"', 'TRUST_GUARD_KEYS'],
      },
    ],
  },
  {
    rule: 's3-lifecycle-delete-markers',
    passing: LIFECYCLE_OK,
    breaking: [
      {
        title: 'versioned access-log bucket that expires logs but keeps their delete markers',
        resources: change(LIFECYCLE_OK, 'logs-lifecycle', (i) => ({ ...i, rules: [EXPIRE_LOGS] })),
        field: 'rules',
        mentions: ['"logs-lifecycle"', 'expiredObjectDeleteMarker'],
      },
      {
        title: 'the delete-marker rule is disabled',
        resources: change(LIFECYCLE_OK, 'raw-lifecycle', (i) => ({
          ...i,
          rules: [(i['rules'] as unknown[])[0], { ...DELETE_MARKERS, status: 'Disabled' }],
        })),
        field: 'rules',
        mentions: ['"raw-lifecycle"'],
      },
    ],
  },
  {
    rule: 'iot-policy-thing-scoped',
    passing: [iotPolicy([CONNECT, PUBLISH])],
    breaking: [
      { title: 'iot:* action', resources: [iotPolicy([CONNECT, { ...PUBLISH, Action: 'iot:*' }])], field: 'policy.Statement[1].Action', mentions: ['"iot:*"'] },
      {
        title: 'publish to every device topic',
        resources: [iotPolicy([CONNECT, { ...PUBLISH, Resource: `${IOT}:topic/sensors/+/telemetry` }])],
        field: 'policy.Statement[1].Resource',
        mentions: ['sensors/+/telemetry'],
      },
      {
        title: 'publish to another topic of its own',
        resources: [iotPolicy([CONNECT, { ...PUBLISH, Resource: `${IOT}:topic/sensors/${THING}/commands` }])],
        field: 'policy.Statement[1].Resource',
        mentions: ['/commands', `sensors/${THING}/telemetry`],
      },
      {
        title: 'connect as any client id',
        resources: [iotPolicy([{ ...CONNECT, Resource: `${IOT}:client/*` }, PUBLISH])],
        field: 'policy.Statement[0].Resource',
        mentions: ['client/*'],
      },
      {
        title: 'connect without the attached-certificate condition',
        resources: [iotPolicy([{ ...CONNECT, Condition: undefined }, PUBLISH])],
        field: 'policy.Statement[0].Condition',
        mentions: ['iot:Connection.Thing.IsAttached'],
      },
    ],
  },
  {
    rule: 'iot-rule-error-action',
    passing: [TOPIC_RULE_OK],
    breaking: [
      { title: 'no error action', resources: change([TOPIC_RULE_OK], 'telemetry-rule', (i) => ({ ...i, errorAction: undefined })), field: 'errorAction', mentions: ['errorAction is missing'] },
      {
        title: 'error action on the same service as the main action',
        resources: change([TOPIC_RULE_OK], 'telemetry-rule', (i) => ({ ...i, errorAction: { firehose: { deliveryStreamName: 'stream', roleArn: 'role' } } })),
        field: 'errorAction.firehose',
        mentions: ['"deliveryStreamName":"stream"', 'different service', 'firehose'],
      },
    ],
  },
  {
    rule: 'firehose-errors-logging-encryption',
    passing: [FIREHOSE_OK],
    breaking: [
      {
        title: 'error prefix without the error type',
        resources: change([FIREHOSE_OK], 'telemetry-stream', (i) => ({ ...i, extendedS3Configuration: { ...(i['extendedS3Configuration'] as object), errorOutputPrefix: 'errors/' } })),
        field: 'extendedS3Configuration.errorOutputPrefix',
        mentions: ['"errors/"', '!{firehose:error-output-type}'],
      },
      {
        title: 'logging disabled',
        resources: change([FIREHOSE_OK], 'telemetry-stream', (i) => ({ ...i, extendedS3Configuration: { ...(i['extendedS3Configuration'] as object), cloudwatchLoggingOptions: { enabled: false } } })),
        field: 'extendedS3Configuration.cloudwatchLoggingOptions.enabled',
        mentions: ['enabled is false'],
      },
      {
        title: 'no server-side encryption',
        resources: change([FIREHOSE_OK], 'telemetry-stream', (i) => ({ ...i, serverSideEncryption: undefined })),
        field: 'serverSideEncryption.enabled',
        mentions: ['serverSideEncryption.enabled is missing'],
      },
      {
        title: 'AWS-owned key',
        resources: change([FIREHOSE_OK], 'telemetry-stream', (i) => ({ ...i, serverSideEncryption: { enabled: true, keyType: 'AWS_OWNED_CMK' } })),
        field: 'serverSideEncryption.keyType',
        mentions: ['"AWS_OWNED_CMK"', 'CUSTOMER_MANAGED_CMK'],
      },
    ],
  },
  {
    rule: 'kms-key-rotation',
    passing: [res(T.key, 'key', { enableKeyRotation: true }), res(T.key, 'signing', { customerMasterKeySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' })],
    breaking: [
      { title: 'rotation off', resources: [res(T.key, 'key', { enableKeyRotation: false })], field: 'enableKeyRotation', mentions: ['"key"', 'enableKeyRotation is false'] },
      { title: 'rotation unset', resources: [res(T.key, 'key', {})], field: 'enableKeyRotation', mentions: ['enableKeyRotation is missing'] },
    ],
  },
  {
    rule: 'lambda-tracing-logging',
    passing: LAMBDA_OK,
    breaking: [
      {
        title: 'tracing PassThrough',
        resources: change(LAMBDA_OK, 'processor', (i) => ({ ...i, tracingConfig: { mode: 'PassThrough' } })),
        field: 'tracingConfig.mode',
        mentions: ['"PassThrough"', '"Active"'],
      },
      { title: 'no log group in the stack', resources: change(LAMBDA_OK, 'processor-logs', undefined), field: 'loggingConfig.logGroup', mentions: ['"/sensorlake/dev/processor"'] },
      {
        title: 'its log group keeps logs forever',
        resources: change(LAMBDA_OK, 'processor-logs', (i) => ({ ...i, retentionInDays: undefined })),
        field: 'retentionInDays',
        mentions: ['"processor-logs"', 'retentionInDays is missing'],
      },
    ],
  },
  {
    rule: 'log-group-retention-kms',
    passing: LAMBDA_OK,
    breaking: [
      { title: 'no retention', resources: change(LAMBDA_OK, 'processor-logs', (i) => ({ ...i, retentionInDays: 0 })), field: 'retentionInDays', mentions: ['retentionInDays is 0'] },
      { title: 'no KMS key', resources: change(LAMBDA_OK, 'processor-logs', (i) => ({ ...i, kmsKeyId: undefined })), field: 'kmsKeyId', mentions: ['kmsKeyId is missing'] },
    ],
  },
  {
    rule: 'secrets-in-secrets-manager',
    passing: [
      ...LAMBDA_OK,
      res(T.glueConnection, 'jdbc', { connectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://db:5432/x', SECRET_ID: 'db-secret' } }),
    ],
    breaking: [
      {
        title: 'password in a Lambda environment variable',
        resources: change(LAMBDA_OK, 'processor', (i) => ({ ...i, environment: { variables: { DB_PASSWORD: 'hunter2' } } })),
        field: 'environment.variables.DB_PASSWORD',
        mentions: ['environment.variables.DB_PASSWORD', 'Secrets Manager'],
      },
      {
        title: 'API token in a Lambda environment variable',
        resources: change(LAMBDA_OK, 'processor', (i) => ({ ...i, environment: { variables: { API_TOKEN: 'abc123' } } })),
        field: 'environment.variables.API_TOKEN',
        mentions: ['API_TOKEN'],
      },
      {
        title: 'password in a Glue connection',
        resources: [res(T.glueConnection, 'jdbc', { connectionProperties: { USERNAME: 'etl', PASSWORD: 'hunter2' } })],
        field: 'connectionProperties.PASSWORD',
        mentions: ['SECRET_ID'],
      },
    ],
  },
  {
    rule: 'glue-security-configuration',
    passing: GLUE_OK,
    breaking: [
      {
        title: 'a job without a security configuration',
        resources: change(GLUE_OK, 'curate', (i) => ({ ...i, securityConfiguration: undefined })),
        field: 'securityConfiguration',
        mentions: ['"curate"', 'a Glue security configuration of this stack'],
      },
      {
        title: 'a crawler naming a security configuration the stack does not have',
        resources: change(GLUE_OK, 'raw-crawler', (i) => ({ ...i, securityConfiguration: 'elsewhere' })),
        field: 'securityConfiguration',
        mentions: ['"elsewhere"'],
      },
      {
        title: 'CloudWatch logs not encrypted',
        resources: change(GLUE_OK, 'security', (i) => ({
          encryptionConfiguration: { ...(i.encryptionConfiguration as object), cloudwatchEncryption: { cloudwatchEncryptionMode: 'DISABLED' } },
        })),
        field: 'cloudwatchEncryption.cloudwatchEncryptionMode',
        mentions: ['"DISABLED"', '"SSE-KMS"'],
      },
      {
        title: 'S3 output with SSE-S3 instead of a KMS key',
        resources: change(GLUE_OK, 'security', (i) => ({
          encryptionConfiguration: { ...(i.encryptionConfiguration as object), s3Encryption: { s3EncryptionMode: 'SSE-S3' } },
        })),
        field: 's3Encryption.kmsKeyArn',
        mentions: ['a KMS key ARN'],
      },
    ],
  },
  {
    rule: 'glue-crawler-policies',
    passing: GLUE_OK,
    breaking: [
      {
        title: 'new folders only with deleteBehavior DELETE_FROM_DATABASE',
        resources: change(GLUE_OK, 'raw-crawler', (i) => ({ ...i, schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'DELETE_FROM_DATABASE' } })),
        field: 'schemaChangePolicy.deleteBehavior',
        mentions: ['"DELETE_FROM_DATABASE"', 'CRAWL_NEW_FOLDERS_ONLY'],
      },
      {
        title: 'new folders only on a JDBC target',
        resources: change(GLUE_OK, 'raw-crawler', (i) => ({ ...i, s3Targets: undefined, jdbcTargets: [{ connectionName: 'c', path: 'db/%' }] })),
        field: 'jdbcTargets',
        mentions: ['S3 targets only'],
      },
      {
        title: 'no schema-change policy',
        resources: change(GLUE_OK, 'raw-crawler', (i) => ({ ...i, schemaChangePolicy: undefined })),
        field: 'schemaChangePolicy',
        mentions: ['explicit updateBehavior'],
      },
    ],
  },
  {
    rule: 'rds-encrypted-private',
    passing: [RDS_OK],
    breaking: [
      { title: 'publicly accessible', resources: change([RDS_OK], 'db', (i) => ({ ...i, publiclyAccessible: true })), field: 'publiclyAccessible', mentions: ['true', 'false'] },
      { title: 'storage not encrypted', resources: change([RDS_OK], 'db', (i) => ({ ...i, storageEncrypted: undefined })), field: 'storageEncrypted', mentions: ['missing'] },
      { title: 'encrypted with the AWS-managed key', resources: change([RDS_OK], 'db', (i) => ({ ...i, kmsKeyId: undefined })), field: 'kmsKeyId', mentions: ['customer-managed'] },
      {
        title: 'a master password in the inputs',
        resources: change([RDS_OK], 'db', (i) => ({ ...i, manageMasterUserPassword: false, password: 'hunter2' })),
        field: 'password',
        mentions: ['<redacted>'],
      },
    ],
  },
  {
    rule: 'no-plaintext-key-material',
    passing: [...LAMBDA_OK, res(T.tlsKey, 'device-key', { algorithm: 'RSA', privateKeyPem: PEM })],
    breaking: [
      {
        title: 'PEM private key in a Lambda environment variable',
        resources: change(LAMBDA_OK, 'processor', (i) => ({ ...i, environment: { variables: { DEVICE_CERT_KEY_MATERIAL: PEM } } })),
        field: 'environment.variables.DEVICE_CERT_KEY_MATERIAL',
        mentions: ['PEM private key', '<redacted>'],
      },
      {
        title: 'access key id in a tag',
        resources: [res(T.logGroup, 'lg', { retentionInDays: 1, kmsKeyId: KEY_ARN, tags: { note: 'AKIAABCDEFGHIJKLMNOP' } })],
        field: 'tags.note',
        mentions: ['AWS access key id'],
      },
    ],
  },
  {
    rule: 'kinesis-stream-kms',
    passing: [STREAM_OK],
    breaking: [
      { title: 'not encrypted', resources: change([STREAM_OK], 'stream', (i) => ({ ...i, encryptionType: 'NONE', kmsKeyId: undefined })), field: 'encryptionType', mentions: ['"NONE"', '"KMS"'] },
      { title: 'the AWS-managed key', resources: change([STREAM_OK], 'stream', (i) => ({ ...i, kmsKeyId: 'alias/aws/kinesis' })), field: 'kmsKeyId', mentions: ['customer-managed'] },
    ],
  },
  {
    rule: 'sqs-queue-kms',
    passing: [QUEUE_OK],
    breaking: [
      { title: 'SQS-managed encryption only', resources: change([QUEUE_OK], 'dlq', (i) => ({ ...i, kmsMasterKeyId: undefined, sqsManagedSseEnabled: true })), field: 'kmsMasterKeyId', mentions: ['missing'] },
      { title: 'the AWS-managed key', resources: change([QUEUE_OK], 'dlq', (i) => ({ ...i, kmsMasterKeyId: 'alias/aws/sqs' })), field: 'kmsMasterKeyId', mentions: ['"alias/aws/sqs"'] },
    ],
  },
  {
    rule: 'sns-topic-kms-tls',
    passing: TOPIC_OK,
    breaking: [
      { title: 'not encrypted', resources: change(TOPIC_OK, 'alerts', (i) => ({ ...i, kmsMasterKeyId: undefined })), field: 'kmsMasterKeyId', mentions: ['missing'] },
      { title: 'no topic policy', resources: change(TOPIC_OK, 'alerts-policy', undefined), field: 'policy', mentions: ['TopicPolicy'] },
      {
        title: 'a topic policy that no longer denies plain HTTP',
        resources: change(TOPIC_OK, 'alerts-policy', (i) => ({ ...i, policy: String(i.policy).replace('"aws:SecureTransport":"false"', '"aws:SecureTransport":"true"') })),
        field: 'aws:SecureTransport',
        mentions: ['"false"'],
      },
    ],
  },
  {
    rule: 'athena-workgroup-enforced',
    passing: [WORKGROUP_OK],
    breaking: [
      { title: 'clients may override the configuration', resources: change([WORKGROUP_OK], 'wg', (i) => ({ ...i, configuration: { ...(i.configuration as object), enforceWorkgroupConfiguration: false } })), field: 'enforceWorkgroupConfiguration', mentions: ['false'] },
      {
        title: 'results encrypted with SSE-S3',
        resources: change([WORKGROUP_OK], 'wg', (i) => ({ ...i, configuration: { ...(i.configuration as object), resultConfiguration: { outputLocation: 's3://r/athena/', encryptionConfiguration: { encryptionOption: 'SSE_S3' } } } })),
        field: 'encryptionOption',
        mentions: ['"SSE_S3"'],
      },
      { title: 'engine version AUTO', resources: change([WORKGROUP_OK], 'wg', (i) => ({ ...i, configuration: { ...(i.configuration as object), engineVersion: { selectedEngineVersion: 'AUTO' } } })), field: 'selectedEngineVersion', mentions: ['"AUTO"'] },
      { title: 'a cutoff under 10 MiB', resources: change([WORKGROUP_OK], 'wg', (i) => ({ ...i, configuration: { ...(i.configuration as object), bytesScannedCutoffPerQuery: 10_000_000 } })), field: 'bytesScannedCutoffPerQuery', mentions: ['10000000', '10485760'] },
      { title: 'no CloudWatch metrics', resources: change([WORKGROUP_OK], 'wg', (i) => ({ ...i, configuration: { ...(i.configuration as object), publishCloudwatchMetricsEnabled: false } })), field: 'publishCloudwatchMetricsEnabled', mentions: ['false'] },
      { title: 'requester pays', resources: change([WORKGROUP_OK], 'wg', (i) => ({ ...i, configuration: { ...(i.configuration as object), requesterPaysEnabled: true } })), field: 'requesterPaysEnabled', mentions: ['true'] },
    ],
  },
  {
    rule: 'sagemaker-endpoint-kms',
    passing: [ENDPOINT_CONFIG_OK],
    breaking: [{ title: 'volume not encrypted with the key', resources: change([ENDPOINT_CONFIG_OK], 'endpoint-config', (i) => ({ ...i, kmsKeyArn: undefined })), field: 'kmsKeyArn', mentions: ['missing'] }],
  },
  {
    rule: 'lambda-stream-failure-handling',
    passing: [MAPPING_OK, res(T.mapping, 'sqs-mapping', { eventSourceArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:q`, functionName: 'f' })],
    breaking: [
      { title: 'no partial batch failures', resources: change([MAPPING_OK], 'alerts-mapping', (i) => ({ ...i, functionResponseTypes: [] })), field: 'functionResponseTypes', mentions: ['ReportBatchItemFailures'] },
      { title: 'failing batches not split', resources: change([MAPPING_OK], 'alerts-mapping', (i) => ({ ...i, bisectBatchOnFunctionError: false })), field: 'bisectBatchOnFunctionError', mentions: ['false'] },
      { title: 'unbounded retries', resources: change([MAPPING_OK], 'alerts-mapping', (i) => ({ ...i, maximumRetryAttempts: -1 })), field: 'maximumRetryAttempts', mentions: ['-1'] },
      { title: 'no on-failure destination', resources: change([MAPPING_OK], 'alerts-mapping', (i) => ({ ...i, destinationConfig: undefined })), field: 'destinationConfig.onFailure.destinationArn', mentions: ['missing'] },
    ],
  },
  {
    rule: 'quicksight-data-source-ssl',
    passing: [DATA_SOURCE_OK],
    breaking: [
      { title: 'SSL off', resources: change([DATA_SOURCE_OK], 'qs-source', (i) => ({ ...i, sslProperties: { disableSsl: true } })), field: 'sslProperties.disableSsl', mentions: ['true'] },
      { title: 'shared with everyone', resources: change([DATA_SOURCE_OK], 'qs-source', (i) => ({ ...i, permissions: [{ principal: '*', actions: ['quicksight:DescribeDataSource'] }] })), field: 'permissions[0].principal', mentions: ['"*"'] },
    ],
  },
  {
    rule: 'sfn-logging-tracing',
    passing: SFN_OK,
    breaking: [
      { title: 'logging level ERROR', resources: change(SFN_OK, 'machine', (i) => ({ ...i, loggingConfiguration: { ...(i['loggingConfiguration'] as object), level: 'ERROR' } })), field: 'loggingConfiguration.level', mentions: ['"ERROR"', '"ALL"'] },
      { title: 'no execution data', resources: change(SFN_OK, 'machine', (i) => ({ ...i, loggingConfiguration: { ...(i['loggingConfiguration'] as object), includeExecutionData: false } })), field: 'includeExecutionData', mentions: ['false'] },
      { title: 'a destination without :*', resources: change(SFN_OK, 'machine', (i) => ({ ...i, loggingConfiguration: { ...(i['loggingConfiguration'] as object), logDestination: SFN_LOG_ARN } })), field: 'logDestination', mentions: [':*'] },
      { title: 'a log group of another stack', resources: change(SFN_OK, 'machine', (i) => ({ ...i, loggingConfiguration: { ...(i['loggingConfiguration'] as object), logDestination: `${SFN_LOG_ARN}-other:*` } })), field: 'logDestination', mentions: ['of this stack'] },
      { title: 'no tracing', resources: change(SFN_OK, 'machine', (i) => ({ ...i, tracingConfiguration: undefined })), field: 'tracingConfiguration.enabled', mentions: ['missing'] },
    ],
  },
  {
    rule: 'scheduler-retry-dlq-kms',
    passing: [SCHEDULE_OK],
    breaking: [
      { title: 'no retry policy', resources: change([SCHEDULE_OK], 'schedule', (i) => ({ ...i, target: { ...(i['target'] as object), retryPolicy: undefined } })), field: 'target.retryPolicy.maximumEventAgeInSeconds', mentions: ['missing'] },
      { title: 'no dead-letter queue', resources: change([SCHEDULE_OK], 'schedule', (i) => ({ ...i, target: { ...(i['target'] as object), deadLetterConfig: undefined } })), field: 'target.deadLetterConfig.arn', mentions: ['SQS'] },
      { title: 'no key', resources: change([SCHEDULE_OK], 'schedule', (i) => ({ ...i, kmsKeyArn: undefined })), field: 'kmsKeyArn', mentions: ['customer-managed'] },
    ],
  },
  {
    rule: 'lambda-permission-source',
    passing: [PERMISSION_OK, res('aws:lambda/permission:Permission', 'by-role', { action: 'lambda:InvokeFunction', function: 'f', principal: '123456789012' })],
    breaking: [
      { title: 'any bucket may invoke', resources: change([PERMISSION_OK], 'permission', (i) => ({ ...i, sourceArn: undefined })), field: 'sourceArn', mentions: ['s3.amazonaws.com'] },
      { title: 'any account\'s bucket of that name may invoke', resources: change([PERMISSION_OK], 'permission', (i) => ({ ...i, sourceAccount: undefined })), field: 'sourceAccount', mentions: ['12-digit'] },
    ],
  },
];

function ruleById(id: string) {
  const rule = RULES.find((r) => r.id === id);
  if (rule === undefined) throw new Error(`no rule ${id}`);
  return rule;
}

describe('security rules: fixtures', () => {
  it('every rule has a passing fixture and at least one breaking fixture', () => {
    expect(CASES.map((c) => c.rule).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const c of CASES) expect(c.breaking.length).toBeGreaterThan(0);
  });

  describe.each(CASES)('$rule', ({ rule: id, passing, breaking }) => {
    it('passes its passing fixture, having checked something', () => {
      const { violations, checked } = evaluateRules(passing, [ruleById(id)]);
      expect(violations).toEqual([]);
      expect(checked[id]).toBeGreaterThan(0);
    });

    it.each(breaking)('breaks on: $title', ({ resources, field, mentions }) => {
      const { violations } = evaluateRules(resources, [ruleById(id)]);
      const hit = violations.find((v) => v.field.endsWith(field));
      expect(hit, `violations: ${JSON.stringify(violations.map((v) => v.message))}`).toBeDefined();
      expect(hit?.ruleId).toBe(id);
      for (const text of mentions) expect(hit?.message).toContain(text);
      expect(hit?.message).toContain(hit?.resource);
    });
  });
});

describe('rules only look at their own resource types', () => {
  it.each(RULES.filter((r) => !r.resourceTypes.includes('*')))('$id ignores an unrelated resource', (rule) => {
    const unrelated = res('aws:sesv2/configurationSet:ConfigurationSet', 'mail', { policy: '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}' });
    expect(rule.check(unrelated, [unrelated])).toEqual([]);
  });
});

describe('parsePolicyDocument', () => {
  it('reads the same statements from a JSON string and from an object', () => {
    const doc = { Version: '2012-10-17', Statement: { Effect: 'Deny', Principal: { AWS: ['*'] }, Action: 's3:*', Resource: 'a', Condition: { Bool: { 'aws:SecureTransport': false } } } };
    const fromObject = parsePolicyDocument(doc);
    expect(parsePolicyDocument(JSON.stringify(doc))).toStrictEqual(fromObject);
    expect(fromObject).toStrictEqual({
      ok: true,
      statements: [
        {
          index: 0,
          effect: 'Deny',
          actions: ['s3:*'],
          notActions: [],
          resources: ['a'],
          notResources: [],
          principals: ['*'],
          conditions: { Bool: { 'aws:SecureTransport': ['false'] } },
        },
      ],
    });
  });

  it.each([
    ['{', 'not valid JSON'],
    ['[]', 'not a policy document object'],
    ['{"Version":"2012-10-17"}', 'has no Statement'],
  ])('rejects %s with "%s"', (input, error) => {
    const parsed = parsePolicyDocument(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(error);
  });
});

describe('linking through property dependencies (policy pack, preview)', () => {
  it('finds a bucket\'s public access block by URN when ids are unknown', () => {
    const bucket = res(T.bucketV2, 'raw', {});
    const block: CapturedResource = {
      ...res(T.pab, 'raw-pab', { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: false }),
      propertyDependencies: { bucket: [bucket.urn!] },
    };
    const { violations } = evaluateRules([bucket, block], [ruleById('s3-public-access-block')]);
    expect(violations.map((v) => v.message)).toEqual([
      `${T.pab} "raw-pab": restrictPublicBuckets is false; expected true`,
    ]);
  });
});
