import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigErrors } from './errors.js';
import { cidrsOverlap, parseCidr } from './lake/cidr.js';
import { parseJdbcUrl } from './lake/jdbc-url.js';
import { tableListProblems } from './orchestration/archive-drop-tables.js';

/** The Pulumi project name, also the config namespace. */
export const PROJECT = 'sensorlake';

/** Deployment environments; each has a `Pulumi.<env>.yaml`. */
export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

type SettingType = 'integer' | 'string' | 'boolean' | 'object';

interface Setting<T, D = T> {
  /** Pulumi project-config type. */
  readonly type: SettingType;
  /** One line for Pulumi.yaml and the README. */
  readonly description: string;
  /** Value used when neither the environment file nor the stack sets it (an object setting's schema fills the rest). */
  readonly default: D;
  /** What a valid value looks like, for error messages. */
  readonly expected: string;
  readonly schema: z.ZodType<T>;
}

function integer(min: number, max: number, description: string, def: number): Setting<number> {
  return {
    type: 'integer',
    description,
    default: def,
    expected: `an integer from ${min} to ${max}`,
    schema: z.number().int().min(min).max(max),
  };
}

function cidr(minMask: number, maxMask: number): z.ZodType<string> {
  return z.string().refine((v) => {
    const block = parseCidr(v);
    return block !== undefined && block.mask >= minMask && block.mask <= maxMask;
  }, `an IPv4 CIDR block a.b.c.d/n with n from ${minMask} to ${maxMask} and zero host bits`);
}

/** Glue 5.0 worker types of Spark ETL jobs (G.025X is for streaming jobs, Z.2X for Ray). */
export const GLUE_WORKER_TYPES = ['G.1X', 'G.2X', 'G.4X', 'G.8X'] as const;

