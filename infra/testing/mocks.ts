import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse as parseYaml } from 'yaml';
import { LAKE_CRAWLERS, type AnalyticsOutputs, type IngestionOutputs, type LakeOutputs } from '../../core/contracts.js';
import { NAMED_QUERY_NAMES } from '../../core/analytics/queries/index.js';
import { LAKE_JOBS } from '../../core/lake/jobs.js';
import { LAKE_DATABASES, LAKE_TABLES } from '../../core/lake/tables.js';
import { RAW_ZONE, TELEMETRY_TOPIC_FILTER, ZONES } from '../../core/ingestion/definitions.js';
import { ENVIRONMENTS, PROJECT, PROJECT_ROOT, type Environment } from '../../core/settings.js';
import { parseStackName, type Layer } from '../stack-name.js';

/** A stack name the program accepts. */
export type StackNameString = `${Layer}-${Environment}`;

/** A resource the program registered, as the engine would have seen it. */
export interface CapturedResource {
  /** Type token, e.g. `aws:s3/bucket:Bucket`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** URN as the engine builds it (with the parent type chain). */
  readonly urn: string;
  /** URN of the parent resource, undefined for top-level resources. */
  readonly parent: string | undefined;
  /** The `protect` resource option, undefined when not set. */
  readonly protect: boolean | undefined;
  /** The `retainOnDelete` resource option, undefined when not set. */
  readonly retainOnDelete: boolean | undefined;
  /** The `ignoreChanges` resource option (empty when not set). */
  readonly ignoreChanges: readonly string[];
  /** URNs of the resources this one depends on (explicit `dependsOn` and inputs). */
  readonly dependencies: readonly string[];
  /** For each input that carries dependencies, the URNs it depends on (a subset of `dependencies`). */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** False for component resources. */
  readonly custom: boolean;
  /** Inputs, with every Output resolved and secrets unwrapped. */
  readonly inputs: Record<string, unknown>;
  /** Top-level input names whose value is or contains a secret. */
  readonly secretInputs: readonly string[];
  /** Inputs as the monitor received them: secrets still marked (see isWireSecret), assets unresolved. */
  readonly wireInputs: Record<string, unknown>;
  /** Inputs plus the fake outputs the mocks returned (ids, ARNs, names). */
  readonly state: Record<string, unknown>;
  /** The fake physical id (undefined for components). */
  readonly id: string | undefined;
}

