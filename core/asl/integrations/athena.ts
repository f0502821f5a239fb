import type { TaskStatement } from '../statements.js';
import { Task } from '../states/task.js';
import { derivedArn, integrationArn, type IntegrationTaskProps } from './common.js';

/** What an Athena query reads and where its workgroup writes, the statements' resources. */
export interface AthenaQueryAccess {
  /** The workgroup's ARN (`arn:aws:athena:<region>:<account>:workgroup/<name>`). */
  readonly workgroupArn: unknown;
  /** The bucket the workgroup writes results to (`arn:aws:s3:::<name>`). */
  readonly resultsBucketArn: unknown;
  /** `<results bucket ARN>/*`; derived from resultsBucketArn when it is a string. */
  readonly resultsObjectsArn?: unknown;
  /** KMS keys of the results (and, for the query, of the data read): kms:Decrypt and kms:GenerateDataKey. Default none. */
  readonly keyArns?: readonly unknown[];
}

/** A query started in a workgroup and waited for. */
export interface AthenaStartQueryExecutionProps extends IntegrationTaskProps, AthenaQueryAccess {
  /** The SQL, as Athena runs it. */
  readonly queryString: string;
  /** The workgroup's name (its enforced configuration gives the output location and encryption). */
  readonly workGroup: unknown;
  /** The database unqualified table names resolve in (QueryExecutionContext.Database). Default none. */
  readonly database?: unknown;
  /**
   * A path or intrinsic giving the values of the query's `?`, in order (ExecutionParameters: each a SQL literal,
   * text in single quotes). Default none.
   */
  readonly executionParametersPath?: string;
  /** The Glue Data Catalog's ARN (`datacatalog/AwsDataCatalog`); derived from workgroupArn when it is a string. */
  readonly dataCatalogArn?: unknown;
  /** Glue resources the query reads: the catalog, the database and table ARNs (glue:GetDatabase, GetTable, GetPartitions). */
  readonly glueArns: readonly unknown[];
  /** Buckets the query reads data from (`arn:aws:s3:::<name>`): listed, and their objects read. */
  readonly dataBucketArns: readonly unknown[];
}

const objects = (bucketArn: unknown, option: string, given?: unknown) => derivedArn(option, bucketArn, given, (arn) => `${arn}/*`);

function keyStatements(keyArns: readonly unknown[] | undefined): TaskStatement[] {
  return keyArns === undefined || keyArns.length === 0 ? [] : [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArns }];
}

/**
 * Runs an Athena query and waits for it (`athena:startQueryExecution.sync`). Statements as the Step Functions
 * developer guide's "IAM policies for Amazon Athena" (StartQueryExecution, Run a Job): athena:StartQueryExecution,
 * StopQueryExecution, GetQueryExecution on the workgroup and GetDataCatalog on the catalog; the guide's Glue, S3 and
 * Lake Formation grants on `*` narrowed to what a read query needs: glue:GetDatabase, GetTable, GetPartitions on the
 * tables read, s3:GetBucketLocation and ListBucket on the buckets, GetObject on the data, and on the results
 * GetObject, PutObject, AbortMultipartUpload, ListMultipartUploadParts (Athena writes them as the caller); kms on
 * the keys given.
 */
export function athenaStartQueryExecution(name: string, props: AthenaStartQueryExecutionProps): Task {
  const { queryString, workGroup, database, executionParametersPath, workgroupArn, dataCatalogArn, glueArns, dataBucketArns, resultsBucketArn, resultsObjectsArn, keyArns, ...task } = props;
  const catalog = derivedArn('dataCatalogArn', workgroupArn, dataCatalogArn, (arn) => arn.replace(/:workgroup\/.*$/, ':datacatalog/AwsDataCatalog'));
  return new Task(name, {
    ...task,
    resource: integrationArn('athena', 'startQueryExecution', '.sync'),
    parameters: {
      QueryString: queryString,
      WorkGroup: workGroup,
      ...(database === undefined ? {} : { QueryExecutionContext: { Database: database } }),
      ...(executionParametersPath === undefined ? {} : { 'ExecutionParameters.$': executionParametersPath }),
    },
    statements: [
      { Effect: 'Allow', Action: ['athena:GetQueryExecution', 'athena:StartQueryExecution', 'athena:StopQueryExecution'], Resource: [workgroupArn] },
      { Effect: 'Allow', Action: ['athena:GetDataCatalog'], Resource: [catalog] },
      { Effect: 'Allow', Action: ['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable'], Resource: glueArns },
      { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: [...dataBucketArns, resultsBucketArn] },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: dataBucketArns.map((b, i) => objects(b, `dataBucketArns[${i}]`)) },
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: [objects(resultsBucketArn, 'resultsObjectsArn', resultsObjectsArn)],
      },
      ...keyStatements(keyArns),
    ],
  });
}

/** The results of a query, read back. */
export interface AthenaGetQueryResultsProps extends IntegrationTaskProps, AthenaQueryAccess {
  /** The path of the query execution id in the input (`$.query.id`). */
  readonly queryExecutionIdPath: string;
  /** Rows per call, 1 to 1000 (the first row of the first page is the header). Default Athena's 1000. */
  readonly maxResults?: number;
}

/**
 * Reads a query's results (`athena:getQueryResults`): athena:GetQueryResults on the workgroup (Step Functions
 * developer guide, "IAM policies for Amazon Athena", GetQueryResults), and s3:GetObject on the results location,
 * which GetQueryResults reads as the caller (Athena API reference, GetQueryResults); kms:Decrypt on the keys given.
 */
export function athenaGetQueryResults(name: string, props: AthenaGetQueryResultsProps): Task {
  const { queryExecutionIdPath, maxResults, workgroupArn, resultsBucketArn, resultsObjectsArn, keyArns, ...task } = props;
  return new Task(name, {
    ...task,
    resource: integrationArn('athena', 'getQueryResults'),
    parameters: { 'QueryExecutionId.$': queryExecutionIdPath, ...(maxResults === undefined ? {} : { MaxResults: maxResults }) },
    statements: [
      { Effect: 'Allow', Action: ['athena:GetQueryResults'], Resource: [workgroupArn] },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [objects(resultsBucketArn, 'resultsObjectsArn', resultsObjectsArn)] },
      ...(keyArns === undefined || keyArns.length === 0 ? [] : [{ Effect: 'Allow' as const, Action: ['kms:Decrypt'], Resource: keyArns }]),
    ],
  });
}
