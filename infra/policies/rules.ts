import { TRUST_GUARD_KEYS } from '../../core/iam.js';
import { telemetryTopic } from '../../core/ingestion/definitions.js';
import { conditionValues, parsePolicyDocument, type NormalizedStatement } from './documents.js';
import {
  ACCESS_LOG_BUCKET_REASON,
  KEY_MATERIAL_TYPES,
  KEY_POLICY_RESOURCE_REASON,
  KEY_POLICY_ROOT_ADMIN_REASON,
  WILDCARD_RESOURCE_EXCEPTIONS,
} from './exceptions.js';
import { TYPES, asList, at, isAccessLogTarget, label, refersTo, relatedTo } from './resources.js';
import type { CapturedResource, SecurityRule, Severity, Violation } from './types.js';

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** Builds a rule from its metadata and a check that only ever sees resources of its types. */
function defineRule(spec: {
  id: string;
  description: string;
  severity: Severity;
  resourceTypes: readonly string[];
  needsStack: boolean;
  check: (resource: CapturedResource, all: readonly CapturedResource[], report: Reporter) => void;
}): SecurityRule {
  const any = spec.resourceTypes.includes('*');
  return {
    id: spec.id,
    description: spec.description,
    severity: spec.severity,
    resourceTypes: spec.resourceTypes,
    needsStack: spec.needsStack,
    check(resource, all) {
      if (!any && !spec.resourceTypes.includes(resource.type)) return [];
      const violations: Violation[] = [];
      const report: Reporter = (holder, field, value, expected) =>
        violations.push({
          ruleId: spec.id,
          resource: label(holder),
          ...(holder.urn !== undefined ? { urn: holder.urn } : {}),
          field,
          value,
          message: `${label(holder)}: ${field} is ${show(value)}; expected ${expected}`,
        });
      spec.check(resource, all, report);
      return violations;
    },
  };
}

/** Records one violation: the resource holding the field, the field path, the value found, what was expected. */
type Reporter = (holder: CapturedResource, field: string, value: unknown, expected: string) => void;

/** Reads a policy document field, reporting it when it cannot be read; undefined when absent or unreadable. */
function readDocument(
  resource: CapturedResource,
  field: string,
  report: Reporter,
): readonly NormalizedStatement[] | undefined {
  const raw = at(resource.inputs, field);
  if (raw === undefined || raw === '') return undefined;
  const parsed = parsePolicyDocument(raw);
  if (!parsed.ok) {
    report(resource, field, raw, `a policy document (${parsed.error})`);
    return undefined;
  }
  return parsed.statements;
}

const isAllow = (s: NormalizedStatement) => s.effect === 'Allow';

const s3EncryptionKms = defineRule({
  id: 's3-encryption-kms',
  description:
    'Every S3 bucket is encrypted at rest with SSE-KMS under a customer-managed KMS key, with the S3 bucket key on. ' +
    `Exception: the server access log target bucket uses SSE-S3 (${ACCESS_LOG_BUCKET_REASON}).`,
  severity: 'high',
  resourceTypes: TYPES.bucket,
  needsStack: true,
  check(bucket, all, report) {
    const logTarget = isAccessLogTarget(bucket, all);
    const sources: { holder: CapturedResource; path: string; rules: unknown[] }[] = relatedTo(
      bucket,
      all,
      TYPES.bucketEncryption,
    ).map((c) => ({ holder: c, path: 'rules', rules: asList(c.inputs['rules']) }));
    const inline = bucket.inputs['serverSideEncryptionConfiguration'];
    if (inline !== undefined) {
      sources.push({ holder: bucket, path: 'serverSideEncryptionConfiguration.rule', rules: asList(at(inline, 'rule')) });
    }
    if (sources.length === 0 || sources.every((s) => s.rules.length === 0)) {
      report(
        bucket,
        'serverSideEncryptionConfiguration',
        undefined,
        'a BucketServerSideEncryptionConfiguration for this bucket' + (logTarget ? ' (AES256)' : ' with sseAlgorithm aws:kms'),
      );
      return;
    }
    for (const source of sources) {
      source.rules.forEach((rule, i) => {
        const base = `${source.path}[${i}]`;
        const algorithm = at(rule, 'applyServerSideEncryptionByDefault.sseAlgorithm');
        const key = at(rule, 'applyServerSideEncryptionByDefault.kmsMasterKeyId');
        if (logTarget) {
          if (algorithm !== 'AES256') {
            report(source.holder, `${base}.applyServerSideEncryptionByDefault.sseAlgorithm`, algorithm,
              `"AES256" on the access-log target bucket (${ACCESS_LOG_BUCKET_REASON})`);
          }
          return;
        }
        if (algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') {
          report(source.holder, `${base}.applyServerSideEncryptionByDefault.sseAlgorithm`, algorithm, '"aws:kms"');
        }
        if (typeof key !== 'string' || key === '' || key === 'alias/aws/s3') {
          report(source.holder, `${base}.applyServerSideEncryptionByDefault.kmsMasterKeyId`, key,
            'the ARN of the stack\'s customer-managed KMS key');
        }
        if (at(rule, 'bucketKeyEnabled') !== true) {
          report(source.holder, `${base}.bucketKeyEnabled`, at(rule, 'bucketKeyEnabled'), 'true');
        }
      });
    }
  },
});

interface Problem {
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;
}

/** What keeps a statement from being the TLS-only deny (empty when it is one). */
function tlsDenyProblems(s: NormalizedStatement, base: string): Problem[] {
  const problems: Problem[] = [];
  if (s.effect !== 'Deny') problems.push({ field: `${base}.Effect`, value: s.effect, expected: '"Deny"' });
  if (!s.principals.includes('*')) problems.push({ field: `${base}.Principal`, value: s.principals, expected: '"*"' });
  if (!s.actions.some((a) => a === 's3:*' || a === '*')) {
    problems.push({ field: `${base}.Action`, value: s.actions, expected: '"s3:*"' });
  }
  const secure = conditionValues(s, 'Bool', 'aws:SecureTransport');
  if (!secure.includes('false')) {
    problems.push({ field: `${base}.Condition.Bool.aws:SecureTransport`, value: secure.length ? secure : undefined, expected: '"false"' });
  }
  const onBucket = s.resources.some((r) => r.startsWith('arn:') && !r.includes('/'));
  const onObjects = s.resources.some((r) => r.startsWith('arn:') && r.endsWith('/*'));
  if (!onBucket || !onObjects) {
    problems.push({ field: `${base}.Resource`, value: s.resources, expected: 'both the bucket ARN and the bucket ARN/*' });
  }
  return problems;
}