/** A provider function the program called. */
export interface CapturedInvoke {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

/** Options of a mocked run. */
export interface MockRunOptions {
  /**
   * Settings layered over `Pulumi.<env>.yaml`, by short (`logLevel`) or full (`aws:region`) key. A value of
   * undefined removes the key. Values are passed as strings, as the Pulumi engine does.
   */
  readonly config?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Start from an empty configuration instead of `Pulumi.<env>.yaml`. Default false. */
  readonly ignoreConfigFile?: boolean;
  /** Organization returned by `pulumi.getOrganization()`. Default MOCK_ORGANIZATION. */
  readonly organization?: string;
  /**
   * Outputs of other stacks, by fully qualified stack name, returned to `StackReference` reads. Default
   * `defaultStackOutputs`: each environment's ingestion stack (mockIngestionOutputs).
   */
  readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Repository root holding the `Pulumi.<env>.yaml` files. Default PROJECT_ROOT. */
  readonly root?: string;
  /** The program to run instead of sensorlake's (`infra/index.ts`), e.g. a fixture. */
  readonly program?: () => Record<string, pulumi.Input<unknown>>;
}

/** What a mocked run produced. */
export interface MockRun {
  readonly stack: string;
  /** Every resource registered, in registration order (components and the default providers included). */
  readonly resources: readonly CapturedResource[];
  readonly invokes: readonly CapturedInvoke[];
  /** The stack outputs, resolved. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Names of the outputs that are secrets. */
  readonly secretOutputs: readonly string[];
  /** Resources of one type. */
  ofType(type: string): CapturedResource[];
  /** The one resource of this type and logical name; throws naming what exists otherwise. */
  get(type: string, name: string): CapturedResource;
}

/** Fake AWS account of mocked runs. */
export const MOCK_ACCOUNT_ID = '123456789012';
/** Region used when the configuration sets none. */
export const MOCK_DEFAULT_REGION = 'eu-west-1';
/** Organization of mocked runs. */
export const MOCK_ORGANIZATION = 'sensorlake-org';

function shortHash(value: string, length = 7): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** The same auto-name the provider would give: logical name plus a stable suffix. */
function autoName(name: string): string {
  return `${name}-${shortHash(name)}`;
}

function fakePem(label: string, seed: string): string {
  const body = Buffer.from(createHash('sha512').update(seed).digest()).toString('base64');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/**
 * Outputs of a mocked ingestion stack, shaped as its contract (a test parses them with the strict schema): what
 * the lake and later layers read through their StackReference when a test gives no `stackOutputs`.
 */
export function mockIngestionOutputs(env: Environment, region: string = MOCK_DEFAULT_REGION): IngestionOutputs {
  const base = `${region}:${MOCK_ACCOUNT_ID}`;
  const raw = `ingestion-raw-bucket-${shortHash(`raw-${env}`)}`;
  const thing = `ingestion-fleet-sensor-0001-${shortHash(`thing-${env}`)}`;
  return {
    rawBucketName: raw,
    rawBucketArn: `arn:aws:s3:::${raw}`,
    rawPrefix: RAW_ZONE.prefix,
    telemetryPrefix: `${ZONES.telemetry}/`,
    quarantinePrefix: `${ZONES.quarantine}/`,
    errorOutputPrefix: RAW_ZONE.errorOutputPrefix,
    ruleErrorPrefix: RAW_ZONE.ruleErrorPrefix,
    accessLogBucketName: `ingestion-raw-access-logs-${shortHash(`logs-${env}`)}`,
    kmsKeyArn: `arn:aws:kms:${base}:key/${shortHash(`key-${env}`, 8)}-0000-4000-8000-${shortHash(`key2-${env}`, 12)}`,
    iotEndpoint: `a1b2c3d4e5f6g7-ats.iot.${region}.amazonaws.com`,
    telemetryTopicFilter: TELEMETRY_TOPIC_FILTER,
    thingNames: [thing],
    deviceCertificatePems: { [thing]: fakePem('CERTIFICATE', `cert:${thing}`) },
    devicePrivateKeyPems: { [thing]: '<secret>' },
    deliveryStreamName: `ingestion-delivery-stream-${shortHash(`stream-${env}`)}`,
    deliveryStreamArn: `arn:aws:firehose:${base}:deliverystream/ingestion-delivery-stream-${shortHash(`stream-${env}`)}`,
    topicRuleName: `ingestion_rule_${shortHash(`rule-${env}`)}`,
    processorFunctionName: `ingestion-processor-${shortHash(`fn-${env}`)}`,
  };
}

/**
 * Outputs of a mocked lake stack, shaped as its contract (a test parses them with the strict schema): what the
 * analytics and orchestration layers read through their StackReference when a test gives no `stackOutputs`.
 */
export function mockLakeOutputs(env: Environment, region: string = MOCK_DEFAULT_REGION): LakeOutputs {
  const base = `${region}:${MOCK_ACCOUNT_ID}`;
  const bucket = (role: string) => `lake-${role}-bucket-${shortHash(`${role}-${env}`)}`;
  const databaseNames = Object.fromEntries(LAKE_DATABASES.map((db) => [db, `${PROJECT}_${env}_${db}`])) as LakeOutputs['databaseNames'];
  const zoneBucket = { landing: bucket('landing'), raw: mockIngestionOutputs(env, region).rawBucketName, curated: bucket('curated') } as const;
  return {
    databaseNames,
    tables: LAKE_TABLES.map((t) => ({ database: databaseNames[t.database], name: t.name, location: `s3://${zoneBucket[t.zone]}/${t.prefix}` })),
    jobNames: Object.fromEntries(LAKE_JOBS.map((j) => [j.name, `lake-etl-${j.name}-${shortHash(`${j.name}-${env}`)}`])) as LakeOutputs['jobNames'],
    crawlerNames: Object.fromEntries(LAKE_CRAWLERS.map((c) => [c, `lake-etl-${c}-crawler-${shortHash(`${c}-${env}`)}`])) as LakeOutputs['crawlerNames'],
    curatedBucketName: zoneBucket.curated,
    curatedBucketArn: `arn:aws:s3:::${zoneBucket.curated}`,
    landingBucketName: zoneBucket.landing,
    landingBucketArn: `arn:aws:s3:::${zoneBucket.landing}`,
    scriptsBucketName: bucket('scripts'),
    scriptsBucketArn: `arn:aws:s3:::${bucket('scripts')}`,
    lakeKmsKeyArn: `arn:aws:kms:${base}:key/${shortHash(`lake-key-${env}`, 8)}-0000-4000-8000-${shortHash(`lake-key2-${env}`, 12)}`,
    securityConfigurationName: `lake-etl-security-${shortHash(`sec-${env}`)}`,
    connectionName: `lake-etl-connection-${shortHash(`conn-${env}`)}`,
    glueSecurityGroupId: ec2Id('sg', `glue-${env}`),
    glueVpcId: ec2Id('vpc', `glue-${env}`),
  };
}

/**
 * Outputs of a mocked analytics stack, shaped as its contract, without an endpoint (as before a model artifact is
 * configured; pass `endpoint` for one): what the orchestration layer reads when a test gives no `stackOutputs`.
 */
export function mockAnalyticsOutputs(env: Environment, region: string = MOCK_DEFAULT_REGION, endpoint?: string): AnalyticsOutputs {
  const base = `${region}:${MOCK_ACCOUNT_ID}`;
  const bucket = (role: string) => `analytics-${role}-bucket-${shortHash(`${role}-${env}`)}`;
  return {
    workgroupName: `${PROJECT}-${env}`,
    resultsBucketName: bucket('results'),
    resultsBucketArn: `arn:aws:s3:::${bucket('results')}`,
    namedQueryIds: Object.fromEntries(NAMED_QUERY_NAMES.map((q) => [q, `${shortHash(`q:${q}`, 8)}-0000-4000-8000-${shortHash(`q2:${q}`, 12)}`])),
    analyticsKmsKeyArn: `arn:aws:kms:${base}:key/${shortHash(`analytics-key-${env}`, 8)}-0000-4000-8000-${shortHash(`analytics-key2-${env}`, 12)}`,
    modelsBucketName: bucket('models'),
    modelsBucketArn: `arn:aws:s3:::${bucket('models')}`,
    modelPrefix: 'rcf/',
    sagemakerRoleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/analytics-rcf-role-${shortHash(`rcf-role-${env}`)}`,
    rcfImageUri: `438346466558.dkr.ecr.${region}.amazonaws.com/randomcutforest:1`,
    rcfInstanceType: 'ml.m5.large',
    rcfInstanceCount: 1,
    ...(endpoint === undefined ? {} : { rcfEndpointName: endpoint }),
    alertStreamName: `analytics-alerts-stream-${shortHash(`stream-${env}`)}`,
    alertStreamArn: `arn:aws:kinesis:${base}:stream/analytics-alerts-stream-${shortHash(`stream-${env}`)}`,
    alertTopicArn: `arn:aws:sns:${base}:analytics-alerts-topic-${shortHash(`topic-${env}`)}`,
    alertDeadLetterQueueArn: `arn:aws:sqs:${base}:analytics-alerts-dlq-${shortHash(`dlq-${env}`)}`,
    alertFunctionName: `analytics-alerts-function-${shortHash(`fn-${env}`)}`,
  };
}

/** The other stacks' outputs a mocked run sees by default: each environment's ingestion, lake and analytics stacks. */
export function defaultStackOutputs(organization: string, region: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    ENVIRONMENTS.flatMap((env) => [
      [`${organization}/${PROJECT}/ingestion-${env}`, { ...mockIngestionOutputs(env, region) }],
      [`${organization}/${PROJECT}/lake-${env}`, { ...mockLakeOutputs(env, region) }],
      [`${organization}/${PROJECT}/analytics-${env}`, { ...mockAnalyticsOutputs(env, region) }],
    ]),
  );
}

/** What the fake resources and invokes depend on. */
export interface MockContext {
  readonly region: string;
  readonly stackOutputs: Readonly<Record<string, Record<string, unknown>>>;
}

type Fake = { id: string | undefined; state: Record<string, unknown> };

/** ARN-shaped id of an AWS resource, by type; the rest get `arn:aws:<module>:<region>:<account>:<kind>/<name>`. */
function fakeAwsResource(type: string, name: string, inputs: Record<string, unknown>, ctx: MockContext): Fake {
  const base = `${ctx.region}:${MOCK_ACCOUNT_ID}`;
  const physical = typeof inputs.name === 'string' ? inputs.name : autoName(name);
  const named = (arn: string, extra: Record<string, unknown> = {}): Fake => ({
    id: physical,
    state: { name: physical, arn, ...extra },
  });
  switch (type) {
    case 'aws:s3/bucket:Bucket': {
      const bucket = typeof inputs.bucket === 'string' ? inputs.bucket : autoName(name).toLowerCase();
      return {
        id: bucket,
        state: { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, region: ctx.region },
      };
    }
    case 'aws:kms/key:Key': {
      const keyId = `${shortHash(name, 8)}-${shortHash(`${name}1`, 4)}-4${shortHash(`${name}2`, 3)}-8${shortHash(`${name}3`, 3)}-${shortHash(`${name}4`, 12)}`;
      return { id: keyId, state: { keyId, arn: `arn:aws:kms:${base}:key/${keyId}` } };
    }
    case 'aws:iam/role:Role':
      return named(`arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${physical}`, { uniqueId: `AROA${shortHash(name, 16).toUpperCase()}` });
    case 'aws:iam/rolePolicy:RolePolicy':
      return { id: `${String(inputs.role)}:${physical}`, state: { name: physical } };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return named(`arn:aws:logs:${base}:log-group:${physical}`);
    case 'aws:cloudwatch/logStream:LogStream':
      return named(`arn:aws:logs:${base}:log-group:${String(inputs.logGroupName)}:log-stream:${physical}`);
    case 'aws:lambda/function:Function': {
      const arn = `arn:aws:lambda:${base}:function:${physical}`;
      return named(arn, {
        invokeArn: `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        qualifiedArn: `${arn}:$LATEST`,
        version: '$LATEST',
      });
    }
    case 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream':
      return named(`arn:aws:firehose:${base}:deliverystream/${physical}`);
    case 'aws:iot/thing:Thing':
      return named(`arn:aws:iot:${base}:thing/${physical}`, { defaultClientId: physical, version: 1 });
    case 'aws:iot/thingType:ThingType':
      return named(`arn:aws:iot:${base}:thingtype/${physical}`);
    case 'aws:iot/policy:Policy':
      return named(`arn:aws:iot:${base}:policy/${physical}`, { defaultVersionId: '1' });
    case 'aws:iot/topicRule:TopicRule':
      return named(`arn:aws:iot:${base}:rule/${physical}`);
    case 'aws:iot/certificate:Certificate': {
      const certificateId = createHash('sha256').update(name).digest('hex');
      return {
        id: certificateId,
        state: {
          arn: `arn:aws:iot:${base}:cert/${certificateId}`,
          certificatePem: fakePem('CERTIFICATE', `cert:${name}`),
          caCertificateId: shortHash('ca', 64),
        },
      };
    }
    case 'aws:ec2/securityGroup:SecurityGroup': {
      const id = ec2Id('sg', name);
      return { id, state: { arn: `arn:aws:ec2:${base}:security-group/${id}`, ownerId: MOCK_ACCOUNT_ID } };
    }
    case 'aws:ec2/vpcPeeringConnection:VpcPeeringConnection': {
      const id = ec2Id('pcx', name);
      return { id, state: { acceptStatus: inputs.autoAccept === true ? 'active' : 'pending-acceptance', peerOwnerId: MOCK_ACCOUNT_ID } };
    }
    case 'aws:ec2/vpcEndpoint:VpcEndpoint': {
      const id = ec2Id('vpce', name);
      return { id, state: { arn: `arn:aws:ec2:${base}:vpc-endpoint/${id}`, prefixListId: inputs.vpcEndpointType === 'Gateway' ? ec2Id('pl', name) : undefined } };
    }
    case 'aws:ec2/route:Route':
      return { id: `r-${String(inputs.routeTableId)}-${String(inputs.destinationCidrBlock)}`, state: {} };
    case 'aws:ec2/flowLog:FlowLog': {
      const id = ec2Id('fl', name);
      return { id, state: { arn: `arn:aws:ec2:${base}:vpc-flow-log/${id}` } };
    }
    case 'aws:rds/instance:Instance': {
      const identifier = autoName(name);
      const port = typeof inputs.port === 'number' ? inputs.port : 5432;
      const address = `${identifier}.c0abcdefghij.${ctx.region}.rds.amazonaws.com`;
      return {
        id: identifier,
        state: {
          identifier,
          address,
          port,
          endpoint: `${address}:${port}`,
          arn: `arn:aws:rds:${base}:db:${identifier}`,
          masterUserSecrets:
            inputs.manageMasterUserPassword === true
              ? [{ secretArn: `arn:aws:secretsmanager:${base}:secret:rds!db-${shortHash(name, 8)}-AbCdEf`, kmsKeyId: inputs.masterUserSecretKmsKeyId, secretStatus: 'active' }]
              : [],
        },
      };
    }
    case 'aws:kinesis/stream:Stream':
      return named(`arn:aws:kinesis:${base}:stream/${physical}`);
    case 'aws:sqs/queue:Queue':
      return {
        id: `https://sqs.${ctx.region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physical}`,
        state: { name: physical, arn: `arn:aws:sqs:${base}:${physical}`, url: `https://sqs.${ctx.region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physical}` },
      };
    case 'aws:sns/topic:Topic':
      return { id: `arn:aws:sns:${base}:${physical}`, state: { name: physical, arn: `arn:aws:sns:${base}:${physical}` } };
    case 'aws:athena/workgroup:Workgroup':
      return named(`arn:aws:athena:${base}:workgroup/${physical}`);
    case 'aws:athena/namedQuery:NamedQuery':
      return { id: `${shortHash(`q:${name}`, 8)}-0000-4000-8000-${shortHash(`q2:${name}`, 12)}`, state: { name: physical } };
    case 'aws:sagemaker/model:Model':
      return named(`arn:aws:sagemaker:${base}:model/${physical}`);
    case 'aws:sagemaker/endpointConfiguration:EndpointConfiguration':
      return named(`arn:aws:sagemaker:${base}:endpoint-config/${physical}`);
    case 'aws:sagemaker/endpoint:Endpoint':
      return named(`arn:aws:sagemaker:${base}:endpoint/${physical}`);
    case 'aws:quicksight/dataSource:DataSource':
      return { id: `${MOCK_ACCOUNT_ID},${String(inputs.dataSourceId)}`, state: { arn: `arn:aws:quicksight:${base}:datasource/${String(inputs.dataSourceId)}` } };
    case 'aws:quicksight/dataSet:DataSet':
      return { id: `${MOCK_ACCOUNT_ID},${String(inputs.dataSetId)}`, state: { arn: `arn:aws:quicksight:${base}:dataset/${String(inputs.dataSetId)}` } };
    case 'aws:glue/catalogDatabase:CatalogDatabase':
      return named(`arn:aws:glue:${base}:database/${physical}`);
    case 'aws:glue/catalogTable:CatalogTable':
      return named(`arn:aws:glue:${base}:table/${String(inputs.databaseName)}/${physical}`);
    case 'aws:sfn/stateMachine:StateMachine':
      return named(`arn:aws:states:${base}:stateMachine:${physical}`);
    case 'aws:scheduler/schedule:Schedule':
      return named(`arn:aws:scheduler:${base}:schedule/default/${physical}`);
    case 'aws:s3/bucketObjectv2:BucketObjectv2':
      return { id: String(inputs.key), state: { etag: shortHash(String(inputs.sourceHash ?? inputs.key), 32), versionId: shortHash(String(inputs.sourceHash), 32) } };
    default: {
      const [, module = 'unknown', kind = 'resource'] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
      return { id: `${physical}-id`, state: { name: physical, arn: `arn:aws:${module}:${base}:${kind}/${physical}` } };
    }
  }
}

