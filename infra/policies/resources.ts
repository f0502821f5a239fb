import type { CapturedResource } from './types.js';

/** Type tokens the rules look at (both spellings where @pulumi/aws v7 still ships a deprecated V2 variant). */
export const TYPES = {
  bucket: ['aws:s3/bucket:Bucket', 'aws:s3/bucketV2:BucketV2'],
  bucketEncryption: [
    'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
    'aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2',
  ],
  bucketVersioning: ['aws:s3/bucketVersioning:BucketVersioning', 'aws:s3/bucketVersioningV2:BucketVersioningV2'],
  bucketPublicAccessBlock: ['aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock'],
  bucketPolicy: ['aws:s3/bucketPolicy:BucketPolicy'],
  bucketLogging: ['aws:s3/bucketLogging:BucketLogging', 'aws:s3/bucketLoggingV2:BucketLoggingV2'],
  bucketLifecycle: [
    'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
    'aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2',
  ],
  iamPolicyDocument: [
    'aws:iam/policy:Policy',
    'aws:iam/rolePolicy:RolePolicy',
    'aws:iam/userPolicy:UserPolicy',
    'aws:iam/groupPolicy:GroupPolicy',
  ],
  iamRole: ['aws:iam/role:Role'],
  iamAttachment: [
    'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
    'aws:iam/userPolicyAttachment:UserPolicyAttachment',
    'aws:iam/groupPolicyAttachment:GroupPolicyAttachment',
    'aws:iam/policyAttachment:PolicyAttachment',
  ],
  kmsKey: ['aws:kms/key:Key'],
  kmsKeyPolicy: ['aws:kms/keyPolicy:KeyPolicy'],
  iotPolicy: ['aws:iot/policy:Policy'],
  topicRule: ['aws:iot/topicRule:TopicRule'],
  firehose: ['aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream'],
  lambda: ['aws:lambda/function:Function'],
  logGroup: ['aws:cloudwatch/logGroup:LogGroup'],
  glueConnection: ['aws:glue/connection:Connection'],
  glueJob: ['aws:glue/job:Job'],
  glueCrawler: ['aws:glue/crawler:Crawler'],
  glueSecurityConfiguration: ['aws:glue/securityConfiguration:SecurityConfiguration'],
  rdsInstance: ['aws:rds/instance:Instance'],
  kinesisStream: ['aws:kinesis/stream:Stream'],
  snsTopic: ['aws:sns/topic:Topic'],
  snsTopicPolicy: ['aws:sns/topicPolicy:TopicPolicy'],
  sqsQueue: ['aws:sqs/queue:Queue'],
  athenaWorkgroup: ['aws:athena/workgroup:Workgroup'],
  sagemakerEndpointConfiguration: ['aws:sagemaker/endpointConfiguration:EndpointConfiguration'],
  eventSourceMapping: ['aws:lambda/eventSourceMapping:EventSourceMapping'],
  quicksightDataSource: ['aws:quicksight/dataSource:DataSource'],
  stateMachine: ['aws:sfn/stateMachine:StateMachine'],
  schedule: ['aws:scheduler/schedule:Schedule'],
  lambdaPermission: ['aws:lambda/permission:Permission'],
} as const satisfies Record<string, readonly string[]>;

/** `<type> "<name>"`: how violations name a resource. */
export function label(resource: CapturedResource): string {
  return `${resource.type} "${resource.name}"`;
}

/** Reads a dotted/indexed path (`a.b[0].c`) from a value; undefined when any step is missing. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** A value or list of values as a list (undefined becomes `[]`). */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Strings a resource is known by (physical id, bucket name, name, ARN), used to link references to it. */
function identities(resource: CapturedResource): string[] {
  const candidates = [
    resource.id,
    resource.outputs?.['id'],
    resource.outputs?.['bucket'],
    resource.outputs?.['name'],
    resource.outputs?.['arn'],
    resource.inputs['bucket'],
    resource.inputs['name'],
  ];
  return candidates.filter((c): c is string => typeof c === 'string' && c !== '');
}

/**
 * Whether `resource.<field>` refers to `target`. The engine's property dependencies decide when known (they work
 * during preview, when ids are still unknown); otherwise the resolved value is compared with the target's ids.
 */
export function refersTo(resource: CapturedResource, field: string, target: CapturedResource): boolean {
  const deps = resource.propertyDependencies?.[field.split('.')[0] ?? field];
  if (deps !== undefined && deps.length > 0 && target.urn !== undefined) return deps.includes(target.urn);
  const value = at(resource.inputs, field);
  return typeof value === 'string' && identities(target).includes(value);
}

/** Resources of the given types whose `field` refers to `target`. */
export function relatedTo(
  target: CapturedResource,
  all: readonly CapturedResource[],
  types: readonly string[],
  field = 'bucket',
): CapturedResource[] {
  return all.filter((r) => types.includes(r.type) && refersTo(r, field, target));
}

/** Whether a bucket receives S3 server access logs from another bucket (separate or inline logging config). */
export function isAccessLogTarget(bucket: CapturedResource, all: readonly CapturedResource[]): boolean {
  if (relatedTo(bucket, all, TYPES.bucketLogging, 'targetBucket').length > 0) return true;
  return all.some((r) => (TYPES.bucket as readonly string[]).includes(r.type) && refersTo(r, 'logging.targetBucket', bucket));
}