const s3TlsOnly = defineRule({
  id: 's3-tls-only',
  description:
    'Every S3 bucket has a bucket policy denying s3:* to everyone when aws:SecureTransport is false, on the bucket ' +
    'and on bucket/*.',
  severity: 'high',
  resourceTypes: TYPES.bucket,
  needsStack: true,
  check(bucket, all, report) {
    const holders: { holder: CapturedResource; field: string }[] = relatedTo(bucket, all, TYPES.bucketPolicy).map(
      (p) => ({ holder: p, field: 'policy' }),
    );
    if (bucket.inputs['policy'] !== undefined) holders.push({ holder: bucket, field: 'policy' });
    if (holders.length === 0) {
      report(bucket, 'policy', undefined, 'a BucketPolicy with a Deny on aws:SecureTransport "false"');
      return;
    }
    let best: { holder: CapturedResource; problems: Problem[] } | undefined;
    for (const { holder, field } of holders) {
      for (const statement of readDocument(holder, field, report) ?? []) {
        const problems = tlsDenyProblems(statement, `${field}.Statement[${statement.index}]`);
        if (problems.length === 0) return;
        if (statement.effect === 'Deny' && (best === undefined || problems.length < best.problems.length)) {
          best = { holder, problems };
        }
      }
    }
    if (best === undefined) {
      const first = holders[0]!;
      report(first.holder, `${first.field}.Statement`, undefined,
        'a statement {Effect: Deny, Principal: "*", Action: s3:*, Resource: [bucket ARN, bucket ARN/*], ' +
          'Condition: {Bool: {aws:SecureTransport: "false"}}}');
      return;
    }
    for (const problem of best.problems) report(best.holder, problem.field, problem.value, problem.expected);
  },
});

const PUBLIC_ACCESS_FLAGS = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'] as const;

const s3PublicAccessBlock = defineRule({
  id: 's3-public-access-block',
  description: 'Every S3 bucket has a BucketPublicAccessBlock with all four settings true.',
  severity: 'critical',
  resourceTypes: TYPES.bucket,
  needsStack: true,
  check(bucket, all, report) {
    const blocks = relatedTo(bucket, all, TYPES.bucketPublicAccessBlock);
    if (blocks.length === 0) {
      report(bucket, 'publicAccessBlock', undefined, `a BucketPublicAccessBlock with ${PUBLIC_ACCESS_FLAGS.join(', ')} true`);
      return;
    }
    for (const block of blocks) {
      for (const flag of PUBLIC_ACCESS_FLAGS) {
        if (block.inputs[flag] !== true) report(block, flag, block.inputs[flag], 'true');
      }
    }
  },
});

const s3Versioning = defineRule({
  id: 's3-versioning',
  description:
    'Every data bucket has versioning Enabled. Exception: the server access log target bucket (not a data bucket; ' +
    'written once by the S3 log delivery service).',
  severity: 'medium',
  resourceTypes: TYPES.bucket,
  needsStack: true,
  check(bucket, all, report) {
    if (isAccessLogTarget(bucket, all)) return;
    const configs = relatedTo(bucket, all, TYPES.bucketVersioning);
    const inline = at(bucket.inputs, 'versioning.enabled');
    if (configs.length === 0) {
      if (inline !== true) report(bucket, 'versioning', undefined, 'a BucketVersioning for this bucket with status "Enabled"');
      return;
    }
    for (const config of configs) {
      const status = at(config.inputs, 'versioningConfiguration.status');
      if (status !== 'Enabled') report(config, 'versioningConfiguration.status', status, '"Enabled"');
    }
  },
});

const ACCOUNT_ROOT = /^(arn:aws[a-z-]*:iam::\d{12}:root|\d{12})$/;
const BROAD_MANAGED_POLICY = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]*FullAccess)$/;

function isWildcardResource(resource: string): boolean {
  return resource === '*' || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(resource);
}

function checkStatements(
  holder: CapturedResource,
  field: string,
  statements: readonly NormalizedStatement[],
  kind: 'identity' | 'resource' | 'key' | 'trust',
  report: Reporter,
): void {
  for (const s of statements.filter(isAllow)) {
    const base = `${field}.Statement[${s.index}]`;
    if (s.notActions.length > 0) report(holder, `${base}.NotAction`, s.notActions, 'Action (an Allow with NotAction grants everything else)');
    if (s.notResources.length > 0) report(holder, `${base}.NotResource`, s.notResources, 'Resource (an Allow with NotResource grants everything else)');
    if (s.principals.includes('*') && Object.keys(s.conditions).length === 0) {
      report(holder, `${base}.Principal`, '*', 'named principals (an unconditioned Allow to "*" is public)');
    }
    const rootOnly = s.principals.length > 0 && s.principals.every((p) => ACCOUNT_ROOT.test(p));
    for (const action of s.actions.filter((a) => a.includes('*'))) {
      if (kind === 'key' && action === 'kms:*' && rootOnly) continue; // KEY_POLICY_ROOT_ADMIN_REASON
      report(holder, `${base}.Action`, action, 'named actions, no wildcard');
    }
    if (kind === 'key' || kind === 'trust') continue; // KEY_POLICY_RESOURCE_REASON; trust policies name no resources
    const excepted = s.actions.length > 0 && s.actions.every((a) => WILDCARD_RESOURCE_EXCEPTIONS.has(a));
    for (const resource of s.resources.filter(isWildcardResource)) {
      if (!excepted) {
        report(holder, `${base}.Resource`, resource,
          `named ARNs (Resource "*" is only allowed for actions in WILDCARD_RESOURCE_EXCEPTIONS; got ${s.actions.join(', ')})`);
      }
    }
  }
}

const iamNoWildcards = defineRule({
  id: 'iam-no-wildcards',
  description:
    'IAM, bucket and key policies allow no wildcard action and no "*" resource, no NotAction/NotResource, no public ' +
    'principal, and no broad managed policy (AdministratorAccess, PowerUserAccess, *FullAccess). Exceptions: actions ' +
    `listed in WILDCARD_RESOURCE_EXCEPTIONS may use Resource "*"; in key policies ${KEY_POLICY_RESOURCE_REASON}, ` +
    `and kms:* to the account root is allowed (${KEY_POLICY_ROOT_ADMIN_REASON}).`,
  severity: 'high',
  resourceTypes: [
    ...TYPES.iamPolicyDocument,
    ...TYPES.iamRole,
    ...TYPES.iamAttachment,
    ...TYPES.kmsKey,
    ...TYPES.kmsKeyPolicy,
    ...TYPES.bucketPolicy,
    ...TYPES.bucket,
  ],
  needsStack: false,
  check(resource, _all, report) {
    const type = resource.type;
    const doc = (field: string, kind: 'identity' | 'resource' | 'key' | 'trust') => {
      const statements = readDocument(resource, field, report);
      if (statements !== undefined) checkStatements(resource, field, statements, kind, report);
    };
    if ((TYPES.iamPolicyDocument as readonly string[]).includes(type)) doc('policy', 'identity');
    if ((TYPES.kmsKey as readonly string[]).includes(type) || (TYPES.kmsKeyPolicy as readonly string[]).includes(type)) {
      doc('policy', 'key');
    }
    if ((TYPES.bucketPolicy as readonly string[]).includes(type) || (TYPES.bucket as readonly string[]).includes(type)) {
      doc('policy', 'resource');
    }
    if ((TYPES.iamRole as readonly string[]).includes(type)) {
      doc('assumeRolePolicy', 'trust');
      asList(resource.inputs['inlinePolicies']).forEach((_p, i) => doc(`inlinePolicies[${i}].policy`, 'identity'));
      asList(resource.inputs['managedPolicyArns']).forEach((arn, i) => {
        if (typeof arn === 'string' && BROAD_MANAGED_POLICY.test(arn)) {
          report(resource, `managedPolicyArns[${i}]`, arn, 'a policy scoped to this role\'s needs, not a broad managed policy');
        }
      });
    }
    if ((TYPES.iamAttachment as readonly string[]).includes(type)) {
      const arn = resource.inputs['policyArn'];
      if (typeof arn === 'string' && BROAD_MANAGED_POLICY.test(arn)) {
        report(resource, 'policyArn', arn, 'a policy scoped to the principal\'s needs, not a broad managed policy');
      }
    }
  },
});