/** Hex id of an EC2 resource (`vpc-`, `subnet-`, `rtb-`, `sg-` ...), stable per logical name. */
function ec2Id(prefix: string, name: string): string {
  return `${prefix}-${shortHash(`${prefix}:${name}`, 17)}`;
}

/**
 * The outputs of an awsx `ec2.Vpc`, a remote component whose children the mock never sees: the VPC id, one subnet
 * and one route table per availability zone and subnet spec (as `{ id }` objects, which `pulumi.all` reads like the
 * real resources' `id` outputs), and the subnet ids by type.
 */
function fakeAwsxVpc(name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const zones = typeof inputs.numberOfAvailabilityZones === 'number' ? inputs.numberOfAvailabilityZones : 3;
  const specs = Array.isArray(inputs.subnetSpecs) ? (inputs.subnetSpecs as { type: string }[]) : [{ type: 'Private' }, { type: 'Public' }];
  const subnets = specs.flatMap((spec) =>
    Array.from({ length: zones }, (_, i) => ({ type: spec.type, id: ec2Id('subnet', `${name}-${spec.type}-${i}`) })),
  );
  const idsOf = (type: string) => subnets.filter((s) => s.type === type).map((s) => s.id);
  return {
    vpcId: ec2Id('vpc', name),
    privateSubnetIds: idsOf('Private'),
    publicSubnetIds: idsOf('Public'),
    isolatedSubnetIds: idsOf('Isolated'),
    subnets: subnets.map((s) => ({ id: s.id })),
    routeTables: subnets.map((s) => ({ id: ec2Id('rtb', s.id) })),
    vpcEndpoints: [],
    natGateways: [],
    eips: [],
  };
}

