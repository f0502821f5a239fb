import { DEVICE_ID_PATTERN, ROOM_ID_PATTERN } from '../ids.js';
import { PROFILES, PROFILE_NAMES, RANGES } from '../ingestion/profiles.js';
import { InvalidValueError } from '../errors.js';
import { RCF_SETTINGS } from '../analytics/rcf/settings.js';
import { THRESHOLD_SIGMA_FACTOR } from '../analytics/rcf/threshold.js';
import {
  CURATED_ANOMALIES,
  CURATED_QUARANTINE,
  CURATED_TELEMETRY,
  LANDING_HISTORICAL,
  RAW_DATABASE,
  RAW_HISTORICAL,
  RAW_TELEMETRY,
  RCF_FEATURE_COLUMNS,
  RCF_SCORES,
  RCF_TRAINING,
  RCF_TRANSFORM_INPUT,
  type TableDefinition,
} from './tables.js';

/**
 * The lake's ETL jobs, defined once: which tables each reads (and under which view name its SQL sees them), which
 * SQL files it runs, and which tables it writes. The lake stack makes Glue jobs from these objects (the PySpark
 * scripts in etl/jobs/ register the inputs as views, run the SQL with spark.sql and write the outputs); the twin's
 * job runner does the same with DuckDB, with the same SQL files.
 */

/**
 * Columns the runner (twin) or the script (Glue) adds to an input view before any SQL runs, because the engines
 * name them differently or, for Spark, not at all.
 */
export const ADDED_COLUMNS = {
  source_file: 'key of the object the row was read from, relative to its bucket (Spark: input_file_name() without the s3://bucket/ part)',
  source_row: '1-based row number of the row in that object (Spark has no per-file row number: the script reads each object on its own and numbers its rows)',
  original: "the row as a struct of the view's columns (Spark: struct(*); DuckDB: the row itself), made JSON by the SQL only where it keeps it",
} as const;
export type AddedColumn = keyof typeof ADDED_COLUMNS;

/**
 * An input of a job: a table, or the external database over JDBC, seen by the SQL as `view`.
 * `records` inputs are the rows the job accounts for (every one ends written, quarantined or a duplicate);
 * `reference` inputs are only compared against (the rows already curated or quarantined by earlier runs).
 */
export interface JobInput {
  /** Name of the temporary view the SQL reads. */
  readonly view: string;
  /** The table read; `jdbc` reads the external database's readings table through the Glue connection. */
  readonly source: TableDefinition | 'jdbc';
  readonly role: 'records' | 'reference';
  /** Columns added to the view before the SQL runs (ADDED_COLUMNS). */
  readonly addColumns?: readonly AddedColumn[];
  /**
   * Read the objects under the table's location (partition folders from their names) instead of the catalog's
   * partitions: for files another service writes and nobody registers (the batch transform's output).
   */
  readonly byLocation?: boolean;
}

/** An intermediate step: the SELECT of `sql`, registered as the view `view` for the later SQL files. */
export interface JobStage {
  readonly sql: string;
  readonly view: string;
}

/** An output of a job: the rows of one SQL file, written to a table. */
export interface JobOutput {
  /** SQL file under etl/sql/ whose SELECT produces the rows (its columns, then the partition keys it sets). */
  readonly sql: string;
  readonly table: TableDefinition;
  /**
   * A partition key the SQL does not produce: the writer sets it to the UTC date of the run (the import date of
   * the raw imports, the curate date of the quarantine).
   */
  readonly runDatePartition?: string;
  /**
   * `replace`: each partition the run writes is replaced by this run's rows alone (the RCF data and scores of a
   * room are those of the latest run). Default: compacted with the rows already there when the job reads the table
   * back as a reference, else appended to.
   */
  readonly mode?: 'replace';
}

/** A value a SQL file can refer to: a number, a string, or a list of strings (for `IN ('{{name}}')`). */
export type SqlParameter = number | string | readonly string[];