const awsId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), `an id ${prefix}-<8 to 17 hex digits>`);
const arnOf = (service: string, what: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${what}`), `an ARN arn:aws:${service}:<region>:<account>:${what}...`);
const jdbcUrl = z.string().superRefine((value, ctx) => {
  try {
    parseJdbcUrl(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as { expected?: string }).expected ?? String(error) });
  }
});

/** A SageMaker instance type setting (`ml.<family>.<size>`). */
function sageMakerInstanceType(description: string, def: string): Setting<string> {
  return {
    type: 'string',
    description,
    default: def,
    expected: 'a SageMaker instance type such as ml.m5.xlarge',
    schema: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/),
  };
}

/** A demo PostgreSQL the lake stack provisions in its own VPC (dev), peered with the Glue VPC. */
const provisionedDatabase = z.strictObject({
  mode: z.literal('provision'),
  /** CIDR of the demo database's VPC; must not overlap the Glue VPC. */
  vpcCidr: cidr(16, 24).default('10.61.0.0/16'),
  instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'an RDS instance class such as db.t4g.micro').default('db.t4g.micro'),
  /** RDS PostgreSQL accepts 20 to 65536 GiB of gp3 storage. */
  allocatedStorageGiB: z.number().int().min(20).max(1000).default(20),
  engineVersion: z.string().regex(/^1[4-9](\.\d+)?$/, 'a PostgreSQL major version 14 to 19, optionally with the minor').default('16'),
  databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'a PostgreSQL identifier (lower case, up to 63)').default('sensors'),
  masterUsername: z.string().regex(/^[a-z][a-z0-9_]{0,15}$/, 'a user name of up to 16 lower-case letters, digits, _').default('sensorlake'),
  /** RDS keeps automated backups 1 to 35 days (0 would turn backups off). */
  backupRetentionDays: z.number().int().min(1).max(35).default(7),
});

/** A database that exists elsewhere (prod), reached over peering with what its owner gives. */
const existingDatabase = z.strictObject({
  mode: z.literal('existing'),
  jdbcUrl,
  vpcId: awsId('vpc'),
  vpcCidr: cidr(8, 28),
  /** Route tables of the database's subnets, which get the route back to the Glue VPC. */
  routeTableIds: z.array(awsId('rtb')).min(1),
  /** Security group of the database, which gets the ingress rule from the Glue security group. */
  securityGroupId: awsId('sg'),
  /** Secrets Manager secret with `username` and `password`, encrypted with a customer-managed key. */
  secretArn: arnOf('secretsmanager', 'secret:'),
  /** Key encrypting the secret (the Glue role decrypts through Secrets Manager only). */
  secretKmsKeyArn: arnOf('kms', 'key/'),
  /** Account of the database VPC; default the stack's. Peering is auto-accepted in the same account and region. */
  accountId: z.string().regex(/^\d{12}$/, 'a 12-digit account id').optional(),
  /** Region of the database VPC; default the stack's. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1').optional(),
});

/** Where the import-db job reads from. */
export const sourceDatabaseSchema = z.discriminatedUnion('mode', [provisionedDatabase, existingDatabase]);
export type SourceDatabaseSettings = z.infer<typeof sourceDatabaseSchema>;

/** What QuickSight gets: nothing (default: QuickSight needs an account subscription), or the data sets for a principal. */
export const quicksightSchema = z.discriminatedUnion('enabled', [
  z.strictObject({ enabled: z.literal(false) }),
  z.strictObject({
    enabled: z.literal(true),
    /** QuickSight user or group the data source and data sets are shared with (owner permissions). */
    principalArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/[A-Za-z0-9_.+=@-]+\/[A-Za-z0-9_.+=@/-]+$/,
        'a QuickSight user or group ARN arn:aws:quicksight:<region>:<account>:user/<namespace>/<name>',
      ),
  }),
]);
export type QuicksightSettings = z.infer<typeof quicksightSchema>;

/** Prefix of the models bucket under which SageMaker reads training data and writes model artifacts. */
export const RCF_MODEL_PREFIX = 'rcf/';

/**
 * The RCF real-time multi-model endpoint. `enabled` creates its model (MultiModel over the models bucket's
 * MODEL_LAYOUT.endpointModels), configuration and endpoint; the pipeline then publishes each room's model and its
 * record (core/orchestration endpoint-record.ts: TargetModel and threshold), which the alert function reads.
 */
export const rcfEndpointSchema = z.strictObject({
  /** Whether the endpoint exists. Default false: no endpoint, the alert function scores nothing and never alerts. */
  enabled: z.boolean().default(false),
  /** SageMaker hosting instance type; the built-in RCF serves on CPU instances (ml.m5.large is AWS's example). */
  instanceType: z
    .string()
    .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'a SageMaker instance type such as ml.m5.large')
    // Instances with local NVMe storage (m5d, c5d, g4dn...) refuse an endpoint configuration's KmsKeyId.
    .refine((t) => !/^ml\.[a-z]+\d+[a-z]*d[a-z]*\./.test(t), 'an instance type without local storage (the endpoint volume is encrypted with the KMS key)')
    .default('ml.m5.large'),
  /** Instances behind the endpoint (SageMaker needs at least 1). */
  instanceCount: z.number().int().min(1).max(10).default(1),
});
export type RcfEndpointSettings = z.infer<typeof rcfEndpointSchema>;

/** Kinesis keeps records 24 hours (the minimum) to 8760 hours (365 days). */
const retentionHours = z.number().int().min(24).max(8760).default(24);

/** The real-time alert stream: on-demand capacity, or provisioned shards (1 MiB/s or 1000 records/s in each). */
export const alertStreamSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('on-demand'), retentionHours }),
  z.strictObject({ mode: z.literal('provisioned'), shardCount: z.number().int().min(1).max(500).default(1), retentionHours }),
]);
export type AlertStreamSettings = z.infer<typeof alertStreamSchema>;
/** The items of a comma-separated setting, trimmed, empty items dropped. */
export function commaList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

const EMAIL = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;
/** EventBridge Scheduler's recurring expressions (Scheduler user guide, "Schedule types"); `at(...)` is one-time. */
const SCHEDULE_EXPRESSION = /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/;

/**
 * Every environment setting, defined once: Pulumi.yaml declares these keys with the same types, descriptions
 * and defaults (a test checks), the stacks read them through `parseEnvironmentConfig`, and the local twin reads
 * the same `Pulumi.<env>.yaml` through `readEnvironmentConfig`.
 */
export const SETTINGS = {
  logLevel: {
    type: 'string',
    description: 'Log level of Lambda functions, the Firehose processor and the local twin (debug, info, warn, error).',
    default: 'info',
    expected: 'one of debug, info, warn, error',
    schema: z.enum(['debug', 'info', 'warn', 'error']),
  } satisfies Setting<'debug' | 'info' | 'warn' | 'error'>,
  logRetentionDays: {
    type: 'integer',
    description: 'CloudWatch Logs retention in days (a value CloudWatch accepts, such as 14, 30, 365).',
    default: 30,
    expected: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
    schema: z.number().refine((v): v is number => (LOG_RETENTION_DAYS as readonly number[]).includes(v)),
  } satisfies Setting<number>,
  deletionProtection: {
    type: 'boolean',
    description: 'Protect data resources from deletion: no force-destroy of buckets, resources retained on delete.',
    default: true,
    expected: 'true or false',
    schema: z.boolean(),
  } satisfies Setting<boolean>,
  rawGlacierTransitionDays: integer(1, 3650, 'Days after which raw-zone objects move to S3 Glacier Flexible Retrieval.', 90),
  rawNoncurrentVersionExpirationDays: integer(1, 3650, 'Days after which noncurrent raw-zone object versions expire.', 30),
  firehoseBufferSizeMiB: integer(
    64,
    128,
    'Firehose buffer size in MiB (64 to 128: dynamic partitioning needs at least 64).',
    128,
  ),
  firehoseBufferIntervalSeconds: integer(
    60,
    900,
    'Firehose buffer interval in seconds (60 to 900: dynamic partitioning needs at least 60).',
    300,
  ),
  kmsDeletionWindowDays: integer(7, 30, 'Waiting period in days before a scheduled KMS key deletion.', 30),
  simulatorThingCount: integer(0, 1000, 'Number of simulator IoT things, each with its own certificate.', 3),
  telemetryMaxClockSkewSeconds: integer(
    0,
    86_400,
    'A reading stamped further than this in the future of its ingest time is quarantined as clock-skew.',
    300,
  ),
  telemetryMaxLatenessHours: integer(
    1,
    8_760,
    'A reading stamped further than this in the past of its ingest time is quarantined as late.',
    72,
  ),
  glueWorkerType: {
    type: 'string',
    description: `Worker type of the Glue 5.0 jobs (${GLUE_WORKER_TYPES.join(', ')}).`,
    default: 'G.1X',
    expected: `one of ${GLUE_WORKER_TYPES.join(', ')}`,
    schema: z.enum(GLUE_WORKER_TYPES),
  } satisfies Setting<(typeof GLUE_WORKER_TYPES)[number]>,
  glueNumberOfWorkers: integer(2, 100, 'Number of workers of each Glue job (a G worker job needs at least 2).', 2),
  glueJobTimeoutMinutes: integer(1, 2880, 'Minutes after which a Glue job run is stopped (Glue allows up to 2880).', 60),
  glueJobMaxConcurrentRuns: integer(
    1,
    10,
    'Concurrent runs of one Glue job (1 keeps job bookmarks and partition compaction race-free).',
    1,
  ),
  glueJobMaxRetries: integer(0, 10, 'Times Glue retries a failed job run.', 0),
  glueVpcCidr: {
    type: 'string',
    description: 'CIDR of the dedicated Glue VPC (/16 to /24); must not overlap the source database VPC.',
    default: '10.60.0.0/16',
    expected: 'an IPv4 CIDR block a.b.c.d/n with n from 16 to 24 and zero host bits',
    schema: cidr(16, 24),
  } satisfies Setting<string>,
  sourceDatabase: {
    type: 'object',
    description:
      'The external database import-db reads: {mode: provision} (a demo RDS PostgreSQL in its own VPC) or ' +
      '{mode: existing, jdbcUrl, vpcId, vpcCidr, routeTableIds, securityGroupId, secretArn, secretKmsKeyArn}.',
    default: { mode: 'provision' },
    expected: 'a source database object (see Pulumi.yaml)',
    schema: sourceDatabaseSchema,
  } satisfies Setting<SourceDatabaseSettings, { mode: 'provision' }>,
  athenaBytesScannedCutoffMiB: integer(
    10,
    10_485_760,
    'Data one Athena query of the workgroup may scan, in MiB (Athena accepts at least 10 MiB); a query over it is cancelled.',
    10_240,
  ),
  quicksight: {
    type: 'object',
    description: 'QuickSight data source and data sets on the Athena workgroup: {enabled: false} (needs an account subscription) or {enabled: true, principalArn}.',
    default: { enabled: false },
    expected: 'a QuickSight object (see Pulumi.yaml)',
    schema: quicksightSchema,
  } satisfies Setting<QuicksightSettings, { enabled: false }>,
  rcfEndpoint: {
    type: 'object',
    description: 'The RCF multi-model endpoint: {enabled, instanceType, instanceCount}; enabled (default false) creates it, and the pipeline publishes each room\'s model and threshold to it.',
    default: {},
    expected: 'an RCF endpoint object (see Pulumi.yaml)',
    schema: rcfEndpointSchema,
  } satisfies Setting<RcfEndpointSettings, Record<string, never>>,
  alertStream: {
    type: 'object',
    description: 'The real-time alert stream: {mode: on-demand, retentionHours} or {mode: provisioned, shardCount, retentionHours} (24 to 8760 hours).',
    default: { mode: 'provisioned', shardCount: 1 },
    expected: 'an alert stream object (see Pulumi.yaml)',
    schema: alertStreamSchema,
  } satisfies Setting<AlertStreamSettings, { mode: 'provisioned'; shardCount: 1 }>,
  pipelineRoomConcurrency: integer(1, 40, 'Rooms the pipeline trains and scores at once (its Map MaxConcurrency; an inline Map runs at most 40).', 4),
  pipelineCrawlPollSeconds: integer(5, 900, 'Seconds the pipeline waits between two reads of a running crawler.', 30),
  pipelineCrawlMaxPolls: integer(1, 1000, 'Reads of a running crawler before the pipeline fails the crawl as timed out.', 60),
  rcfTrainingInstanceType: sageMakerInstanceType('Instance type of the per-room RCF training jobs (the seed trains on ml.m4.xlarge; RCF uses no GPU).', 'ml.m4.xlarge'),
  rcfTrainingInstanceCount: integer(1, 10, 'Instances of each per-room RCF training job.', 1),
  rcfTransformInstanceType: sageMakerInstanceType('Instance type of the per-room batch scoring (transform) jobs (the seed scores on ml.c5.xlarge).', 'ml.c5.xlarge'),
  orchestrationFailureEmails: {
    type: 'string',
    description: 'Comma-separated email addresses subscribed to the pipeline failure topic (each must confirm); empty for none.',
    default: '',
    expected: 'comma-separated email addresses (name@domain), or empty',
    schema: z.string().refine((v) => commaList(v).every((e) => EMAIL.test(e)) && new Set(commaList(v)).size === commaList(v).length),
  } satisfies Setting<string>,
  pipelineScheduleExpression: {
    type: 'string',
    description: 'EventBridge Scheduler expression starting the pipeline: rate(<n> minutes|hours|days) or cron(<6 fields>).',
    default: 'cron(0 2 * * ? *)',
    expected: 'rate(<n> minute(s)|hour(s)|day(s)) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)',
    schema: z.string().regex(SCHEDULE_EXPRESSION),
  } satisfies Setting<string>,
  pipelineScheduleTimezone: {
    type: 'string',
    description: 'IANA time zone the schedule expression is evaluated in (such as UTC, Europe/Rome).',
    default: 'UTC',
    expected: 'an IANA time zone such as UTC or Europe/Rome',
    schema: z.string().refine((v) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: v });
        return true;
      } catch {
        return false;
      }
    }),
  } satisfies Setting<string>,
  pipelineScheduleEnabled: {
    type: 'boolean',
    description: 'Whether the schedule starting the pipeline is enabled.',
    default: true,
    expected: 'true or false',
    schema: z.boolean(),
  } satisfies Setting<boolean>,
  pipelineScheduleMaxRetries: integer(0, 185, 'Times EventBridge Scheduler retries starting the pipeline before the dead-letter queue (0 to 185).', 3),
  pipelineScheduleMaxEventAgeSeconds: integer(60, 86_400, 'Seconds EventBridge Scheduler keeps retrying a start (60 to 86400).', 3600),
  pipelineScheduleWindowMinutes: integer(0, 1440, 'Flexible time window of the schedule in minutes (0: off, up to 1440).', 15),
  archiveDropTables: {
    type: 'string',
    description: 'Comma-separated tables an archive drop in/<table>.zip may write to the raw zone under <table>/.',
    default: 'readings',
    expected: 'comma-separated table names (a lower-case letter, then up to 39 of a-z, 0-9, _), none a raw-zone folder of another writer, each once',
    schema: z.string().refine((v) => tableListProblems(commaList(v)).length === 0),
  } satisfies Setting<string>,
  archiveMaxEntries: integer(1, 10_000, 'Most entries an archive drop may hold.', 1000),
  archiveMaxEntryMiB: integer(1, 2048, 'Largest uncompressed entry of an archive drop in MiB (held in the function memory while written).', 256),
  archiveMaxTotalMiB: integer(1, 102_400, 'Largest uncompressed total of an archive drop in MiB.', 2048),
  archiveMaxCompressionRatio: integer(2, 10_000, 'Largest uncompressed/compressed ratio of an archive entry of at least 1 MiB, and of the archive (zip bombs).', 100),
  archiveDropConcurrency: integer(1, 100, 'Reserved concurrency of the archive-drop function.', 2),
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The validated, typed configuration of one environment. */
export type EnvironmentConfig = {
  readonly [K in SettingName]: z.infer<(typeof SETTINGS)[K]['schema']>;
};

/** Fully qualified key of a setting, as written in Pulumi.<env>.yaml. */
export function configKey(name: SettingName): string {
  return `${PROJECT}:${name}`;
}

function coerce(type: SettingType, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'object') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (type === 'integer' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * Validates an environment's settings. `lookup` returns the raw value of a setting or undefined (then the default
 * applies); Pulumi passes strings, YAML files pass numbers and booleans, and both are accepted. All problems are
 * reported together, each naming the key, the value and what was expected.
 */
export function parseEnvironmentConfig(lookup: (name: SettingName) => unknown): EnvironmentConfig {
  const errors: ConfigError[] = [];
  const result: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting<unknown>][]) {
    const raw = lookup(name);
    const value = raw === undefined || raw === null ? setting.default : coerce(setting.type, raw);
    const parsed = setting.schema.safeParse(value);
    if (parsed.success) result[name] = parsed.data;
    else if (setting.type === 'object' && typeof value === 'object' && value !== null) {
      // One error per field of a structured setting, each naming its own path and value.
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String);
        const found = path.reduce<unknown>((v, step) => (v as Record<string, unknown> | undefined)?.[step], value);
        const expected = issue.code === 'unrecognized_keys' ? `no unknown field (${issue.keys.join(', ')})` : issue.message;
        errors.push(new ConfigError([configKey(name), ...path].join('.'), issue.code === 'unrecognized_keys' ? value : found, expected));
      }
    } else errors.push(new ConfigError(configKey(name), raw, setting.expected));
  }
  if (errors.length === 0) errors.push(...crossSettingErrors(result as EnvironmentConfig));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
  return result as EnvironmentConfig;
}

/** Checks between settings: the Glue VPC and the source database VPC are peered, so their blocks must not overlap. */
function crossSettingErrors(config: EnvironmentConfig): ConfigError[] {
  const glue = parseCidr(config.glueVpcCidr);
  const database = parseCidr(config.sourceDatabase.vpcCidr);
  if (glue !== undefined && database !== undefined && cidrsOverlap(glue, database)) {
    return [
      new ConfigError(
        `${configKey('sourceDatabase')}.vpcCidr`,
        config.sourceDatabase.vpcCidr,
        `a block that does not overlap ${configKey('glueVpcCidr')} ${config.glueVpcCidr} (peered VPCs cannot overlap)`,
      ),
    ];
  }
  return [];
}

/** Root of the repository (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Reads `Pulumi.<env>.yaml` the way `pulumi --config-file` does, for the local twin and the tools that run
 * without the Pulumi engine. Unknown `sensorlake:` keys are errors, so a typo never passes silently.
 */
export function readEnvironmentConfig(env: Environment, root: string = PROJECT_ROOT): EnvironmentConfig {
  const file = path.join(root, `Pulumi.${env}.yaml`);
  const doc = parseYaml(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> } | null;
  const values = doc?.config ?? {};
  const unknown = Object.keys(values).filter(
    (key) => key.startsWith(`${PROJECT}:`) && !(key.slice(PROJECT.length + 1) in SETTINGS),
  );
  if (unknown.length > 0) {
    throw new ConfigErrors(
      unknown.map((key) => new ConfigError(key, values[key], `a known setting (${Object.keys(SETTINGS).join(', ')})`)),
    );
  }
  return parseEnvironmentConfig((name) => {
    const value = values[configKey(name)];
    return typeof value === 'object' && value !== null && 'value' in value ? (value as { value: unknown }).value : value;
  });
}

export function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}
