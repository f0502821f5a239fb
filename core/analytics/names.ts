import { glueDatabaseName, type LakeDatabase } from '../lake/tables.js';

/**
 * Names of the analytics layer's resources that another runtime must find without a stack reference: the query
 * CLI runs in the workgroup the analytics stack creates, and both name it with this function.
 */

/** The Athena workgroup of an environment: `<project>-<env>`, e.g. `sensorlake-dev`. */
export function athenaWorkgroupName(project: string, env: string): string {
  return `${project}-${env}`;
}

/** How a runtime names the lake's databases in SQL: the Glue database in Athena, a schema of the twin's DuckDB. */
export type DatabaseNaming = (database: LakeDatabase) => string;

/** Athena's naming: the Glue databases of the lake stack, `<project>_<env>_<database>`. */
export function athenaDatabaseNaming(project: string, env: string): DatabaseNaming {
  return (database) => glueDatabaseName(project, env, database);
}

/** The twin's naming: one DuckDB schema per lake database, named like the database (`curated.telemetry`). */
export const LOCAL_DATABASE_NAMING: DatabaseNaming = (database) => database;