/** The IoT policy variable a device's own thing name is substituted for. */
export { THING_NAME_VARIABLE } from '../../core/ingestion/device-policy.js';
import { THING_NAME_VARIABLE } from '../../core/ingestion/device-policy.js';

const iotPolicyThingScoped = defineRule({
  id: 'iot-policy-thing-scoped',
  description:
    `IoT policies are scoped to ${THING_NAME_VARIABLE}: no wildcard actions (iot:*), iot:Connect only as ` +
    `client/${THING_NAME_VARIABLE} with iot:Connection.Thing.IsAttached true, iot:Publish only to ` +
    `topic/${telemetryTopic(THING_NAME_VARIABLE)}, every allowed resource naming the thing and no topic wildcard.`,
  severity: 'critical',
  resourceTypes: TYPES.iotPolicy,
  needsStack: false,
  check(policy, _all, report) {
    const statements = readDocument(policy, 'policy', report);
    if (statements === undefined) {
      if (policy.inputs['policy'] === undefined) report(policy, 'policy', undefined, 'a policy document');
      return;
    }
    for (const s of statements.filter(isAllow)) {
      const base = `policy.Statement[${s.index}]`;
      if (s.notActions.length > 0) report(policy, `${base}.NotAction`, s.notActions, 'Action');
      if (s.notResources.length > 0) report(policy, `${base}.NotResource`, s.notResources, 'Resource');
      for (const action of s.actions.filter((a) => a.includes('*'))) {
        report(policy, `${base}.Action`, action, 'named iot actions, no wildcard');
      }
      for (const resource of s.resources) {
        if (!resource.includes(THING_NAME_VARIABLE) || /[*+#]/.test(resource)) {
          report(policy, `${base}.Resource`, resource, `a resource naming ${THING_NAME_VARIABLE} without wildcards`);
        }
      }
      if (s.actions.includes('iot:Connect')) {
        for (const resource of s.resources.filter((r) => !r.endsWith(`:client/${THING_NAME_VARIABLE}`))) {
          report(policy, `${base}.Resource`, resource, `iot:Connect only on ...:client/${THING_NAME_VARIABLE}`);
        }
        const attached = conditionValues(s, 'Bool', 'iot:Connection.Thing.IsAttached');
        if (!attached.includes('true')) {
          report(policy, `${base}.Condition`, s.conditions, '{Bool: {"iot:Connection.Thing.IsAttached": "true"}}');
        }
      }
      if (s.actions.includes('iot:Publish')) {
        const own = `:topic/${telemetryTopic(THING_NAME_VARIABLE)}`;
        for (const resource of s.resources.filter((r) => !r.endsWith(own))) {
          report(policy, `${base}.Resource`, resource, `iot:Publish only on ...${own}`);
        }
      }
    }
  },
});

/** Topic rule action list fields and the service each sends to (error actions use the singular key). */
const RULE_ACTION_SERVICES: Readonly<Record<string, string>> = {
  cloudwatchAlarms: 'cloudwatchAlarm',
  cloudwatchLogs: 'cloudwatchLogs',
  cloudwatchMetrics: 'cloudwatchMetric',
  dynamodbs: 'dynamodb',
  dynamodbv2s: 'dynamodb',
  elasticsearch: 'elasticsearch',
  firehoses: 'firehose',
  https: 'http',
  iotAnalytics: 'iotAnalytics',
  iotEvents: 'iotEvents',
  kafkas: 'kafka',
  kineses: 'kinesis',
  lambdas: 'lambda',
  republishes: 'republish',
  s3: 's3',
  sns: 'sns',
  sqs: 'sqs',
  stepFunctions: 'stepFunctions',
  timestreams: 'timestream',
};

const topicRuleErrorAction = defineRule({
  id: 'iot-rule-error-action',
  description: 'Every IoT topic rule has an errorAction, sending to a different service than its main actions.',
  severity: 'medium',
  resourceTypes: TYPES.topicRule,
  needsStack: false,
  check(rule, _all, report) {
    const mainServices = new Set(
      Object.entries(RULE_ACTION_SERVICES)
        .filter(([field]) => asList(rule.inputs[field]).length > 0)
        .map(([, service]) => service),
    );
    const errorAction = rule.inputs['errorAction'];
    const errorServices = Object.entries((errorAction ?? {}) as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([key]) => (key === 'dynamodbv2' ? 'dynamodb' : key));
    if (errorServices.length === 0) {
      report(rule, 'errorAction', errorAction, 'an error action (for example s3 to an error prefix)');
      return;
    }
    for (const service of errorServices.filter((s) => mainServices.has(s))) {
      report(rule, `errorAction.${service}`, at(errorAction, service),
        `an error action on a different service than the main actions (${[...mainServices].join(', ')})`);
    }
  },
});

function destinationConfigField(destination: unknown): string {
  if (destination === 'extended_s3') return 'extendedS3Configuration';
  const camel = String(destination).replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return `${camel}Configuration`;
}

/** The Firehose error-output-type namespace every error prefix must contain. */
export const FIREHOSE_ERROR_TYPE_NAMESPACE = '!{firehose:error-output-type}';

const firehoseErrorsLoggingEncryption = defineRule({
  id: 'firehose-errors-logging-encryption',
  description:
    `Every Firehose delivery stream has an S3 errorOutputPrefix containing ${FIREHOSE_ERROR_TYPE_NAMESPACE}, ` +
    'CloudWatch logging enabled (log group and stream named) and server-side encryption with a customer-managed KMS key.',
  severity: 'medium',
  resourceTypes: TYPES.firehose,
  needsStack: false,
  check(stream, _all, report) {
    const field = destinationConfigField(stream.inputs['destination']);
    const config = stream.inputs[field];
    if (config === undefined) {
      report(stream, field, undefined, `a ${field} for destination ${show(stream.inputs['destination'])}`);
    } else {
      const prefixField = field === 'extendedS3Configuration' ? 'errorOutputPrefix' : 's3Configuration.errorOutputPrefix';
      const prefix = at(config, prefixField);
      if (typeof prefix !== 'string' || !prefix.includes(FIREHOSE_ERROR_TYPE_NAMESPACE)) {
        report(stream, `${field}.${prefixField}`, prefix, `a prefix containing ${FIREHOSE_ERROR_TYPE_NAMESPACE}`);
      }
      const logging = at(config, 'cloudwatchLoggingOptions');
      if (at(logging, 'enabled') !== true) {
        report(stream, `${field}.cloudwatchLoggingOptions.enabled`, at(logging, 'enabled'), 'true');
      }
      for (const name of ['logGroupName', 'logStreamName']) {
        const value = at(logging, name);
        if (typeof value !== 'string' || value === '') {
          report(stream, `${field}.cloudwatchLoggingOptions.${name}`, value, 'the log group and stream Firehose logs to');
        }
      }
    }
    const sse = stream.inputs['serverSideEncryption'];
    if (at(sse, 'enabled') !== true) report(stream, 'serverSideEncryption.enabled', at(sse, 'enabled'), 'true');
    if (at(sse, 'keyType') !== 'CUSTOMER_MANAGED_CMK') {
      report(stream, 'serverSideEncryption.keyType', at(sse, 'keyType'), '"CUSTOMER_MANAGED_CMK"');
    }
    const keyArn = at(sse, 'keyArn');
    if (typeof keyArn !== 'string' || keyArn === '') {
      report(stream, 'serverSideEncryption.keyArn', keyArn, 'the ARN of the stack\'s KMS key');
    }
  },
});

const kmsKeyRotation = defineRule({
  id: 'kms-key-rotation',
  description: 'Every symmetric KMS key has automatic rotation enabled.',
  severity: 'medium',
  resourceTypes: TYPES.kmsKey,
  needsStack: false,
  check(key, _all, report) {
    const spec = key.inputs['customerMasterKeySpec'] ?? 'SYMMETRIC_DEFAULT';
    // AWS rotates only symmetric encryption keys; asymmetric and HMAC keys cannot enable rotation.
    if (spec !== 'SYMMETRIC_DEFAULT') return;
    if (key.inputs['enableKeyRotation'] !== true) report(key, 'enableKeyRotation', key.inputs['enableKeyRotation'], 'true');
  },
});

function logGroupNames(group: CapturedResource): string[] {
  return [group.inputs['name'], group.outputs?.['name'], group.id].filter((n): n is string => typeof n === 'string');
}

const lambdaTracingLogging = defineRule({
  id: 'lambda-tracing-logging',
  description:
    'Every Lambda function has X-Ray tracing mode Active and logs to a log group of this stack that has a retention ' +
    'period (loggingConfig.logGroup, or /aws/lambda/<function name>).',
  severity: 'medium',
  resourceTypes: TYPES.lambda,
  needsStack: true,
  check(fn, all, report) {
    const mode = at(fn.inputs, 'tracingConfig.mode');
    if (mode !== 'Active') report(fn, 'tracingConfig.mode', mode, '"Active"');
    const groups = all.filter((r) => (TYPES.logGroup as readonly string[]).includes(r.type));
    const configured = at(fn.inputs, 'loggingConfig.logGroup');
    const deps = fn.propertyDependencies?.['loggingConfig'] ?? [];
    const fnNames = [fn.inputs['name'], fn.outputs?.['name'], fn.id].filter((n): n is string => typeof n === 'string');
    const wanted = typeof configured === 'string' ? [configured] : fnNames.map((n) => `/aws/lambda/${n}`);
    const group = groups.find(
      (g) => (g.urn !== undefined && deps.includes(g.urn)) || logGroupNames(g).some((n) => wanted.includes(n)),
    );
    if (group === undefined) {
      report(fn, 'loggingConfig.logGroup', configured,
        'a log group of this stack with retentionInDays (its name in loggingConfig.logGroup)');
      return;
    }
    const retention = group.inputs['retentionInDays'];
    if (typeof retention !== 'number' || retention <= 0) {
      report(group, 'retentionInDays', retention, `a retention period for the logs of ${label(fn)}`);
    }
  },
});

const logGroupRetentionKms = defineRule({
  id: 'log-group-retention-kms',
  description: 'Every CloudWatch log group has a retention period and is encrypted with a KMS key.',
  severity: 'medium',
  resourceTypes: TYPES.logGroup,
  needsStack: false,
  check(group, _all, report) {
    const retention = group.inputs['retentionInDays'];
    if (typeof retention !== 'number' || retention <= 0) {
      report(group, 'retentionInDays', retention, 'a positive number of days (0 or missing keeps logs forever)');
    }
    const key = group.inputs['kmsKeyId'];
    if (typeof key !== 'string' || key === '') report(group, 'kmsKeyId', key, 'the ARN of the stack\'s KMS key');
  },
});

const SECRET_NAME = /(^|[_\-.])(pass(word|wd)?|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|secret[_-]?key|credentials?)($|[_\-.])/i;
const REFERENCE_NAME = /[_\-.](arn|id|name)$/i;
const SECRET_REFERENCE = /^(arn:aws[a-z-]*:(secretsmanager|ssm):|\{\{resolve:(secretsmanager|ssm-secure):)/;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const AWS_ACCESS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;

/** Why a value looks like key material, or undefined. */
function keyMaterial(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (PEM_PRIVATE_KEY.test(value)) return 'a PEM private key';
  if (AWS_ACCESS_KEY_ID.test(value)) return 'an AWS access key id';
  return undefined;
}

function checkSettings(holder: CapturedResource, field: string, settings: unknown, report: Reporter): void {
  if (settings === null || typeof settings !== 'object') return;
  for (const [name, value] of Object.entries(settings as Record<string, unknown>)) {
    const path = `${field}.${name}`;
    const material = keyMaterial(value);
    if (material !== undefined) {
      report(holder, path, '<redacted>', `no ${material} in plaintext: store it in Secrets Manager and pass the secret ARN`);
    } else if (SECRET_NAME.test(name) && !REFERENCE_NAME.test(name) && typeof value === 'string' && value !== '' &&
      !SECRET_REFERENCE.test(value)) {
      report(holder, path, '<redacted>', 'a Secrets Manager secret ARN, not a plaintext secret');
    }
  }
}

const secretsInSecretsManager = defineRule({
  id: 'secrets-in-secrets-manager',
  description:
    'Secrets live only in Secrets Manager: Lambda environment variables, Glue job arguments and Glue connection ' +
    'properties hold secret ARNs, never passwords, tokens or keys (a Glue JDBC connection uses SECRET_ID, not PASSWORD).',
  severity: 'critical',
  resourceTypes: [...TYPES.lambda, ...TYPES.glueConnection, ...TYPES.glueJob],
  needsStack: false,
  check(resource, _all, report) {
    const type = resource.type;
    if ((TYPES.lambda as readonly string[]).includes(type)) {
      checkSettings(resource, 'environment.variables', at(resource.inputs, 'environment.variables'), report);
    }
    if ((TYPES.glueJob as readonly string[]).includes(type)) {
      checkSettings(resource, 'defaultArguments', resource.inputs['defaultArguments'], report);
    }
    if ((TYPES.glueConnection as readonly string[]).includes(type)) {
      const properties = resource.inputs['connectionProperties'];
      const password = at(properties, 'PASSWORD');
      if (password !== undefined) {
        report(resource, 'connectionProperties.PASSWORD', '<redacted>', 'SECRET_ID naming a Secrets Manager secret');
      }
      checkSettings(resource, 'connectionProperties', { ...(properties as object), PASSWORD: undefined }, report);
    }
  },
});

function findKeyMaterial(value: unknown, path: string, out: { path: string; kind: string }[]): void {
  const kind = keyMaterial(value);
  if (kind !== undefined) out.push({ path, kind });
  else if (Array.isArray(value)) value.forEach((v, i) => findKeyMaterial(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) findKeyMaterial(v, path === '' ? k : `${path}.${k}`, out);
  }
}

const noPlaintextKeyMaterial = defineRule({
  id: 'no-plaintext-key-material',
  description:
    'No resource input holds a PEM private key or an AWS access key id, except the resources listed in ' +
    'KEY_MATERIAL_TYPES (TLS key generation kept as Pulumi secrets, Secrets Manager secret versions).',
  severity: 'critical',
  resourceTypes: ['*'],
  needsStack: false,
  check(resource, _all, report) {
    if (KEY_MATERIAL_TYPES.has(resource.type)) return;
    const found: { path: string; kind: string }[] = [];
    findKeyMaterial(resource.inputs, '', found);
    for (const { path, kind } of found) {
      report(resource, path, '<redacted>', `no ${kind} in plaintext: keep it in Secrets Manager`);
    }
  },
});

const ACCOUNT_ID = /^\d{12}$/;

const iamTrustConfusedDeputy = defineRule({
  id: 'iam-trust-confused-deputy',
  description:
    'Every role a service assumes is guarded against the confused deputy with the condition key that service ' +
    'documents (TRUST_GUARD_KEYS: sts:ExternalId for Firehose, aws:SourceAccount for IoT and Lambda), under ' +
    'StringEquals, equal to a 12-digit account id. A service not listed in TRUST_GUARD_KEYS is refused until its ' +
    'documented key is recorded there.',
  severity: 'high',
  resourceTypes: TYPES.iamRole,
  needsStack: false,
  check(role, _all, report) {
    for (const s of (readDocument(role, 'assumeRolePolicy', report) ?? []).filter(isAllow)) {
      const base = `assumeRolePolicy.Statement[${s.index}]`;
      for (const service of s.principals.filter((p) => p.endsWith('.amazonaws.com'))) {
        const key = (TRUST_GUARD_KEYS as Readonly<Record<string, string>>)[service];
        if (key === undefined) {
          report(role, `${base}.Principal`, service, `a service listed in TRUST_GUARD_KEYS with its documented guard`);
          continue;
        }
        const values = conditionValues(s, 'StringEquals', key);
        if (values.length === 0 || !values.every((v) => ACCOUNT_ID.test(v))) {
          report(role, `${base}.Condition.StringEquals.${key}`, values.length ? values : undefined,
            `the 12-digit account id (${service} documents ${key} against the confused deputy)`);
        }
      }
    }
  },
});

interface LifecycleRuleView {
  readonly status?: unknown;
  readonly expiration?: { readonly days?: unknown; readonly date?: unknown; readonly expiredObjectDeleteMarker?: unknown };
  readonly noncurrentVersionExpiration?: unknown;
}

const s3LifecycleDeleteMarkers = defineRule({
  id: 's3-lifecycle-delete-markers',
  description:
    'Every versioned bucket whose lifecycle expires objects or noncurrent versions also has an enabled rule with ' +
    'expiration.expiredObjectDeleteMarker true, so expired-object delete markers do not pile up.',
  severity: 'low',
  resourceTypes: TYPES.bucket,
  needsStack: true,
  check(bucket, all, report) {
    const versioned = relatedTo(bucket, all, TYPES.bucketVersioning).some(
      (v) => at(v.inputs, 'versioningConfiguration.status') === 'Enabled',
    );
    if (!versioned) return;
    for (const lifecycle of relatedTo(bucket, all, TYPES.bucketLifecycle)) {
      const rules = asList(lifecycle.inputs['rules']) as LifecycleRuleView[];
      const enabled = rules.filter((r) => r.status === 'Enabled');
      const expires = enabled.some(
        (r) => r.noncurrentVersionExpiration !== undefined || r.expiration?.days !== undefined || r.expiration?.date !== undefined,
      );
      if (expires && !enabled.some((r) => r.expiration?.expiredObjectDeleteMarker === true)) {
        report(lifecycle, 'rules', rules.map((r) => (r as { id?: unknown }).id),
          'an enabled rule with expiration.expiredObjectDeleteMarker true (S3 refuses it beside expiration.days)');
      }
    }
  },
});

/** What a Glue security configuration must set, encryption by encryption: the mode and a key. */
const GLUE_ENCRYPTIONS = [
  { path: 's3Encryption', mode: 's3EncryptionMode', expected: 'SSE-KMS' },
  { path: 'cloudwatchEncryption', mode: 'cloudwatchEncryptionMode', expected: 'SSE-KMS' },
  { path: 'jobBookmarksEncryption', mode: 'jobBookmarksEncryptionMode', expected: 'CSE-KMS' },
] as const;

/** Problems of a security configuration's encryption (empty when it encrypts all three with a KMS key). */
function securityConfigurationProblems(config: CapturedResource): Problem[] {
  const problems: Problem[] = [];
  for (const { path, mode, expected } of GLUE_ENCRYPTIONS) {
    const base = `encryptionConfiguration.${path}`;
    const found = at(config.inputs, `${base}.${mode}`);
    if (found !== expected) problems.push({ field: `${base}.${mode}`, value: found, expected: JSON.stringify(expected) });
    const key = at(config.inputs, `${base}.kmsKeyArn`);
    if (typeof key !== 'string' || !key.startsWith('arn:')) problems.push({ field: `${base}.kmsKeyArn`, value: key, expected: 'a KMS key ARN' });
  }
  return problems;
}

const glueSecurityConfiguration = defineRule({
  id: 'glue-security-configuration',
  description:
    'Every Glue job and crawler names a security configuration of the stack that encrypts S3 output (SSE-KMS), ' +
    'CloudWatch logs (SSE-KMS) and job bookmarks (CSE-KMS), each with a KMS key.',
  severity: 'high',
  resourceTypes: [...TYPES.glueJob, ...TYPES.glueCrawler, ...TYPES.glueSecurityConfiguration],
  needsStack: true,
  check(resource, all, report) {
    if ((TYPES.glueSecurityConfiguration as readonly string[]).includes(resource.type)) {
      for (const p of securityConfigurationProblems(resource)) report(resource, p.field, p.value, p.expected);
      return;
    }
    const name = resource.inputs['securityConfiguration'];
    const configs = all.filter((r) => (TYPES.glueSecurityConfiguration as readonly string[]).includes(r.type));
    const config = configs.find((c) => refersTo(resource, 'securityConfiguration', c));
    if (typeof name !== 'string' || name === '' || config === undefined) {
      report(resource, 'securityConfiguration', name, 'the name of a Glue security configuration of this stack');
    }
  },
});

const glueCrawlerPolicies = defineRule({
  id: 'glue-crawler-policies',
  description:
    'Every Glue crawler sets a schema-change policy and a recrawl policy; CRAWL_NEW_FOLDERS_ONLY only on S3 ' +
    'targets and only with updateBehavior and deleteBehavior LOG (what AWS accepts for incremental crawls).',
  severity: 'low',
  resourceTypes: TYPES.glueCrawler,
  needsStack: false,
  check(crawler, _all, report) {
    const update = at(crawler.inputs, 'schemaChangePolicy.updateBehavior');
    const remove = at(crawler.inputs, 'schemaChangePolicy.deleteBehavior');
    const recrawl = at(crawler.inputs, 'recrawlPolicy.recrawlBehavior');
    if (update === undefined || remove === undefined) {
      report(crawler, 'schemaChangePolicy', crawler.inputs['schemaChangePolicy'], 'an explicit updateBehavior and deleteBehavior');
    }
    if (recrawl === undefined) report(crawler, 'recrawlPolicy.recrawlBehavior', recrawl, 'an explicit recrawl behavior');
    if (recrawl !== 'CRAWL_NEW_FOLDERS_ONLY') return;
    if (update !== 'LOG') report(crawler, 'schemaChangePolicy.updateBehavior', update, '"LOG" with CRAWL_NEW_FOLDERS_ONLY');
    if (remove !== 'LOG') report(crawler, 'schemaChangePolicy.deleteBehavior', remove, '"LOG" with CRAWL_NEW_FOLDERS_ONLY');
    for (const targets of ['jdbcTargets', 'catalogTargets', 'dynamodbTargets', 'mongodbTargets'] as const) {
      if (asList(crawler.inputs[targets]).length > 0) {
        report(crawler, targets, '<targets>', 'S3 targets only with CRAWL_NEW_FOLDERS_ONLY (other targets crawl everything)');
      }
    }
  },
});

const rdsEncryptedPrivate = defineRule({
  id: 'rds-encrypted-private',
  description:
    'Every RDS instance has storage encrypted with a customer-managed KMS key, is not publicly accessible, and lets ' +
    'RDS manage the master password in Secrets Manager (no password input).',
  severity: 'high',
  resourceTypes: TYPES.rdsInstance,
  needsStack: false,
  check(db, _all, report) {
    const i = db.inputs;
    if (i['storageEncrypted'] !== true) report(db, 'storageEncrypted', i['storageEncrypted'], 'true');
    if (typeof i['kmsKeyId'] !== 'string' || i['kmsKeyId'] === '') report(db, 'kmsKeyId', i['kmsKeyId'], 'the ARN of a customer-managed KMS key');
    if (i['publiclyAccessible'] !== false) report(db, 'publiclyAccessible', i['publiclyAccessible'], 'false');
    if (i['manageMasterUserPassword'] !== true) report(db, 'manageMasterUserPassword', i['manageMasterUserPassword'], 'true');
    if (i['password'] !== undefined) report(db, 'password', '<redacted>', 'no password: RDS keeps it in Secrets Manager');
  },
});

/** A customer-managed key reference: a key ARN, id or alias, but not the AWS-managed alias of the service. */
function isCustomerKey(value: unknown, managedAlias: string): boolean {
  return typeof value === 'string' && value !== '' && value !== managedAlias && !value.endsWith(`:${managedAlias}`);
}

const kinesisStreamKms = defineRule({
  id: 'kinesis-stream-kms',
  description: 'Every Kinesis data stream is encrypted (encryptionType KMS) with a customer-managed KMS key, not alias/aws/kinesis.',
  severity: 'high',
  resourceTypes: TYPES.kinesisStream,
  needsStack: false,
  check(stream, _all, report) {
    if (stream.inputs['encryptionType'] !== 'KMS') report(stream, 'encryptionType', stream.inputs['encryptionType'], '"KMS"');
    if (!isCustomerKey(stream.inputs['kmsKeyId'], 'alias/aws/kinesis')) {
      report(stream, 'kmsKeyId', stream.inputs['kmsKeyId'], "the ARN of the stack's customer-managed KMS key");
    }
  },
});

const sqsQueueKms = defineRule({
  id: 'sqs-queue-kms',
  description: 'Every SQS queue is encrypted with a customer-managed KMS key (kmsMasterKeyId, not alias/aws/sqs or SQS-managed SSE).',
  severity: 'medium',
  resourceTypes: TYPES.sqsQueue,
  needsStack: false,
  check(queue, _all, report) {
    if (!isCustomerKey(queue.inputs['kmsMasterKeyId'], 'alias/aws/sqs')) {
      report(queue, 'kmsMasterKeyId', queue.inputs['kmsMasterKeyId'], "the ARN of the stack's customer-managed KMS key");
    }
  },
});

/** What keeps a topic policy statement from being the TLS-only deny (empty when it is one). */
function topicTlsDenyProblems(s: NormalizedStatement, base: string): Problem[] {
  const problems: Problem[] = [];
  if (s.effect !== 'Deny') problems.push({ field: `${base}.Effect`, value: s.effect, expected: '"Deny"' });
  if (!s.principals.includes('*')) problems.push({ field: `${base}.Principal`, value: s.principals, expected: '"*"' });
  if (!s.actions.some((a) => ['sns:publish', 'sns:*', '*'].includes(a.toLowerCase()))) {
    problems.push({ field: `${base}.Action`, value: s.actions, expected: 'sns:Publish' });
  }
  const secure = conditionValues(s, 'Bool', 'aws:SecureTransport');
  if (!secure.includes('false')) {
    problems.push({ field: `${base}.Condition.Bool.aws:SecureTransport`, value: secure.length ? secure : undefined, expected: '"false"' });
  }
  return problems;
}

const snsTopicKmsTls = defineRule({
  id: 'sns-topic-kms-tls',
  description:
    'Every SNS topic is encrypted with a customer-managed KMS key (not alias/aws/sns) and has a topic policy denying ' +
    'sns:Publish to everyone when aws:SecureTransport is false.',
  severity: 'high',
  resourceTypes: TYPES.snsTopic,
  needsStack: true,
  check(topic, all, report) {
    if (!isCustomerKey(topic.inputs['kmsMasterKeyId'], 'alias/aws/sns')) {
      report(topic, 'kmsMasterKeyId', topic.inputs['kmsMasterKeyId'], "the ARN of the stack's customer-managed KMS key");
    }
    const holders: { holder: CapturedResource; field: string }[] = relatedTo(topic, all, TYPES.snsTopicPolicy, 'arn').map((p) => ({ holder: p, field: 'policy' }));
    if (topic.inputs['policy'] !== undefined) holders.push({ holder: topic, field: 'policy' });
    if (holders.length === 0) {
      report(topic, 'policy', undefined, 'a TopicPolicy with a Deny of sns:Publish on aws:SecureTransport "false"');
      return;
    }
    let best: { holder: CapturedResource; problems: Problem[] } | undefined;
    for (const { holder, field } of holders) {
      for (const statement of readDocument(holder, field, report) ?? []) {
        const problems = topicTlsDenyProblems(statement, `${field}.Statement[${statement.index}]`);
        if (problems.length === 0) return;
        if (best === undefined || problems.length < best.problems.length) best = { holder, problems };
      }
    }
    const worst = best ?? { holder: holders[0]!.holder, problems: [{ field: 'policy.Statement', value: undefined, expected: 'a TLS-only Deny statement' }] };
    for (const problem of worst.problems) report(worst.holder, problem.field, problem.value, problem.expected);
  },
});

/** Athena's smallest per-query cutoff as the provider checks it (10 MiB). */
const ATHENA_MIN_CUTOFF = 10 * 1024 * 1024;

const athenaWorkgroupEnforced = defineRule({
  id: 'athena-workgroup-enforced',
  description:
    'Every Athena workgroup enforces its configuration, encrypts query results with a KMS key (SSE_KMS or CSE_KMS), ' +
    'pins an engine version (not AUTO), cuts off queries at a bytes-scanned limit (at least 10 MiB), publishes ' +
    'CloudWatch metrics and does not enable requester pays.',
  severity: 'high',
  resourceTypes: TYPES.athenaWorkgroup,
  needsStack: false,
  check(workgroup, _all, report) {
    const c = (path: string) => at(workgroup.inputs, `configuration.${path}`);
    if (c('enforceWorkgroupConfiguration') !== true) report(workgroup, 'configuration.enforceWorkgroupConfiguration', c('enforceWorkgroupConfiguration'), 'true');
    const option = c('resultConfiguration.encryptionConfiguration.encryptionOption');
    if (option !== 'SSE_KMS' && option !== 'CSE_KMS') {
      report(workgroup, 'configuration.resultConfiguration.encryptionConfiguration.encryptionOption', option, '"SSE_KMS" (or "CSE_KMS")');
    }
    const key = c('resultConfiguration.encryptionConfiguration.kmsKeyArn');
    if (typeof key !== 'string' || !key.startsWith('arn:')) {
      report(workgroup, 'configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn', key, 'a KMS key ARN');
    }
    const engine = c('engineVersion.selectedEngineVersion');
    if (typeof engine !== 'string' || engine === '' || engine === 'AUTO') {
      report(workgroup, 'configuration.engineVersion.selectedEngineVersion', engine, 'a pinned engine version such as "Athena engine version 3"');
    }
    const cutoff = c('bytesScannedCutoffPerQuery');
    if (typeof cutoff !== 'number' || cutoff < ATHENA_MIN_CUTOFF) {
      report(workgroup, 'configuration.bytesScannedCutoffPerQuery', cutoff, `a number of bytes of at least ${ATHENA_MIN_CUTOFF}`);
    }
    if (c('publishCloudwatchMetricsEnabled') !== true) {
      report(workgroup, 'configuration.publishCloudwatchMetricsEnabled', c('publishCloudwatchMetricsEnabled'), 'true');
    }
    if (c('requesterPaysEnabled') === true) report(workgroup, 'configuration.requesterPaysEnabled', true, 'false');
  },
});

const sagemakerEndpointKms = defineRule({
  id: 'sagemaker-endpoint-kms',
  description: 'Every SageMaker endpoint configuration encrypts the ML storage volume with a customer-managed KMS key (kmsKeyArn).',
  severity: 'medium',
  resourceTypes: TYPES.sagemakerEndpointConfiguration,
  needsStack: false,
  check(config, _all, report) {
    const key = config.inputs['kmsKeyArn'];
    if (typeof key !== 'string' || !key.startsWith('arn:')) report(config, 'kmsKeyArn', key, 'the ARN of a customer-managed KMS key');
  },
});

const STREAM_SOURCE = /^arn:aws[a-z-]*:(kinesis|dynamodb):/;

const lambdaStreamFailureHandling = defineRule({
  id: 'lambda-stream-failure-handling',
  description:
    'Every Lambda event source mapping on a Kinesis or DynamoDB stream reports partial batch failures ' +
    '(ReportBatchItemFailures), splits failing batches, retries a bounded number of times (0 to 10000, not -1) and ' +
    'sends what still fails to an on-failure destination, so a poison record neither blocks its shard nor vanishes.',
  severity: 'medium',
  resourceTypes: TYPES.eventSourceMapping,
  needsStack: false,
  check(mapping, _all, report) {
    const source = mapping.inputs['eventSourceArn'];
    if (typeof source !== 'string' || !STREAM_SOURCE.test(source)) return;
    const types = asList(mapping.inputs['functionResponseTypes']);
    if (!types.includes('ReportBatchItemFailures')) report(mapping, 'functionResponseTypes', types, '["ReportBatchItemFailures"]');
    if (mapping.inputs['bisectBatchOnFunctionError'] !== true) {
      report(mapping, 'bisectBatchOnFunctionError', mapping.inputs['bisectBatchOnFunctionError'], 'true');
    }
    const retries = mapping.inputs['maximumRetryAttempts'];
    if (typeof retries !== 'number' || retries < 0 || retries > 10_000) {
      report(mapping, 'maximumRetryAttempts', retries, 'a bound from 0 to 10000 (the default -1 retries until the record expires)');
    }
    const destination = at(mapping.inputs, 'destinationConfig.onFailure.destinationArn');
    if (typeof destination !== 'string' || !destination.startsWith('arn:')) {
      report(mapping, 'destinationConfig.onFailure.destinationArn', destination, 'the ARN of a queue or topic for failed batches');
    }
  },
});

const stateMachineLoggingTracing = defineRule({
  id: 'sfn-logging-tracing',
  description:
    'Every Step Functions state machine logs every event with execution data (level ALL, includeExecutionData) to ' +
    'a log group of this stack (`<log group ARN>:*`) and has X-Ray tracing enabled.',
  severity: 'medium',
  resourceTypes: TYPES.stateMachine,
  needsStack: true,
  check(machine, all, report) {
    const logging = machine.inputs['loggingConfiguration'];
    if (at(logging, 'level') !== 'ALL') report(machine, 'loggingConfiguration.level', at(logging, 'level'), '"ALL"');
    if (at(logging, 'includeExecutionData') !== true) {
      report(machine, 'loggingConfiguration.includeExecutionData', at(logging, 'includeExecutionData'), 'true');
    }
    const destination = at(logging, 'logDestination');
    const groups = all.filter((r) => (TYPES.logGroup as readonly string[]).includes(r.type));
    const ofStack = groups.some((g) => typeof g.outputs?.['arn'] === 'string' && destination === `${String(g.outputs['arn'])}:*`);
    if (typeof destination !== 'string' || !destination.endsWith(':*') || !ofStack) {
      report(machine, 'loggingConfiguration.logDestination', destination, 'the ARN of a log group of this stack followed by ":*"');
    }
    const tracing = at(machine.inputs, 'tracingConfiguration.enabled');
    if (tracing !== true) report(machine, 'tracingConfiguration.enabled', tracing, 'true');
  },
});

const scheduleRetryDeadLetterKms = defineRule({
  id: 'scheduler-retry-dlq-kms',
  description:
    'Every EventBridge Scheduler schedule has a retry policy (maximumRetryAttempts, maximumEventAgeInSeconds), a ' +
    'dead-letter queue and a customer-managed KMS key for its target input.',
  severity: 'medium',
  resourceTypes: TYPES.schedule,
  needsStack: false,
  check(schedule, _all, report) {
    for (const field of ['maximumRetryAttempts', 'maximumEventAgeInSeconds']) {
      const value = at(schedule.inputs, `target.retryPolicy.${field}`);
      if (typeof value !== 'number') report(schedule, `target.retryPolicy.${field}`, value, 'an explicit number');
    }
    const dlq = at(schedule.inputs, 'target.deadLetterConfig.arn');
    if (typeof dlq !== 'string' || !dlq.startsWith('arn:')) report(schedule, 'target.deadLetterConfig.arn', dlq, 'the ARN of an SQS queue');
    const key = schedule.inputs['kmsKeyArn'];
    if (typeof key !== 'string' || !key.startsWith('arn:')) report(schedule, 'kmsKeyArn', key, 'the ARN of a customer-managed KMS key');
  },
});

const lambdaPermissionSource = defineRule({
  id: 'lambda-permission-source',
  description:
    'Every Lambda permission granted to an AWS service names the resource (sourceArn) and, for S3 whose bucket ARNs ' +
    'carry no account, the account (sourceAccount): no other bucket or account can invoke the function.',
  severity: 'high',
  resourceTypes: TYPES.lambdaPermission,
  needsStack: false,
  check(permission, _all, report) {
    const principal = permission.inputs['principal'];
    if (typeof principal !== 'string' || !principal.endsWith('.amazonaws.com')) return;
    const sourceArn = permission.inputs['sourceArn'];
    if (typeof sourceArn !== 'string' || !sourceArn.startsWith('arn:')) report(permission, 'sourceArn', sourceArn, `the ARN of the ${principal} resource that invokes`);
    const account = permission.inputs['sourceAccount'];
    if (principal === 's3.amazonaws.com' && (typeof account !== 'string' || !ACCOUNT_ID.test(account))) {
      report(permission, 'sourceAccount', account, 'the 12-digit account id owning the bucket');
    }
  },
});

const quicksightDataSourceSsl = defineRule({
  id: 'quicksight-data-source-ssl',
  description: 'Every QuickSight data source keeps SSL on (sslProperties.disableSsl not true) and is shared with named principals only.',
  severity: 'medium',
  resourceTypes: TYPES.quicksightDataSource,
  needsStack: false,
  check(source, _all, report) {
    if (at(source.inputs, 'sslProperties.disableSsl') === true) report(source, 'sslProperties.disableSsl', true, 'false');
    asList(source.inputs['permissions']).forEach((p, i) => {
      const principal = at(p, 'principal');
      if (typeof principal !== 'string' || !principal.startsWith('arn:')) report(source, `permissions[${i}].principal`, principal, 'a QuickSight user or group ARN');
    });
  },
});

/** Every security rule, in the order they are reported. */
export const RULES: readonly SecurityRule[] = [
  s3EncryptionKms,
  s3TlsOnly,
  s3PublicAccessBlock,
  s3Versioning,
  s3LifecycleDeleteMarkers,
  iamNoWildcards,
  iamTrustConfusedDeputy,
  iotPolicyThingScoped,
  topicRuleErrorAction,
  firehoseErrorsLoggingEncryption,
  kmsKeyRotation,
  lambdaTracingLogging,
  logGroupRetentionKms,
  secretsInSecretsManager,
  noPlaintextKeyMaterial,
  glueSecurityConfiguration,
  glueCrawlerPolicies,
  rdsEncryptedPrivate,
  kinesisStreamKms,
  sqsQueueKms,
  snsTopicKmsTls,
  athenaWorkgroupEnforced,
  sagemakerEndpointKms,
  lambdaStreamFailureHandling,
  quicksightDataSourceSsl,
  stateMachineLoggingTracing,
  scheduleRetryDeadLetterKms,
  lambdaPermissionSource,
];

/** Whether a rule checks resources of this type. */
export function ruleApplies(rule: SecurityRule, resource: CapturedResource): boolean {
  return rule.resourceTypes.includes('*') || rule.resourceTypes.includes(resource.type);
}

/** Result of running rules over a stack: the violations, and how many resources each rule checked. */
export interface Evaluation {
  readonly violations: readonly Violation[];
  /** Rule id → number of resources the rule applied to (0 means the rule saw nothing to check). */
  readonly checked: Readonly<Record<string, number>>;
}

/** Runs every rule over every resource. */
export function evaluateRules(
  resources: readonly CapturedResource[],
  rules: readonly SecurityRule[] = RULES,
): Evaluation {
  const violations: Violation[] = [];
  const checked: Record<string, number> = {};
  for (const rule of rules) {
    checked[rule.id] = 0;
    for (const resource of resources) {
      if (!ruleApplies(rule, resource)) continue;
      checked[rule.id] = (checked[rule.id] ?? 0) + 1;
      violations.push(...rule.check(resource, resources));
    }
  }
  return { violations, checked };
}