function fakeResource(args: pulumi.runtime.MockResourceArgs, ctx: MockContext): Fake {
  const inputs = (args.inputs ?? {}) as Record<string, unknown>;
  if (args.type === 'awsx:ec2:Vpc') return { id: undefined, state: fakeAwsxVpc(args.name, inputs) };
  if (args.custom === false) return { id: undefined, state: {} };
  if (args.type === 'pulumi:pulumi:StackReference') {
    const stackName = String(inputs.name);
    return { id: stackName, state: { name: stackName, outputs: ctx.stackOutputs[stackName] ?? {}, secretOutputNames: [] } };
  }
  if (args.type === 'tls:index/privateKey:PrivateKey') {
    return {
      id: shortHash(args.name, 40),
      state: {
        privateKeyPem: fakePem('PRIVATE KEY', `key:${args.name}`),
        publicKeyPem: fakePem('PUBLIC KEY', `pub:${args.name}`),
        publicKeyFingerprintSha256: `SHA256:${shortHash(args.name, 43)}`,
      },
    };
  }
  if (args.type === 'tls:index/certRequest:CertRequest') {
    return { id: shortHash(args.name, 40), state: { certRequestPem: fakePem('CERTIFICATE REQUEST', `csr:${args.name}`) } };
  }
  if (args.type.startsWith('pulumi:providers:')) return { id: `${args.name}-provider-id`, state: {} };
  if (args.type.startsWith('aws:')) return fakeAwsResource(args.type, args.name, inputs, ctx);
  return { id: `${args.name}-id`, state: {} };
}

