import { LOG_DELIVERY_ACTIONS } from '../orchestration/iam.js';

/**
 * Every place where the security rules knowingly accept something they otherwise refuse, each with the reason.
 * Adding an entry here is a reviewed decision: the reason is shown next to the rule in the policy pack's docs.
 */

/**
 * Actions that may be allowed on `Resource: "*"` because the service offers no resource-level permissions for them
 * (see the "Resource types" column of the AWS Service Authorization Reference). Keyed by exact action; a statement
 * only qualifies when every one of its actions is listed here.
 */
export const WILDCARD_RESOURCE_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['xray:PutTraceSegments', 'X-Ray has no resource-level permissions: Lambda active tracing needs Resource "*"'],
  ['xray:PutTelemetryRecords', 'X-Ray has no resource-level permissions: Lambda active tracing needs Resource "*"'],
  ['xray:GetSamplingRules', 'X-Ray has no resource-level permissions for sampling rules lookups'],
  ['xray:GetSamplingTargets', 'X-Ray has no resource-level permissions for sampling targets lookups'],
  ['cloudwatch:PutMetricData', 'CloudWatch PutMetricData has no resource-level permissions (scope it with cloudwatch:namespace)'],
  ['ec2:DescribeNetworkInterfaces', 'EC2 Describe* actions have no resource-level permissions (Lambda/Glue in a VPC)'],
  ['ec2:DescribeVpcs', 'EC2 Describe* actions have no resource-level permissions (Glue connections in a VPC)'],
  ['ec2:DescribeSubnets', 'EC2 Describe* actions have no resource-level permissions (Glue connections in a VPC)'],
  ['ec2:DescribeSecurityGroups', 'EC2 Describe* actions have no resource-level permissions (Glue connections in a VPC)'],
  ['ec2:DescribeVpcEndpoints', 'EC2 Describe* actions have no resource-level permissions (Glue connections in a VPC)'],
  ['ec2:DescribeRouteTables', 'EC2 Describe* actions have no resource-level permissions (Glue connections in a VPC)'],
  ...LOG_DELIVERY_ACTIONS.map((action): [string, string] => [
    action,
    'CloudWatch Logs vended log delivery has no resource-level permissions: Step Functions logging requires Resource "*" (Step Functions developer guide, "IAM policies for logging to CloudWatch Logs")',
  ]),
]);

/** Why `Resource: "*"` is accepted inside a KMS key policy. */
export const KEY_POLICY_RESOURCE_REASON =
  'in a KMS key policy, Resource "*" means "this key": a key policy cannot name any other resource';

/**
 * Why `kms:*` is accepted in a key policy statement whose only principal is the account root. This is AWS's
 * default key policy statement: it delegates access control to IAM policies, and without it the key can become
 * unmanageable (only AWS Support can recover it).
 */
export const KEY_POLICY_ROOT_ADMIN_REASON =
  'the account-root statement of the default key policy delegates key access to IAM; removing it can lock the key';

/**
 * Why the S3 server access log target bucket is encrypted with SSE-S3 (AES256) instead of the KMS key: S3 server
 * access logging does not support SSE-KMS on the target bucket. The same bucket is not a data bucket, so it is
 * also exempt from the versioning rule (its objects are written once by the S3 log delivery service).
 */
export const ACCESS_LOG_BUCKET_REASON =
  'S3 server access logging requires the target bucket to use SSE-S3 (AES256); SSE-KMS is not supported there';

/**
 * Resource types whose inputs may hold key material because that is their purpose: the TLS provider generates
 * device keys and CSRs in Pulumi state, where they are stored as secrets (exported only as secret outputs).
 */
export const KEY_MATERIAL_TYPES: ReadonlyMap<string, string> = new Map([
  ['tls:index/privateKey:PrivateKey', 'generates the device key; Pulumi stores it encrypted as a secret'],
  ['tls:index/certRequest:CertRequest', 'signs the device CSR with the device key, held as a Pulumi secret'],
  ['tls:index/selfSignedCert:SelfSignedCert', 'signs a certificate with a key held as a Pulumi secret'],
  ['tls:index/locallySignedCert:LocallySignedCert', 'signs a certificate with a CA key held as a Pulumi secret'],
  ['aws:secretsmanager/secretVersion:SecretVersion', 'Secrets Manager is where secrets belong'],
]);
