import { CURATED_QUARANTINE, CURATED_TELEMETRY, LANDING_HISTORICAL, RAW_DATABASE, RAW_HISTORICAL, RAW_TELEMETRY, type TableDefinition } from './tables.js';

/**
 * The lake's ETL jobs, defined once: which tables each reads (and under which view name its SQL sees them), which
 * SQL file it runs, and which tables it writes. The lake stack makes Glue jobs from these objects (the PySpark
 * scripts in etl/jobs/ register the inputs as views, run the SQL with spark.sql and write the outputs); the twin's
 * job runner does the same with DuckDB, with the same SQL files.
 */

/** An input of a job: a table, or the external database over JDBC, seen by the SQL as `view`. */
export interface JobInput {
  /** Name of the temporary view the SQL reads. */
  readonly view: string;
  /** The table read; `jdbc` reads the external database's readings table through the Glue connection. */
  readonly source: TableDefinition | 'jdbc';
}

/** An output of a job: the rows of one SQL file, written to a table. */
export interface JobOutput {
  /** SQL file under etl/sql/ whose SELECT produces the rows. */
  readonly sql: string;
  readonly table: TableDefinition;
}

/** One ETL job. */
export interface JobDefinition {
  /** Logical name, also the suffix of the Glue job name and the `npm run etl -- <job>` argument. */
  readonly name: 'import-historical' | 'import-db' | 'curate';
  readonly description: string;
  /** PySpark entry point under etl/jobs/. */
  readonly script: string;
  readonly inputs: readonly JobInput[];
  readonly outputs: readonly JobOutput[];
}

/** Every job, in pipeline order. */
export const LAKE_JOBS: readonly JobDefinition[] = [
  {
    name: 'import-historical',
    description: 'Historical CSV drops to the raw zone, values kept as found, with their file and row',
    script: 'import_historical.py',
    inputs: [{ view: 'landing_historical', source: LANDING_HISTORICAL }],
    outputs: [{ sql: 'import_historical.sql', table: RAW_HISTORICAL }],
  },
  {
    name: 'import-db',
    description: 'The external database readings table to the raw zone over the JDBC connection',
    script: 'import_db.py',
    inputs: [{ view: 'source_readings', source: 'jdbc' }],
    outputs: [{ sql: 'import_db.sql', table: RAW_DATABASE }],
  },
  {
    name: 'curate',
    description: 'Raw telemetry, historical and database rows to one clean, deduplicated, Celsius dataset; refusals quarantined',
    script: 'curate.py',
    inputs: [
      { view: 'raw_telemetry', source: RAW_TELEMETRY },
      { view: 'raw_historical', source: RAW_HISTORICAL },
      { view: 'raw_database', source: RAW_DATABASE },
      { view: 'curated_existing', source: CURATED_TELEMETRY },
    ],
    outputs: [
      { sql: 'curate_telemetry.sql', table: CURATED_TELEMETRY },
      { sql: 'curate_quarantine.sql', table: CURATED_QUARANTINE },
    ],
  },
];

/** Names of the jobs. */
export type JobName = JobDefinition['name'];
