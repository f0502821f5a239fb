import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ArgumentError } from '../../core/errors.js';
import type { AccountContext } from '../../core/iam.js';
import { SecureBucket } from '../components/secure-bucket.js';
import type { NamedQuerySource } from './sources.js';

/** Athena's pinned engine: Trino-based version 3 (the SQL files are written for it). */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

/** Prefix of the workgroup's query results inside the results bucket. */
export const RESULTS_PREFIX = 'athena/';

/** Days query results are kept: they are re-computable, and a dashboard reads them within minutes. */
export const RESULTS_EXPIRATION_DAYS = 30;

/** Athena's limits on named queries (CreateNamedQuery). */
export const NAMED_QUERY_LIMITS = { name: 128, description: 1024, sqlBytes: 262_144 } as const;

/** Athena's smallest `BytesScannedCutoffPerQuery` as the provider checks it (10 MiB; the API says 10 MB). */
export const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 * 1024;

/** Arguments of AnalyticsWorkgroup. */
export interface AnalyticsWorkgroupArgs {
  readonly account: pulumi.Input<AccountContext>;
  /** Key of the results bucket (SSE-KMS) and of the workgroup's result encryption. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Retention in days of the results bucket's access logs. */
  readonly logRetentionDays: pulumi.Input<number>;
  /** Keep the results bucket on delete, no force-destroy of the workgroup. */
  readonly deletionProtection: boolean;
  /** Physical name of the workgroup (shared with the query CLI). */
  readonly workgroupName: string;
  /** Most bytes one query may scan (at least MIN_BYTES_SCANNED_CUTOFF). */
  readonly bytesScannedCutoffPerQuery: number;
  /** Glue database the named queries run in (the curated database). */
  readonly database: pulumi.Input<string>;
  /** One Athena named query per entry. */
  readonly namedQueries: readonly NamedQuerySource[];
}

/** Checks the named queries against Athena's limits and for unique names; throws ArgumentError naming the query. */
export function checkNamedQueries(queries: readonly NamedQuerySource[]): void {
  const seen = new Set<string>();
  queries.forEach((q, i) => {
    const key = `namedQueries[${i}]`;
    if (!/^[A-Za-z0-9_.-]+$/.test(q.name) || q.name.length > NAMED_QUERY_LIMITS.name) {
      throw new ArgumentError(`${key}.name`, q.name, `1 to ${NAMED_QUERY_LIMITS.name} letters, digits, _ . - (also the resource name)`);
    }
    if (seen.has(q.name)) throw new ArgumentError(`${key}.name`, q.name, 'a name no other named query has');
    seen.add(q.name);
    if (q.description.length > NAMED_QUERY_LIMITS.description) {
      throw new ArgumentError(`${key}.description`, `${q.description.slice(0, 40)}...`, `at most ${NAMED_QUERY_LIMITS.description} characters`);
    }
    const bytes = Buffer.byteLength(q.sql, 'utf8');
    if (q.sql.trim() === '' || bytes > NAMED_QUERY_LIMITS.sqlBytes) {
      throw new ArgumentError(`${key}.sql`, `${bytes} bytes`, `1 to ${NAMED_QUERY_LIMITS.sqlBytes} bytes of SQL`);
    }
  });
}

/**
 * The Athena workgroup of the environment: its own results bucket (SecureBucket, SSE-KMS, results expire after
 * RESULTS_EXPIRATION_DAYS), enforced configuration (clients cannot change the output location, encryption or the
 * cutoff), engine version 3 pinned, a bytes-scanned cutoff per query, CloudWatch metrics on, requester-pays off,
 * and one named query per entry in the curated database.
 */
export class AnalyticsWorkgroup extends pulumi.ComponentResource {
  readonly results: SecureBucket;
  readonly workgroup: aws.athena.Workgroup;
  readonly namedQueries: Readonly<Record<string, aws.athena.NamedQuery>>;

  constructor(name: string, args: AnalyticsWorkgroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:analytics:AnalyticsWorkgroup', name, {}, opts);
    if (!Number.isInteger(args.bytesScannedCutoffPerQuery) || args.bytesScannedCutoffPerQuery < MIN_BYTES_SCANNED_CUTOFF) {
      throw new ArgumentError('bytesScannedCutoffPerQuery', args.bytesScannedCutoffPerQuery, `an integer of at least ${MIN_BYTES_SCANNED_CUTOFF} (10 MiB)`);
    }
    checkNamedQueries(args.namedQueries);
    const protect = args.deletionProtection;

    this.results = new SecureBucket(
      `${name}-results`,
      {
        kmsKeyArn: args.kmsKeyArn,
        account: args.account,
        accessLogRetentionDays: args.logRetentionDays,
        accessLogPrefix: 'results-bucket/',
        lifecycleRules: [
          {
            id: 'expire-results',
            status: 'Enabled',
            filter: { prefix: RESULTS_PREFIX },
            expiration: { days: RESULTS_EXPIRATION_DAYS },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
          },
        ],
        deletionProtection: protect,
      },
      { parent: this },
    );

    this.workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        name: args.workgroupName,
        description: 'sensorlake analytics: named queries over the curated lake, results encrypted in their own bucket',
        state: 'ENABLED',
        forceDestroy: !protect,
        configuration: {
          enforceWorkgroupConfiguration: true,
          engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
          bytesScannedCutoffPerQuery: args.bytesScannedCutoffPerQuery,
          publishCloudwatchMetricsEnabled: true,
          requesterPaysEnabled: false,
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${this.results.bucket.bucket}/${RESULTS_PREFIX}`,
            encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: args.kmsKeyArn },
            expectedBucketOwner: pulumi.output(args.account).apply((a) => a.accountId),
          },
        },
      },
      { parent: this },
    );

    const queries: Record<string, aws.athena.NamedQuery> = {};
    for (const q of args.namedQueries) {
      queries[q.name] = new aws.athena.NamedQuery(
        `${name}-query-${q.name}`,
        { name: q.name, description: q.description, database: args.database, query: q.sql, workgroup: this.workgroup.name },
        { parent: this },
      );
    }
    this.namedQueries = queries;

    this.registerOutputs({ workgroupName: this.workgroup.name, resultsBucketName: this.results.bucket.bucket });
  }

  /** ARN of the workgroup. */
  get arn(): pulumi.Output<string> {
    return this.workgroup.arn;
  }
}