function fakeInvoke(call: pulumi.runtime.MockCallArgs, ctx: MockContext): Record<string, unknown> {
  switch (call.token) {
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return {
        id: MOCK_ACCOUNT_ID,
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/sensorlake-test`,
        userId: 'AIDASENSORLAKETEST',
      };
    case 'aws:index/getRegion:getRegion':
      return {
        id: ctx.region,
        region: ctx.region,
        name: ctx.region,
        endpoint: `ec2.${ctx.region}.amazonaws.com`,
        description: ctx.region,
      };
    case 'aws:index/getPartition:getPartition':
      return { id: 'aws', partition: 'aws', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws' };
    case 'aws:ec2/getSubnet:getSubnet': {
      const id = String((call.inputs as { id?: string }).id);
      const zone = `${ctx.region}${'abc'[parseInt(shortHash(id, 2), 16) % 3]}`;
      return { id, availabilityZone: zone, availabilityZoneId: `euw1-az${zone.slice(-1)}`, arn: `arn:aws:ec2:${ctx.region}:${MOCK_ACCOUNT_ID}:subnet/${id}` };
    }
    case 'aws:iot/getEndpoint:getEndpoint': {
      const endpointType = String((call.inputs as { endpointType?: string }).endpointType ?? 'iot:Data');
      const suffix = endpointType === 'iot:Data-ATS' ? '-ats' : '';
      const address = `a1b2c3d4e5f6g7${suffix}.iot.${ctx.region}.amazonaws.com`;
      return { id: address, endpointAddress: address, endpointType };
    }
    case 'aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage': {
      const inputs = call.inputs as { repositoryName?: string; imageTag?: string; region?: string };
      const region = inputs.region ?? ctx.region;
      // The provider builds the path from its table of AWS's algorithm registries; any 12 digits stand in here.
      const registryId = String(parseInt(shortHash(`ecr:${region}`, 10), 16)).padStart(12, '0').slice(0, 12);
      const tag = inputs.imageTag ?? 'latest';
      const registryPath = `${registryId}.dkr.ecr.${region}.amazonaws.com/${String(inputs.repositoryName)}:${tag}`;
      return { id: registryPath, registryId, registryPath, repositoryName: inputs.repositoryName, imageTag: tag, region, dnsSuffix: 'amazonaws.com' };
    }
    default:
      throw new Error(`no mock for invoke ${call.token}: add it to infra/testing/mocks.ts`);
  }
}

/** The configuration a run starts from: `Pulumi.<env>.yaml` plus overrides, as engine-style strings. */
export function mockConfig(env: Environment, options: MockRunOptions = {}): Record<string, string> {
  const values: Record<string, string> = {};
  if (!options.ignoreConfigFile) {
    const file = path.join(options.root ?? PROJECT_ROOT, `Pulumi.${env}.yaml`);
    const doc = parseYaml(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> } | null;
    for (const [key, raw] of Object.entries(doc?.config ?? {})) {
      const value = typeof raw === 'object' && raw !== null && 'value' in raw ? (raw as { value: unknown }).value : raw;
      values[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  for (const [key, value] of Object.entries(options.config ?? {})) {
    const full = key.includes(':') ? key : `${PROJECT}:${key}`;
    if (value === undefined) delete values[full];
    else values[full] = String(value);
  }
  return values;
}

/** How the runtime marks a secret value on the wire. */
const SECRET_SIG = { key: '4dabf18193072939515e22adb298388d', value: '1b47061264138c4ac30d75fd1eb44270' } as const;

/** True for a secret as the mock monitor hands it over (`{ <sig>: <secret sig>, value }`). */
export function isWireSecret(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SECRET_SIG.key] === SECRET_SIG.value;
}

/** Replaces wire secrets by their values; `found` is set when one was seen. */
function unwrapSecrets(value: unknown, found: { secret: boolean }): unknown {
  if (isWireSecret(value)) {
    found.secret = true;
    return unwrapSecrets(value.value, found);
  }
  if (Array.isArray(value)) return value.map((v) => unwrapSecrets(v, found));
  if (typeof value === 'object' && value !== null && !('__pulumiArchive' in value) && !('__pulumiAsset' in value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, found)]));
  }
  return value;
}

/** Mocks that capture every resource and invoke into the given arrays. */
export function createMocks(
  stack: string,
  ctx: MockContext,
  resources: CapturedResource[],
  invokes: CapturedInvoke[],
  requests: ReadonlyMap<string, RequestOptions> = new Map(),
): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const inputs: Record<string, unknown> = {};
      const secretInputs: string[] = [];
      for (const [key, value] of Object.entries((args.inputs ?? {}) as Record<string, unknown>)) {
        const found = { secret: false };
        inputs[key] = unwrapSecrets(value, found);
        if (found.secret) secretInputs.push(key);
      }
      const fake = fakeResource({ ...args, inputs }, ctx);
      const state = { ...inputs, ...fake.state };
      // The runtime gets the inputs with their secrets still marked, as the engine would return them.
      const returned = { ...((args.inputs ?? {}) as Record<string, unknown>), ...fake.state };
      const options = requests.get(requestKey(args.type, args.name));
      resources.push({
        type: args.type,
        name: args.name,
        urn: options?.urn ?? mockUrn(stack, undefined, args.type, args.name),
        parent: options?.parent,
        protect: options?.protect,
        retainOnDelete: options?.retainOnDelete,
        ignoreChanges: options?.ignoreChanges ?? [],
        dependencies: options?.dependencies ?? [],
        propertyDependencies: options?.propertyDependencies ?? {},
        custom: args.custom !== false,
        inputs,
        secretInputs,
        wireInputs: (args.inputs ?? {}) as Record<string, unknown>,
        state,
        id: fake.id,
      });
      return { id: fake.id, state: returned };
    },
    call(args) {
      invokes.push({ token: args.token, inputs: (args.inputs ?? {}) as Record<string, unknown> });
      return fakeInvoke(args, ctx);
    },
  };
}

/** Resource options the mock monitor receives but does not hand to `newResource`. */
interface RequestOptions {
  readonly urn: string;
  readonly parent: string | undefined;
  readonly protect: boolean | undefined;
  readonly retainOnDelete: boolean | undefined;
  readonly ignoreChanges: readonly string[];
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

function requestKey(type: string, name: string): string {
  return `${type}::${name}`;
}

/** The parts of the engine's RegisterResourceRequest the harness reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(callback: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  hasProtect?(): boolean;
  getProtect(): boolean;
  hasRetainondelete?(): boolean;
  getRetainondelete(): boolean;
  getIgnorechangesList(): string[];
}

interface MonitorWithRegister {
  registerResource(req: RegisterRequest, callback: (err: unknown, response: unknown) => void): Promise<void>;
}

/** The URN the mock monitor gives a resource (it qualifies the type with the parent's type only). */
function mockUrn(stack: string, parent: string | undefined, type: string, name: string): string {
  const parentType = parent?.split('::')[2]?.split('$').pop();
  return `urn:pulumi:${stack}::${PROJECT}::${parentType ? `${parentType}$` : ''}${type}::${name}`;
}

function propertyDependencies(req: RegisterRequest): Record<string, string[]> {
  const byProperty: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    byProperty[key] = deps.getUrnsList();
  });
  return byProperty;
}

/** Records the options of each registration (protect, parent, dependencies) before the mock monitor drops them. */
function recordRequestOptions(stack: string, requests: Map<string, RequestOptions>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister | undefined;
  if (!monitor) throw new Error('setMocks did not install a monitor');
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const parent = req.getParent() || undefined;
    const options: RequestOptions = {
      urn: mockUrn(stack, parent, req.getType(), req.getName()),
      parent,
      protect: req.hasProtect ? (req.hasProtect() ? req.getProtect() : undefined) : req.getProtect() || undefined,
      retainOnDelete: req.hasRetainondelete
        ? req.hasRetainondelete()
          ? req.getRetainondelete()
          : undefined
        : req.getRetainondelete() || undefined,
      ignoreChanges: req.getIgnorechangesList(),
      dependencies: req.getDependenciesList(),
      propertyDependencies: propertyDependencies(req),
    };
    requests.set(requestKey(req.getType(), req.getName()), options);
    return register(req, callback);
  };
}

/** What installMocks captures while a program runs. */
export interface MockCapture {
  readonly resources: CapturedResource[];
  readonly invokes: CapturedInvoke[];
}

/**
 * Installs the capturing mocks for `stack` (project sensorlake, the given organization) and the configuration of
 * `env` (`Pulumi.<env>.yaml` plus overrides). For tests that run their own program instead of sensorlake's.
 */
export async function installMocks(stack: string, env: Environment, options: MockRunOptions = {}): Promise<MockCapture> {
  const configValues = mockConfig(env, options);
  const region = configValues['aws:region'] ?? MOCK_DEFAULT_REGION;
  const ctx: MockContext = {
    region,
    stackOutputs: options.stackOutputs ?? defaultStackOutputs(options.organization ?? MOCK_ORGANIZATION, region),
  };
  const resources: CapturedResource[] = [];
  const invokes: CapturedInvoke[] = [];
  const requests = new Map<string, RequestOptions>();
  await pulumi.runtime.setMocks(
    createMocks(stack, ctx, resources, invokes, requests),
    PROJECT,
    stack,
    false,
    options.organization ?? MOCK_ORGANIZATION,
  );
  recordRequestOptions(stack, requests);
  pulumi.runtime.setAllConfig(configValues);
  return { resources, invokes };
}

/** Resolves any input to its value and whether it is secret. */
export function resolveInput<T>(value: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
  const output = pulumi.output(value);
  return Promise.all([
    new Promise<T>((done) => {
      output.apply((v) => {
        done(v as T);
        return v;
      });
    }),
    pulumi.isSecret(output),
  ]).then(([v, secret]) => ({ value: v, secret }));
}

/** Waits until the runtime has no registration in flight (the same wait the engine does before exiting). */
export async function settle(): Promise<void> {
  const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (wait) await wait();
  await new Promise((done) => setImmediate(done));
  if (wait) await wait();
}

/** The Pulumi program's entry point, imported after the mocks are installed (as the engine would load it). */
async function loadProgram(): Promise<() => Record<string, pulumi.Input<unknown>>> {
  const mod = (await import('../index.js')) as { default: () => Record<string, pulumi.Input<unknown>> };
  return mod.default;
}

/**
 * Runs the sensorlake program for `stack` under `pulumi.runtime.setMocks`: the configuration comes from
 * `Pulumi.<env>.yaml` (plus `options.config`), every resource and invoke is captured, AWS resources get
 * ARN-shaped fake ids, and the stack outputs are resolved. Errors the program throws (bad stack name, bad
 * configuration) reject the promise. Runs are sequential: the mocks are process-global.
 */
export async function runStackUnderMocks(stack: StackNameString | string, options: MockRunOptions = {}): Promise<MockRun> {
  let env: Environment = 'dev';
  try {
    env = parseStackName(stack).env;
  } catch {
    // An invalid stack name is the program's to reject; give it the dev settings so only the name is wrong.
  }
  const { resources, invokes } = await installMocks(stack, env, options);

  const program = options.program ?? (await loadProgram());
  const exported = program();
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [key, value] of Object.entries(exported)) {
    const resolved = await resolveInput(value);
    outputs[key] = resolved.value;
    if (resolved.secret) secretOutputs.push(key);
  }
  await settle();

  return {
    stack,
    resources,
    invokes,
    outputs,
    secretOutputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    get(type, name) {
      const found = resources.filter((r) => r.type === type && r.name === name);
      if (found.length !== 1) {
        const names = resources.filter((r) => r.type === type).map((r) => r.name);
        throw new Error(`expected one ${type} named ${name}, found ${found.length} (${type}: ${names.join(', ') || 'none'})`);
      }
      return found[0] as CapturedResource;
    },
  };
}
