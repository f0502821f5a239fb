import { InvalidValueError } from '../errors.js';
import type { AddedColumn, JobDefinition } from './jobs.js';
import { FORMATS } from './formats.js';
import { COLUMN_TYPES, LAKE_TABLES, SOURCE_DATABASE_TABLE, type LakeDatabase, type LakeZone, type TableDefinition } from './tables.js';

/**
 * The arguments of the Glue jobs, made from the job definitions (core/lake/jobs.ts) so that the PySpark scripts in
 * etl/jobs/ read their inputs, SQL files and outputs from the one definition. etl/jobs/sensorlake_etl.py documents
 * and validates the same format; etl/python.test.ts runs the scripts (under stub Glue and Spark modules) with the
 * arguments this module makes.
 */

/** Folder of the scripts bucket holding the job scripts and the shared module (the repository's etl/jobs/). */
export const ETL_JOBS_PREFIX = 'etl/jobs/';
/**
 * Folder of the scripts bucket holding the SQL files, rendered with their job's parameters (renderSql): the
 * object `etl/sql/<job>/<file>` is the text the twin's DuckDB runs for that job, so the scripts run no template.
 */
export const ETL_SQL_PREFIX = 'etl/sql/';
/** The module every script imports, shipped with `--extra-py-files`. */
export const ETL_SHARED_MODULE = 'sensorlake_etl.py';

/** Glue JDBC connection types, one per URL form the lake stack accepts. */
export const JDBC_CONNECTION_TYPES = ['postgresql', 'sqlserver', 'mysql', 'oracle'] as const;
export type JdbcConnectionType = (typeof JDBC_CONNECTION_TYPES)[number];

/** Rows a job writes into one Parquet file at most; a partition gets more than one file only beyond this. */
export const MAX_RECORDS_PER_FILE = 1_000_000;

/** Primary key of the source readings table: the import-db job's bookmark key (rows after the last run's maximum). */
export const SOURCE_BOOKMARK_KEY = 'reading_id';

/** Where things are in one environment (what the lake stack knows once its buckets, databases and connection exist). */
export interface GlueJobEnvironment {
  /** `s3://bucket/` of the scripts bucket. */
  readonly scriptsBucketUrl: string;
  /** `s3://bucket/` of the bucket holding a zone. */
  readonly zoneBucketUrl: (zone: LakeZone) => string;
  /** Physical Glue database name of a lake database. */
  readonly databaseName: (database: LakeDatabase) => string;
  /** The Glue connection to the external database. */
  readonly jdbc: { readonly connectionName: string; readonly connectionType: JdbcConnectionType };
}

/**
 * One input as the scripts read it (`--inputs`). `bookmark` is true for a `records` input (each row read once
 * across runs) and false for a `reference` input (read whole every run); `add_columns` are the job's ADDED_COLUMNS.
 */
export type GlueJobInput =
  | {
      readonly view: string;
      readonly database: string;
      readonly table: string;
      readonly bookmark: boolean;
      readonly add_columns: readonly AddedColumn[];
    }
  | {
      readonly view: string;
      readonly connection_type: JdbcConnectionType;
      readonly connection_name: string;
      readonly dbtable: string;
      readonly bookmark_keys: readonly string[];
      readonly bookmark: boolean;
      readonly add_columns: readonly AddedColumn[];
    }
  | {
      readonly view: string;
      /** The table's location (`s3://bucket/prefix/`), read object by object with partition folders as columns. */
      readonly path: string;
      readonly format: 'csv';
      /** The columns of each headerless line, in order, with their Spark SQL types. */
      readonly columns: readonly (readonly [string, string])[];
      readonly partition_keys: readonly string[];
      readonly bookmark: boolean;
      readonly add_columns: readonly AddedColumn[];
    };

/** One stage as the scripts run it (`--stages`): the rendered SQL registered as the view, materialised once. */
export interface GlueJobStage {
  readonly view: string;
  readonly sql_path: string;
}

/** One output as the scripts write it (`--outputs`). */
export interface GlueJobOutput {
  /** The rendered SQL file (ETL_SQL_PREFIX). */
  readonly sql_path: string;
  readonly path: string;
  readonly database: string;
  readonly table: string;
  readonly partition_keys: readonly string[];
  /**
   * `overwrite_partitions`: the rows already in each partition the run writes (from the reference view
   * `existing_view`) and the new rows are rewritten together, replacing the partition (the twin's compaction);
   * `append` adds files.
   */
  readonly mode: 'overwrite_partitions' | 'append' | 'replace_partitions';
  /** `parquet`, or `csv` (headerless, for SageMaker). */
  readonly format: 'parquet' | 'csv';
  /** Whether each partition written is added to the catalog table (false for files only SageMaker reads). */
  readonly register_partitions: boolean;
  /** The reference input holding the table's current rows; set exactly when the mode is `overwrite_partitions`. */
  readonly existing_view: string | null;
  /** The partition key the script sets to the run's UTC date (JobOutput.runDatePartition), or null. */
  readonly run_date_partition: string | null;
  readonly max_records_per_file: number;
}

function bucketUrl(url: string, key: string): string {
  if (!/^s3:\/\/[^/]+\/$/.test(url)) throw new InvalidValueError(key, url, 'an s3://bucket/ URL ending with /', 'Glue job environment');
  return url;
}

/** S3 URL of a table's folder. */
export function tableLocation(table: TableDefinition, env: GlueJobEnvironment): string {
  return `${bucketUrl(env.zoneBucketUrl(table.zone), `zoneBucketUrl(${table.zone})`)}${table.prefix}`;
}

