import { beforeAll, describe, expect, it } from 'vitest';
import { readEnvironmentConfig, type Environment, type EnvironmentConfig } from '../../core/settings.js';
import { INGESTION_OUTPUT_KEYS, ingestionOutputsSchema } from '../../core/contracts.js';
import { MOCK_ACCOUNT_ID, runStackUnderMocks, type CapturedResource, type MockRun } from '../testing/index.js';
import {
  PROCESSOR_BUFFER,
  RAW_ZONE,
  RULE_ERROR_KEY,
  TOPIC_RULE_SQL,
  TOPIC_RULE_SQL_VERSION,
  telemetryTopic,
} from '../../core/ingestion/definitions.js';
import { THING_NAME_VARIABLE } from '../../core/ingestion/device-policy.js';
import type { PolicyDocument, PolicyStatement } from './iam.js';

const T = {
  stack: 'sensorlake:ingestion:IngestionStack',
  bucket: 'aws:s3/bucket:Bucket',
  versioning: 'aws:s3/bucketVersioning:BucketVersioning',
  encryption: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  publicAccess: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  bucketPolicy: 'aws:s3/bucketPolicy:BucketPolicy',
  lifecycle: 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  logging: 'aws:s3/bucketLogging:BucketLogging',
  key: 'aws:kms/key:Key',
  thing: 'aws:iot/thing:Thing',
  thingType: 'aws:iot/thingType:ThingType',
  iotPolicy: 'aws:iot/policy:Policy',
  cert: 'aws:iot/certificate:Certificate',
  privateKey: 'tls:index/privateKey:PrivateKey',
  csr: 'tls:index/certRequest:CertRequest',
  thingAttachment: 'aws:iot/thingPrincipalAttachment:ThingPrincipalAttachment',
  policyAttachment: 'aws:iot/policyAttachment:PolicyAttachment',
  rule: 'aws:iot/topicRule:TopicRule',
  stream: 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  logStream: 'aws:cloudwatch/logStream:LogStream',
  fn: 'aws:lambda/function:Function',
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
} as const;

function policy(resource: CapturedResource): PolicyDocument {
  return JSON.parse(String(resource.inputs.policy)) as PolicyDocument;
}