/** One ETL job. */
export interface JobDefinition {
  /** Logical name, also the suffix of the Glue job name and the `npm run etl -- <job>` argument. */
  readonly name: 'import-historical' | 'import-db' | 'curate' | 'prepare-rcf' | 'load-anomalies';
  readonly description: string;
  /** PySpark entry point under etl/jobs/. */
  readonly script: string;
  readonly inputs: readonly JobInput[];
  /** Steps run in order after the inputs are registered, before the outputs. */
  readonly stages: readonly JobStage[];
  readonly outputs: readonly JobOutput[];
  /**
   * Values the SQL files refer to as the string literal `'{{name}}'`; `renderSql` puts each in before the SQL runs
   * (both runtimes: the stack uploads the rendered SQL), so a limit is written once, in core/.
   */
  readonly parameters: Readonly<Record<string, SqlParameter>>;
}

/**
 * Why curate refused a row (the quarantine's `reason`). Checked in this order; the first that applies is the one
 * reported, with a detail naming the field and the value.
 */
export const CURATE_REASONS = ['missing-field', 'wrong-type', 'bad-timestamp', 'out-of-range'] as const;
export type CurateReason = (typeof CURATE_REASONS)[number];

/**
 * Kinds of duplicate curate counts: the same record twice in one run (`in-run`), a record curated by an earlier run
 * (`already-curated`, same `record_key`), a refused row quarantined by an earlier run (`already-quarantined`, same
 * `row_key`).
 */
export const DUPLICATE_KINDS = ['in-run', 'already-curated', 'already-quarantined'] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

/**
 * The parameters of the curate SQL, each from its one definition: the sensors' physical ranges, the id patterns, and
 * the payload profiles whose readings are identified by device, seq and event time (their seq restarts with the
 * sender), as the processor's `dedupeKey`.
 */
export const CURATE_PARAMETERS: Readonly<Record<string, SqlParameter>> = {
  temperature_min: RANGES.temperature.min,
  temperature_max: RANGES.temperature.max,
  humidity_min: RANGES.humidity.min,
  humidity_max: RANGES.humidity.max,
  pressure_min: RANGES.pressure.min,
  pressure_max: RANGES.pressure.max,
  device_id_pattern: DEVICE_ID_PATTERN.source,
  room_id_pattern: ROOM_ID_PATTERN.source,
  seq_and_time_profiles: PROFILE_NAMES.filter((name) => PROFILES[name].dedupe === 'seq-and-time'),
};

/**
 * The shingle size the RCF SQL writes (rcf_points.sql has one column per shingle row): RCF_SETTINGS' size, which
 * must be RCF_FEATURE_COLUMNS' count, so a changed setting cannot silently train on other points than the twin's.
 */
function rcfShingleSize(): number {
  if (RCF_SETTINGS.featureDim !== 1 || RCF_SETTINGS.shingleSize !== RCF_FEATURE_COLUMNS.length) {
    throw new InvalidValueError(
      'shingleSize',
      RCF_SETTINGS.shingleSize,
      `${RCF_FEATURE_COLUMNS.length} with one feature (the columns of rcf_points.sql and RCF_FEATURE_COLUMNS)`,
      'RCF settings',
    );
  }
  return RCF_SETTINGS.shingleSize;
}