/** S3 URL of a job's script (the Glue job's `command.scriptLocation`). */
export function glueScriptLocation(job: JobDefinition, env: GlueJobEnvironment): string {
  return `${bucketUrl(env.scriptsBucketUrl, 'scriptsBucketUrl')}${ETL_JOBS_PREFIX}${job.script}`;
}

/** Key, in the scripts bucket, of a job's SQL file rendered with the job's parameters. */
export function renderedSqlKey(job: JobDefinition, file: string): string {
  return `${ETL_SQL_PREFIX}${job.name}/${file}`;
}

/** The Spark SQL type of a column type (the catalog's names are Spark's). */
function sparkType(type: keyof typeof COLUMN_TYPES): string {
  return COLUMN_TYPES[type].glue;
}

/** The writer's format of a table: Parquet, or headerless CSV. */
function outputFormat(table: TableDefinition): 'parquet' | 'csv' {
  if (table.format === 'parquet') return 'parquet';
  if (table.format === 'csv-headerless') return 'csv';
  throw new InvalidValueError('format', table.format, "parquet or csv-headerless (the formats a job writes)", `output table ${table.database}.${table.name}`);
}

/** The `--inputs` of a job: `records` inputs bookmarked, `reference` inputs read whole. */
export function glueJobInputs(job: JobDefinition, env: GlueJobEnvironment): GlueJobInput[] {
  return job.inputs.map(({ view, source, role, addColumns = [], byLocation = false }) => {
    const bookmark = role === 'records';
    const add_columns = [...addColumns];
    if (byLocation && source !== 'jdbc') {
      if (FORMATS[source.format].duckdb.reader !== 'read_csv' || FORMATS[source.format].duckdb.options.header !== 'false') {
        throw new InvalidValueError('format', source.format, 'a headerless CSV format (inputs read by location)', `input ${view}`);
      }
      return {
        view,
        path: tableLocation(source, env),
        format: 'csv',
        columns: source.columns.map((c) => [c.name, sparkType(c.type)] as const),
        partition_keys: source.partitionKeys.map((k) => k.name),
        bookmark,
        add_columns,
      };
    }
    return source === 'jdbc'
      ? {
          view,
          connection_type: env.jdbc.connectionType,
          connection_name: env.jdbc.connectionName,
          dbtable: `${SOURCE_DATABASE_TABLE.schema}.${SOURCE_DATABASE_TABLE.table}`,
          bookmark_keys: [SOURCE_BOOKMARK_KEY],
          bookmark,
          add_columns,
        }
      : { view, database: env.databaseName(source.database), table: source.name, bookmark, add_columns };
  });
}

/** The `--stages` of a job, in order. */
export function glueJobStages(job: JobDefinition, env: GlueJobEnvironment): GlueJobStage[] {
  const scripts = bucketUrl(env.scriptsBucketUrl, 'scriptsBucketUrl');
  return job.stages.map(({ sql, view }) => ({ view, sql_path: `${scripts}${renderedSqlKey(job, sql)}` }));
}

/**
 * The `--outputs` of a job. A table the job also reads as a `reference` input is rewritten partition by
 * partition, old rows with new (the twin's writer compacts every partition a run adds to the same way); a table
 * without such an input is appended to: each run's rows are new rows (the bookmarks read each input row once),
 * one file per partition per run.
 */
export function glueJobOutputs(job: JobDefinition, env: GlueJobEnvironment): GlueJobOutput[] {
  const scripts = bucketUrl(env.scriptsBucketUrl, 'scriptsBucketUrl');
  return job.outputs.map(({ sql, table, runDatePartition, mode }) => {
    const existing = mode === 'replace' ? undefined : job.inputs.find((i) => i.source === table && i.role === 'reference');
    return {
      sql_path: `${scripts}${renderedSqlKey(job, sql)}`,
      path: tableLocation(table, env),
      database: env.databaseName(table.database),
      table: table.name,
      partition_keys: table.partitionKeys.map((k) => k.name),
      mode: mode === 'replace' ? 'replace_partitions' : existing === undefined ? 'append' : 'overwrite_partitions',
      format: outputFormat(table),
      register_partitions: LAKE_TABLES.includes(table),
      existing_view: existing?.view ?? null,
      run_date_partition: runDatePartition ?? null,
      max_records_per_file: MAX_RECORDS_PER_FILE,
    };
  });
}

/**
 * The Glue job's default arguments: what the script reads (`--inputs`, `--stages`, `--outputs`), the shared module
 * (`--extra-py-files`), the Data Catalog as Spark's metastore (the scripts register partitions with ALTER TABLE)
 * and job bookmarks (the inputs marked `bookmark`). The stack adds its own (metrics, logging, temp dir).
 */
export function glueJobArguments(job: JobDefinition, env: GlueJobEnvironment): Record<string, string> {
  return {
    '--inputs': JSON.stringify(glueJobInputs(job, env)),
    '--stages': JSON.stringify(glueJobStages(job, env)),
    '--outputs': JSON.stringify(glueJobOutputs(job, env)),
    '--extra-py-files': `${bucketUrl(env.scriptsBucketUrl, 'scriptsBucketUrl')}${ETL_JOBS_PREFIX}${ETL_SHARED_MODULE}`,
    '--enable-glue-datacatalog': 'true',
    '--job-bookmark-option': 'job-bookmark-enable',
  };
}