function statement(doc: PolicyDocument, sid: string): PolicyStatement {
  const found = doc.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${JSON.stringify(doc)}`);
  return found;
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

/** The rule SecureBucket adds to every lifecycle: abort stale uploads, remove expired delete markers. */
const HOUSEKEEPING = {
  id: 'housekeeping',
  status: 'Enabled',
  filter: {},
  expiration: { expiredObjectDeleteMarker: true },
  abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
};

const runs = new Map<Environment, MockRun>();
beforeAll(async () => {
  // Sequential: the mocks are process-global.
  runs.set('dev', await runStackUnderMocks('ingestion-dev'));
  runs.set('prod', await runStackUnderMocks('ingestion-prod'));
});

describe.each(['dev', 'prod'] as const)('ingestion-%s under mocks', (env) => {
  let run: MockRun;
  let config: EnvironmentConfig;
  beforeAll(() => {
    run = runs.get(env) as MockRun;
    config = readEnvironmentConfig(env);
  });

  const raw = () => run.get(T.bucket, 'ingestion-raw-bucket');
  const logs = () => run.get(T.bucket, 'ingestion-raw-access-logs');
  const key = () => run.get(T.key, 'ingestion-key');

  it('is one IngestionStack component with its four child components, all children parented', () => {
    const root = run.get(T.stack, 'ingestion');
    expect(root.parent).toBeUndefined();
    const components = run.resources.filter((r) => !r.custom).map((r) => `${r.type} ${r.name}`);
    expect(components.sort()).toStrictEqual(
      [
        'sensorlake:ingestion:DeviceFleet ingestion-fleet',
        'sensorlake:ingestion:IngestionStack ingestion',
        'sensorlake:components:SecureBucket ingestion-raw',
        'sensorlake:ingestion:TelemetryDelivery ingestion-delivery',
        'sensorlake:ingestion:TelemetryProcessor ingestion-processor',
      ].sort(),
    );
    const componentUrns = new Set(run.resources.filter((r) => !r.custom).map((r) => r.urn));
    for (const r of run.resources.filter((x) => x !== root)) {
      expect(componentUrns.has(r.parent as string), `parent of ${r.type} ${r.name} is ${r.parent}`).toBe(true);
      expect(r.name.startsWith('ingestion-'), r.name).toBe(true);
    }
  });

  it('creates the expected number of resources of each type', () => {
    const n = config.simulatorThingCount;
    const counts = Object.fromEntries(Object.entries(T).map(([k, type]) => [k, run.ofType(type).length]));
    expect(counts).toStrictEqual({
      stack: 1,
      bucket: 2,
      versioning: 2,
      encryption: 2,
      publicAccess: 2,
      bucketPolicy: 2,
      lifecycle: 2,
      logging: 1,
      key: 1,
      thing: n,
      thingType: 1,
      iotPolicy: 1,
      cert: n,
      privateKey: n,
      csr: n,
      thingAttachment: n,
      policyAttachment: n,
      rule: 1,
      stream: 1,
      logGroup: 2,
      logStream: 1,
      fn: 1,
      role: 3,
      rolePolicy: 3,
    });
  });

  it('sets no physical name except the topic rule (whose name rules forbid auto-naming)', () => {
    const named = run.resources.filter((r) => r.custom && typeof r.inputs.name === 'string' && r.type !== T.logStream);
    expect(named.map((r) => r.type)).toStrictEqual([T.rule]);
    expect(named[0]?.inputs.name).toBe(`sensorlake_ingestion_${env}_ingestion_delivery`);
    for (const b of run.ofType(T.bucket)) expect(b.inputs.bucket).toBeUndefined();
  });

  it('KMS key: rotation on, deletion window from config, policy for the account root and CloudWatch Logs only', () => {
    expect(key().inputs.enableKeyRotation).toBe(true);
    expect(key().inputs.deletionWindowInDays).toBe(config.kmsDeletionWindowDays);
    const doc = policy(key());
    expect(statement(doc, 'EnableIamPolicies').Principal).toStrictEqual({ AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` });
    const logsStatement = statement(doc, 'CloudWatchLogsOfThisStack');
    expect(logsStatement.Principal).toStrictEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    expect(logsStatement.Condition?.ArnLike?.['kms:EncryptionContext:aws:logs:arn']).toBe(
      `arn:aws:logs:eu-west-1:${MOCK_ACCOUNT_ID}:log-group:/sensorlake/ingestion-${env}/*`,
    );
    expect(doc.Statement).toHaveLength(2);
  });

  it('raw bucket: SSE-KMS with the key and a bucket key; the access-log bucket SSE-S3 (S3 logging requires it)', () => {
    const rawEnc = run.get(T.encryption, 'ingestion-raw-bucket-encryption').inputs.rules as Record<string, unknown>[];
    expect(rawEnc).toStrictEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key().state.arn },
        bucketKeyEnabled: true,
      },
    ]);
    expect(run.get(T.encryption, 'ingestion-raw-bucket-encryption').inputs.bucket).toBe(raw().id);
    const logEnc = run.get(T.encryption, 'ingestion-raw-access-logs-encryption').inputs.rules;
    expect(logEnc).toStrictEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }]);
  });

  it('both buckets: versioned, all four public access blocks, TLS-only policy on the bucket and its objects', () => {
    for (const [bucket, role] of [
      [raw(), 'ingestion-raw-bucket'],
      [logs(), 'ingestion-raw-access-logs'],
    ] as const) {
      expect(run.get(T.versioning, `${role}-versioning`).inputs).toStrictEqual({
        bucket: bucket.id,
        versioningConfiguration: { status: 'Enabled' },
      });
      expect(run.get(T.publicAccess, `${role}-public-access`).inputs).toStrictEqual({
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const tls = statement(policy(run.get(T.bucketPolicy, `${role}-policy`)), 'DenyInsecureTransport');
      expect(tls).toStrictEqual({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucket.state.arn, `${String(bucket.state.arn)}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    }
  });

  it('raw lifecycle: objects over 40 KiB go to Glacier, noncurrent versions expire, no 128 KiB default floor', () => {
    const lifecycle = run.get(T.lifecycle, 'ingestion-raw-bucket-lifecycle').inputs;
    expect(lifecycle).toStrictEqual({
      bucket: raw().id,
      transitionDefaultMinimumObjectSize: 'varies_by_storage_class',
      rules: [
        {
          id: 'archive-to-glacier',
          status: 'Enabled',
          filter: { objectSizeGreaterThan: 40 * 1024 },
          transitions: [{ days: config.rawGlacierTransitionDays, storageClass: 'GLACIER' }],
        },
        {
          id: 'expire-noncurrent',
          status: 'Enabled',
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: config.rawNoncurrentVersionExpirationDays },
        },
        HOUSEKEEPING,
      ],
    });
  });

  it('access-log lifecycle: logs expire after the log retention, then their delete markers are removed', () => {
    expect(run.get(T.lifecycle, 'ingestion-raw-access-logs-lifecycle').inputs).toStrictEqual({
      bucket: logs().id,
      transitionDefaultMinimumObjectSize: 'varies_by_storage_class',
      rules: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: {},
          expiration: { days: config.logRetentionDays },
          noncurrentVersionExpiration: { noncurrentDays: 1 },
        },
        HOUSEKEEPING,
      ],
    });
  });

  it('raw access logs go to the log bucket, which admits only S3 logging for the raw bucket', () => {
    const logging = run.get(T.logging, 'ingestion-raw-bucket-logging');
    expect(logging.inputs).toMatchObject({ bucket: raw().id, targetBucket: logs().id, targetPrefix: 'raw-bucket/' });
    const delivery = statement(policy(run.get(T.bucketPolicy, 'ingestion-raw-access-logs-policy')), 'S3ServerAccessLogs');
    expect(delivery.Principal).toStrictEqual({ Service: 'logging.s3.amazonaws.com' });
    expect(delivery.Resource).toBe(`${String(logs().state.arn)}/raw-bucket/*`);
    expect(delivery.Condition?.ArnLike?.['aws:SourceArn']).toBe(raw().state.arn);
  });

  it('deletion protection follows config: force-destroy, protect and retain-on-delete of buckets and key', () => {
    const protect = config.deletionProtection;
    expect(protect).toBe(env === 'prod');
    for (const r of [raw(), logs(), key()]) {
      expect(r.protect, r.name).toBe(protect);
      expect(r.retainOnDelete, r.name).toBe(protect);
    }
    expect(raw().inputs.forceDestroy).toBe(!protect);
    expect(logs().inputs.forceDestroy).toBe(!protect);
  });

  it('device policy: connect only as its own attached thing, publish only to its own telemetry topic', () => {
    const doc = policy(run.get(T.iotPolicy, 'ingestion-fleet-device-policy'));
    const arn = `arn:aws:iot:eu-west-1:${MOCK_ACCOUNT_ID}`;
    expect(doc.Statement).toStrictEqual([
      {
        Sid: 'ConnectAsOwnThing',
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `${arn}:client/\${iot:Connection.Thing.ThingName}`,
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      {
        Sid: 'PublishOwnTelemetry',
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: `${arn}:topic/${telemetryTopic(THING_NAME_VARIABLE)}`,
      },
    ]);
    expect(telemetryTopic(THING_NAME_VARIABLE)).toBe('sensors/${iot:Connection.Thing.ThingName}/telemetry');
  });

  it('each simulator thing has its own ECDSA key, a CSR for its name, a certificate from that CSR, both attachments', () => {
    const policyRes = run.get(T.iotPolicy, 'ingestion-fleet-device-policy');
    const thingType = run.get(T.thingType, 'ingestion-fleet-thing-type');
    const certArns = new Set<unknown>();
    for (let i = 1; i <= config.simulatorThingCount; i += 1) {
      const role = `ingestion-fleet-sensor-${String(i).padStart(4, '0')}`;
      const thing = run.get(T.thing, role);
      expect(thing.inputs.thingTypeName).toBe(thingType.state.name);
      expect(run.get(T.privateKey, `${role}-key`).inputs).toMatchObject({ algorithm: 'ECDSA', ecdsaCurve: 'P256' });
      const csr = run.get(T.csr, `${role}-csr`);
      expect(csr.inputs.privateKeyPem).toBe(run.get(T.privateKey, `${role}-key`).state.privateKeyPem);
      expect((csr.inputs.subject as { commonName: string }).commonName).toBe(thing.state.name);
      const cert = run.get(T.cert, `${role}-cert`);
      expect(cert.inputs).toStrictEqual({ active: true, csr: csr.state.certRequestPem });
      expect(run.get(T.thingAttachment, `${role}-thing-attachment`).inputs).toStrictEqual({
        thing: thing.state.name,
        principal: cert.state.arn,
      });
      expect(run.get(T.policyAttachment, `${role}-policy-attachment`).inputs).toStrictEqual({
        policy: policyRes.state.name,
        target: cert.state.arn,
      });
      certArns.add(cert.state.arn);
    }
    expect(certArns.size).toBe(config.simulatorThingCount);
  });

  it('topic rule: the shared SQL, Firehose action with newline separator, S3 error action under rule-errors/', () => {
    const rule = run.get(T.rule, 'ingestion-delivery-rule');
    const stream = run.get(T.stream, 'ingestion-delivery-stream');
    const ruleRole = run.get(T.role, 'ingestion-delivery-rule-role');
    expect(rule.inputs.sql).toBe(TOPIC_RULE_SQL);
    expect(rule.inputs.sqlVersion).toBe(TOPIC_RULE_SQL_VERSION);
    expect(rule.inputs.enabled).toBe(true);
    expect(rule.inputs.firehoses).toStrictEqual([
      { deliveryStreamName: stream.state.name, roleArn: ruleRole.state.arn, separator: '\n', batchMode: false },
    ]);
    expect(rule.inputs.errorAction).toStrictEqual({
      s3: { bucketName: raw().state.bucket, key: RULE_ERROR_KEY, roleArn: ruleRole.state.arn },
    });
  });

  it('delivery stream: extended S3 into the raw bucket with the shared prefixes, GZIP, buffering from config', () => {
    const stream = run.get(T.stream, 'ingestion-delivery-stream');
    const fn = run.get(T.fn, 'ingestion-processor-function');
    const logGroup = run.get(T.logGroup, 'ingestion-delivery-stream-logs');
    expect(stream.inputs.destination).toBe('extended_s3');
    expect(stream.inputs.serverSideEncryption).toStrictEqual({
      enabled: true,
      keyType: 'CUSTOMER_MANAGED_CMK',
      keyArn: key().state.arn,
    });
    expect(stream.inputs.extendedS3Configuration).toStrictEqual({
      roleArn: run.get(T.role, 'ingestion-delivery-stream-role').state.arn,
      bucketArn: raw().state.arn,
      prefix: RAW_ZONE.prefix,
      errorOutputPrefix: RAW_ZONE.errorOutputPrefix,
      fileExtension: RAW_ZONE.fileExtension,
      compressionFormat: 'GZIP',
      bufferingSize: config.firehoseBufferSizeMiB,
      bufferingInterval: config.firehoseBufferIntervalSeconds,
      kmsKeyArn: key().state.arn,
      cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup.state.name, logStreamName: 'DestinationDelivery' },
      dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
      processingConfiguration: {
        enabled: true,
        processors: [
          {
            type: 'Lambda',
            parameters: [
              { parameterName: 'LambdaArn', parameterValue: `${String(fn.state.arn)}:$LATEST` },
              { parameterName: 'BufferSizeInMBs', parameterValue: String(PROCESSOR_BUFFER.sizeMiB) },
              { parameterName: 'BufferIntervalInSeconds', parameterValue: String(PROCESSOR_BUFFER.intervalSeconds) },
            ],
          },
        ],
      },
    });
  });

  it('log groups: retention from config, encrypted with the key; the stream logs to its own stream', () => {
    // Each group's name falls under the prefix the key policy lets CloudWatch Logs use the key for.
    for (const group of run.ofType(T.logGroup)) {
      expect(group.inputs).toStrictEqual({
        namePrefix: `/sensorlake/ingestion-${env}/${group.name.replace(/-(stream-)?logs$/, '')}-`,
        retentionInDays: config.logRetentionDays,
        kmsKeyId: key().state.arn,
      });
    }
    expect(run.get(T.logStream, 'ingestion-delivery-stream-log-stream').inputs).toStrictEqual({
      logGroupName: run.get(T.logGroup, 'ingestion-delivery-stream-logs').state.name,
      name: 'DestinationDelivery',
    });
  });

  it('processor: bundled nodejs22.x ES module, tracing on, its own JSON log group, settings from config', () => {
    const fn = run.get(T.fn, 'ingestion-processor-function');
    expect(fn.inputs).toMatchObject({
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      tracingConfig: { mode: 'Active' },
      kmsKeyArn: key().state.arn,
      role: run.get(T.role, 'ingestion-processor-role').state.arn,
      loggingConfig: {
        logFormat: 'JSON',
        logGroup: run.get(T.logGroup, 'ingestion-processor-logs').state.name,
        applicationLogLevel: config.logLevel.toUpperCase(),
      },
      environment: {
        variables: {
          SENSORLAKE_MAX_CLOCK_SKEW_SECONDS: String(config.telemetryMaxClockSkewSeconds),
          SENSORLAKE_MAX_LATENESS_HOURS: String(config.telemetryMaxLatenessHours),
          LOG_LEVEL: config.logLevel,
        },
      },
    });
    expect((fn.inputs.code as { __pulumiArchive?: boolean }).__pulumiArchive).toBe(true);
  });

  it('rule role: put on this stream, write the rule error prefix, KMS through S3 for this bucket only', () => {
    const doc = policy(run.get(T.rolePolicy, 'ingestion-delivery-rule-role-policy'));
    const stream = run.get(T.stream, 'ingestion-delivery-stream');
    expect(statement(doc, 'PutToDeliveryStream')).toMatchObject({
      Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
      Resource: stream.state.arn,
    });
    expect(statement(doc, 'ErrorActionWrite')).toMatchObject({
      Action: 's3:PutObject',
      Resource: `${String(raw().state.arn)}/rule-errors/*`,
    });
    expect(statement(doc, 'KmsForRawBucketObjects').Resource).toBe(key().state.arn);
    expect(doc.Statement).toHaveLength(3);
  });

  it('stream role: raw prefixes only, this key, its own log stream, its processor', () => {
    const doc = policy(run.get(T.rolePolicy, 'ingestion-delivery-stream-role-policy'));
    const bucketArn = String(raw().state.arn);
    const fnArn = String(run.get(T.fn, 'ingestion-processor-function').state.arn);
    const groupArn = String(run.get(T.logGroup, 'ingestion-delivery-stream-logs').state.arn);
    expect(statement(doc, 'RawPrefixesWrite').Resource).toStrictEqual([
      `${bucketArn}/telemetry/*`,
      `${bucketArn}/quarantine/*`,
      `${bucketArn}/errors/*`,
    ]);
    expect(statement(doc, 'RawBucketLocate').Resource).toBe(bucketArn);
    expect(statement(doc, 'KmsForRawBucketObjects').Resource).toBe(key().state.arn);
    expect(statement(doc, 'OwnLogStream').Resource).toBe(`${groupArn}:log-stream:DestinationDelivery`);
    expect(statement(doc, 'InvokeProcessor').Resource).toStrictEqual([fnArn, `${fnArn}:*`]);
  });

  it('roles are assumable only by their service, for this account, with each service\'s documented guard', () => {
    const ruleArn = `arn:aws:iot:eu-west-1:${MOCK_ACCOUNT_ID}:rule/sensorlake_ingestion_${env}_ingestion_delivery`;
    const trusts: Record<string, Record<string, unknown>> = {
      // Firehose documents sts:ExternalId equal to the account id ("Allow Firehose to assume an IAM role").
      'ingestion-delivery-stream-role': {
        Principal: { Service: 'firehose.amazonaws.com' },
        Condition: { StringEquals: { 'sts:ExternalId': MOCK_ACCOUNT_ID } },
      },
      // IoT documents aws:SourceAccount with aws:SourceArn naming the rule ("Cross-service confused deputy prevention").
      'ingestion-delivery-rule-role': {
        Principal: { Service: 'iot.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': MOCK_ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': ruleArn } },
      },
      'ingestion-processor-role': {
        Principal: { Service: 'lambda.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': MOCK_ACCOUNT_ID } },
      },
    };
    for (const [name, trust] of Object.entries(trusts)) {
      const document = JSON.parse(String(run.get(T.role, name).inputs.assumeRolePolicy)) as PolicyDocument;
      expect(document.Statement, name).toStrictEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', ...trust }]);
    }
  });

  it('the only "*" resource in role policies is X-Ray tracing', () => {
    const wildcards = run
      .ofType(T.rolePolicy)
      .flatMap((r) => policy(r).Statement.filter((s) => list(s.Resource).some((x) => x === '*' || x.endsWith(':*:*'))));
    expect(wildcards.map((s) => s.Sid)).toStrictEqual(['XRayTracing']);
  });

  it('exports the IngestionOutputs contract; private keys are secret', () => {
    expect(Object.keys(run.outputs).sort()).toStrictEqual([...INGESTION_OUTPUT_KEYS].sort());
    const parsed = ingestionOutputsSchema.strict().safeParse(run.outputs);
    expect(parsed.error?.issues).toBeUndefined();
    expect(run.secretOutputs).toStrictEqual(['devicePrivateKeyPems']);
    const things = run.ofType(T.thing).map((t) => t.state.name);
    expect(run.outputs.thingNames).toStrictEqual(things);
    expect(Object.keys(run.outputs.deviceCertificatePems as object)).toStrictEqual(things);
    expect(Object.keys(run.outputs.devicePrivateKeyPems as object)).toStrictEqual(things);
    expect(run.outputs).toMatchObject({
      rawBucketName: raw().state.bucket,
      rawBucketArn: raw().state.arn,
      rawPrefix: RAW_ZONE.prefix,
      telemetryPrefix: 'telemetry/',
      quarantinePrefix: 'quarantine/',
      errorOutputPrefix: RAW_ZONE.errorOutputPrefix,
      ruleErrorPrefix: RAW_ZONE.ruleErrorPrefix,
      kmsKeyArn: key().state.arn,
      deliveryStreamArn: run.get(T.stream, 'ingestion-delivery-stream').state.arn,
      topicRuleName: run.get(T.rule, 'ingestion-delivery-rule').state.name,
      iotEndpoint: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
    });
    expect(run.invokes.filter((i) => i.token === 'aws:iot/getEndpoint:getEndpoint').map((i) => i.inputs)).toStrictEqual([
      { endpointType: 'iot:Data-ATS' },
    ]);
  });
});

describe('dev and prod differ only by config', () => {
  it('the same resource types and logical names, apart from the number of simulator things', () => {
    const shape = (run: MockRun) =>
      run.resources
        .map((r) => `${r.type} ${r.name.replace(/sensor-\d{4}/, 'sensor-N')}`)
        .filter((v, i, all) => all.indexOf(v) === i)
        .sort();
    expect(shape(runs.get('dev') as MockRun)).toStrictEqual(shape(runs.get('prod') as MockRun));
  });
});
