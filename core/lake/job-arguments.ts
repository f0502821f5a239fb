import type { JobDefinition } from './jobs.js';
import type { TableDefinition } from './tables.js';

/**
 * The arguments a lake job gets, named once for the Glue job (infra), the PySpark script (etl/jobs, which reads
 * them with getResolvedOptions) and the twin's runner. Pure: built from resolved names and locations.
 */

/** Where everything a job touches is, resolved. */
export interface JobLocations {
  /** Glue database name of a table's database. */
  databaseName(table: TableDefinition): string;
  /** `s3://bucket/prefix` of a table. */
  tableLocation(table: TableDefinition): string;
  /** `s3://...` of an SQL file of etl/sql/. */
  sqlLocation(file: string): string;
}

/** The argument naming a table as `<database>_<table>`, the suffix of the per-table arguments. */
export function tableArgumentSuffix(table: TableDefinition): string {
  return `${table.database}_${table.name}`;
}

/**
 * A job's own arguments, without the leading `--`: for each input view `input_<view>` (the catalog table
 * `db.table`, or `jdbc`), for each output `sql_<db>_<table>` (the SQL file) and `output_<db>_<table>` (the table
 * location), and `output_tables` (the `<db>_<table>` suffixes, comma-separated, in output order).
 */
export function jobArguments(job: JobDefinition, at: JobLocations): Record<string, string> {
  const args: Record<string, string> = {};
  for (const input of job.inputs) {
    args[`input_${input.view}`] = input.source === 'jdbc' ? 'jdbc' : `${at.databaseName(input.source)}.${input.source.name}`;
  }
  for (const output of job.outputs) {
    const suffix = tableArgumentSuffix(output.table);
    args[`sql_${suffix}`] = at.sqlLocation(output.sql);
    args[`output_${suffix}`] = at.tableLocation(output.table);
  }
  args['output_tables'] = job.outputs.map((o) => tableArgumentSuffix(o.table)).join(',');
  return args;
}