/** Every job, in pipeline order. */
export const LAKE_JOBS: readonly JobDefinition[] = [
  {
    name: 'import-historical',
    description: 'Historical CSV drops to the raw zone, values kept as found, with their file and row',
    script: 'import_historical.py',
    inputs: [{ view: 'landing_historical', source: LANDING_HISTORICAL, role: 'records', addColumns: ['source_file', 'source_row'] }],
    stages: [],
    outputs: [{ sql: 'import_historical.sql', table: RAW_HISTORICAL, runDatePartition: 'dt' }],
    parameters: {},
  },
  {
    name: 'import-db',
    description: 'The external database readings table to the raw zone over the JDBC connection',
    script: 'import_db.py',
    inputs: [{ view: 'source_readings', source: 'jdbc', role: 'records' }],
    stages: [],
    outputs: [{ sql: 'import_db.sql', table: RAW_DATABASE, runDatePartition: 'dt' }],
    parameters: {},
  },
  {
    name: 'curate',
    description: 'Raw telemetry, historical and database rows to one clean, deduplicated, Celsius dataset; refusals quarantined',
    script: 'curate.py',
    inputs: [
      { view: 'raw_telemetry', source: RAW_TELEMETRY, role: 'records', addColumns: ['original'] },
      { view: 'raw_historical', source: RAW_HISTORICAL, role: 'records', addColumns: ['original'] },
      { view: 'raw_database', source: RAW_DATABASE, role: 'records', addColumns: ['original'] },
      { view: 'curated_existing', source: CURATED_TELEMETRY, role: 'reference' },
      { view: 'quarantine_existing', source: CURATED_QUARANTINE, role: 'reference' },
    ],
    stages: [
      { sql: 'curate_keyed.sql', view: 'curate_keyed' },
      { sql: 'curate_staged.sql', view: 'curate_staged' },
    ],
    outputs: [
      { sql: 'curate_telemetry.sql', table: CURATED_TELEMETRY },
      { sql: 'curate_quarantine.sql', table: CURATED_QUARANTINE, runDatePartition: 'date' },
    ],
    parameters: CURATE_PARAMETERS,
  },
  {
    name: 'prepare-rcf',
    description: 'Curated temperatures to the per-room RCF training points and batch transform input (headerless CSV, shingled per device)',
    script: 'prepare_rcf.py',
    inputs: [{ view: 'curated_telemetry', source: CURATED_TELEMETRY, role: 'reference' }],
    stages: [{ sql: 'rcf_points.sql', view: 'rcf_points' }],
    outputs: [
      { sql: 'rcf_training.sql', table: RCF_TRAINING, mode: 'replace' },
      { sql: 'rcf_transform_input.sql', table: RCF_TRANSFORM_INPUT, mode: 'replace' },
    ],
    parameters: { shingle_size: rcfShingleSize() },
  },
  {
    name: 'load-anomalies',
    description: 'The batch transforms\' new scores to curated.anomalies, judged by each room\'s threshold (mean + 3 std of its scores)',
    script: 'load_anomalies.py',
    inputs: [{ view: 'rcf_scores', source: RCF_SCORES, role: 'records', byLocation: true }],
    stages: [],
    outputs: [{ sql: 'rcf_anomalies.sql', table: CURATED_ANOMALIES, mode: 'replace' }],
    parameters: { sigma_factor: THRESHOLD_SIGMA_FACTOR },
  },
];

/** Names of the jobs. */
export type JobName = JobDefinition['name'];

/** Names of the jobs, in pipeline order. */
export const JOB_NAMES: readonly JobName[] = LAKE_JOBS.map((job) => job.name);

/** Finds a job by name; throws naming the value and the known names when there is none. */
export function lakeJob(name: string): JobDefinition {
  const job = LAKE_JOBS.find((j) => j.name === name);
  if (job === undefined) throw new InvalidValueError('job', name, `one of ${JOB_NAMES.join(', ')}`, 'lake job');
  return job;
}

function sqlLiteral(value: SqlParameter): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  // An empty list is NULL, which IN (...) matches with no value.
  return value.length === 0 ? 'NULL' : value.map((v) => sqlLiteral(v)).join(', ');
}

/**
 * Puts the job's parameters into a SQL file: each string literal `'{{name}}'` becomes the value (a number bare, a
 * string quoted, a list as its strings quoted and separated by commas). A placeholder without a parameter is an error naming it, so a typo cannot run as a literal.
 */
export function renderSql(sql: string, parameters: Readonly<Record<string, SqlParameter>>, file = 'SQL'): string {
  return sql.replace(/'\{\{([A-Za-z0-9_]+)\}\}'/g, (_match, name: string) => {
    const value = parameters[name];
    if (value === undefined) {
      throw new InvalidValueError('placeholder', name, `one of ${Object.keys(parameters).join(', ') || '(no parameters)'}`, `${file} parameter`);
    }
    return sqlLiteral(value);
  });
}
