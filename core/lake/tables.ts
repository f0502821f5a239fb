import { InvalidValueError } from '../errors.js';
import { RAW_ZONE, ZONES } from '../ingestion/definitions.js';
import { FORMATS, type StorageFormat } from './formats.js';

/**
 * The lake's zones and tables, defined once. The lake stack makes Glue databases and tables from these objects
 * (`glueTableParameters`, `glueColumns`); the local twin makes its DuckDB catalog from the very same objects, so a
 * column added here appears in both. Plain data: no Pulumi, no engine.
 */

/**
 * Where a table's files live: `landing` (the lake's landing bucket: historical CSV drops), `raw` (the ingestion
 * layer's raw bucket, plus the imports), `curated` (the lake's curated bucket).
 */
export const LAKE_ZONES = ['landing', 'raw', 'curated'] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/** Glue databases, one per zone that holds tables; the physical name is `<project>_<env>_<database>`. */
export const LAKE_DATABASES = ['raw', 'curated'] as const;
export type LakeDatabase = (typeof LAKE_DATABASES)[number];

/**
 * Physical Glue database name: `<project>_<env>_<database>` (Athena wants lower case and underscores). The lake
 * stack names its databases with it; the Athena side of the query CLI and the named queries resolve tables with it.
 */
export function glueDatabaseName(project: string, env: string, database: LakeDatabase): string {
  return `${project}_${env}_${database}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** Column types, with their name in the Glue catalog (Hive DDL) and in DuckDB. */
export const COLUMN_TYPES = {
  string: { glue: 'string', duckdb: 'VARCHAR' },
  bigint: { glue: 'bigint', duckdb: 'BIGINT' },
  double: { glue: 'double', duckdb: 'DOUBLE' },
  boolean: { glue: 'boolean', duckdb: 'BOOLEAN' },
  timestamp: { glue: 'timestamp', duckdb: 'TIMESTAMP' },
} as const;
export type ColumnType = keyof typeof COLUMN_TYPES;

/** One column of a table. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  /** One line for the catalog and the README. */
  readonly comment: string;
}

/**
 * Athena partition projection of a date partition key: Athena computes the partitions from the range instead of
 * reading them from the catalog, so a new day is queryable the moment its first object lands.
 */
export interface DateProjection {
  readonly type: 'date';
  /** Java date format of the folder value; the twin reads the same format. */
  readonly format: 'yyyy-MM-dd';
  /** Athena's range expression, e.g. `NOW-3YEARS,NOW+1DAYS`. */
  readonly range: string;
  readonly interval: 1;
  readonly unit: 'DAYS';
}

/** A lake table in both runtimes. */
export interface TableDefinition {
  /** Logical name, unique in its database (also the Glue table name). */
  readonly name: string;
  readonly database: LakeDatabase;
  readonly description: string;
  readonly zone: LakeZone;
  /** Folder of the table inside its zone's bucket, ending with `/`. */
  readonly prefix: string;
  readonly format: StorageFormat;
  readonly columns: readonly ColumnDefinition[];
  /** Hive-style partition folders `<key>=<value>/`, in folder order. */
  readonly partitionKeys: readonly ColumnDefinition[];
  /** Projection per partition key; a table is projected only when every partition key is. */
  readonly projection?: Readonly<Record<string, DateProjection>>;
}

const col = (name: string, type: ColumnType, comment: string): ColumnDefinition => ({ name, type, comment });

/** Days a projected date partition reaches back; older partitions are only reachable through the catalog. */
const PROJECTION_RANGE = 'NOW-5YEARS,NOW+1DAYS';

const dateProjection: DateProjection = { type: 'date', format: 'yyyy-MM-dd', range: PROJECTION_RANGE, interval: 1, unit: 'DAYS' };

const dt = col('dt', 'string', 'UTC date of the partition, YYYY-MM-DD');

/** Accepted telemetry as the Firehose processor writes it (core/ingestion TelemetryRecord), by event date. */
export const RAW_TELEMETRY: TableDefinition = {
  name: 'telemetry',
  database: 'raw',
  description: 'Accepted device readings, one canonical JSON record per message, partitioned by event date',
  zone: 'raw',
  prefix: `${ZONES.telemetry}/`,
  format: 'ndjson-gzip',
  columns: [
    col('device_id', 'string', 'device id (IoT thing name) from the topic'),
    col('room_id', 'string', 'room of the device; null when the payload shape has none'),
    col('ts', 'string', 'event time, ISO 8601 UTC with milliseconds'),
    col('seq', 'bigint', 'per-device sequence number; null when the payload shape has none'),
    col('temperature', 'double', 'degrees Celsius'),
    col('humidity', 'double', 'percent relative humidity'),
    col('pressure', 'double', 'hPa'),
    col('pitch', 'double', 'degrees (Sense HAT orientation)'),
    col('roll', 'double', 'degrees (Sense HAT orientation)'),
    col('yaw', 'double', 'degrees (Sense HAT orientation)'),
    col('profile', 'string', 'payload profile the message arrived in'),
    col('ingest_ts', 'string', 'broker receive time, ISO 8601 UTC'),
  ],
  partitionKeys: [dt],
  projection: { dt: dateProjection },
};

/** Historical room readings as the seed exports them (`timestamp,room_id,temperature`), dropped as CSV files. */
export const LANDING_HISTORICAL: TableDefinition = {
  name: 'historical_csv',
  database: 'raw',
  description: 'Historical room readings as dropped: CSV with a header, local time without zone (taken as UTC)',
  zone: 'landing',
  prefix: 'historical/',
  format: 'csv',
  columns: [
    col('timestamp', 'string', 'reading time, YYYY-MM-DD HH:MM:SS (UTC)'),
    col('room_id', 'string', 'room of the sensor'),
    col('temperature', 'string', 'degrees Celsius, as written in the file (validated by curate)'),
  ],
  partitionKeys: [],
};

const lineage = [
  col('source_file', 'string', 'object key the row was read from'),
  col('source_row', 'bigint', 'row number in that object (1 = first data row)'),
];

/** The historical CSV rows imported into the raw zone as typed-as-found Parquet, by import date. */
export const RAW_HISTORICAL: TableDefinition = {
  name: 'historical',
  database: 'raw',
  description: 'Historical CSV readings imported as found (values kept as text), with their file and row',
  zone: 'raw',
  prefix: 'historical/',
  format: 'parquet',
  columns: [...LANDING_HISTORICAL.columns, ...lineage],
  partitionKeys: [dt],
  projection: { dt: dateProjection },
};

/** Columns of the external database's readings table (the JDBC source), as import-db copies them. */
export const SOURCE_DATABASE_TABLE = {
  schema: 'public',
  table: 'sensor_readings',
} as const;

/** Rows of the external database imported into the raw zone as Parquet, by import date. */
export const RAW_DATABASE: TableDefinition = {
  name: 'database_readings',
  database: 'raw',
  description: `Rows of ${SOURCE_DATABASE_TABLE.schema}.${SOURCE_DATABASE_TABLE.table} of the external database, imported over JDBC`,
  zone: 'raw',
  prefix: `database/${SOURCE_DATABASE_TABLE.table}/`,
  format: 'parquet',
  columns: [
    col('reading_id', 'bigint', 'primary key in the source database'),
    col('mote_id', 'string', 'device id in the source database'),
    col('room_id', 'string', 'room of the device'),
    col('recorded_at', 'timestamp', 'reading time, UTC'),
    col('temperature_f', 'double', 'degrees Fahrenheit (the source database stores Fahrenheit)'),
    col('humidity', 'double', 'percent relative humidity'),
  ],
  partitionKeys: [dt],
  projection: { dt: dateProjection },
};

/** Where a curated reading came from. */
export const CURATED_SOURCES = ['fleet', 'historical', 'database'] as const;
export type CuratedSource = (typeof CURATED_SOURCES)[number];

/**
 * The one clean dataset: every valid reading from the three sources, deduplicated, in Celsius, partitioned by
 * room and date. Not projected: room ids are open-ended, and Athena only projects an open-ended key as
 * `injected`, which refuses every query without an equality filter on it (the per-room hourly query across all
 * rooms would fail). The curate job registers each partition it writes instead.
 */
export const CURATED_TELEMETRY: TableDefinition = {
  name: 'telemetry',
  database: 'curated',
  description: 'Valid, deduplicated readings of every source, Celsius, partitioned by room and UTC date',
  zone: 'curated',
  prefix: 'telemetry/',
  format: 'parquet',
  columns: [
    col('device_id', 'string', 'device id'),
    col('ts', 'timestamp', 'event time, UTC'),
    col('seq', 'bigint', 'per-device sequence number; null when the source has none'),
    col('temperature', 'double', 'degrees Celsius'),
    col('humidity', 'double', 'percent relative humidity; null when not measured'),
    col('pressure', 'double', 'hPa; null when not measured'),
    col('pitch', 'double', 'degrees; null when not measured'),
    col('roll', 'double', 'degrees; null when not measured'),
    col('yaw', 'double', 'degrees; null when not measured'),
    col('source', 'string', `one of ${CURATED_SOURCES.join(', ')}`),
    col('record_key', 'string', 'the deduplication key: device and seq, or device and event time'),
    col('ingest_ts', 'timestamp', 'when the reading entered the platform (broker receive time or import time)'),
  ],
  partitionKeys: [col('room_id', 'string', 'room of the reading'), col('date', 'string', 'UTC date of ts, YYYY-MM-DD')],
};

/** Rows the curate job refused, each with its reason, by the date of the curate run. */
export const CURATED_QUARANTINE: TableDefinition = {
  name: 'quarantine',
  database: 'curated',
  description: 'Rows refused by curate, each with its reason and the original row',
  zone: 'curated',
  prefix: 'quarantine/',
  format: 'parquet',
  columns: [
    col('source', 'string', `one of ${CURATED_SOURCES.join(', ')}`),
    col('reason', 'string', 'why the row was refused'),
    col('detail', 'string', 'the field and the value that broke the rule'),
    col('device_id', 'string', 'device id when known'),
    col('record_key', 'string', 'the deduplication key when it could be formed'),
    col('row_key', 'string', 'identity of the refused input row (its source position), so a re-run does not quarantine it twice'),
    col('original', 'string', 'the refused row as JSON'),
  ],
  partitionKeys: [col('date', 'string', 'UTC date of the curate run, YYYY-MM-DD')],
  projection: { date: dateProjection },
};

/**
 * Anomaly scores of curated readings, one row per scored reading, partitioned like the curated telemetry. The
 * pipeline's per-room scoring writes it (SageMaker batch transform in AWS, the TypeScript RCF in the twin); the
 * anomalies named query and the dashboard read it.
 */
export const CURATED_ANOMALIES: TableDefinition = {
  name: 'anomalies',
  database: 'curated',
  description: 'Random Cut Forest score of each curated reading, with the threshold it was judged by',
  zone: 'curated',
  prefix: 'anomalies/',
  format: 'parquet',
  columns: [
    col('device_id', 'string', 'device id'),
    col('ts', 'timestamp', 'event time of the reading, UTC'),
    col('value', 'double', 'the scored value (temperature, degrees Celsius)'),
    col('score', 'double', 'anomaly score (collusive displacement); higher is more anomalous'),
    col('threshold', 'double', "the model's calibrated threshold"),
    col('warm', 'boolean', 'false when the forest had not seen enough points yet: such a score is never flagged'),
    col('is_anomaly', 'boolean', 'warm and score above the threshold'),
    col('model_id', 'string', 'model that scored the reading'),
    col('scored_at', 'timestamp', 'when the score was computed'),
  ],
  partitionKeys: CURATED_TELEMETRY.partitionKeys,
};

/** The features of one RCF point: the shingle of RCF_SETTINGS.shingleSize temperatures, oldest first (rcf_points.sql). */
export const RCF_FEATURE_COLUMNS: readonly ColumnDefinition[] = [1, 2, 3, 4].map((i) => col(`f${i}`, 'double', `temperature ${i} of the shingle, oldest first (degrees Celsius)`));

const roomKey = col('room_id', 'string', 'room of the points (one model per room)');

const identifying = [
  col('device_id', 'string', 'device id'),
  col('ts', 'string', 'event time of the reading, as text (YYYY-MM-DD HH:MM:SS[.fff], UTC)'),
  col('value', 'double', 'the reading scored (temperature, degrees Celsius): the last feature'),
];

/**
 * The training data of SageMaker's built-in RCF, per room: the features only, CSV without header or label
 * (`text/csv;label_size=0`). Written by the prepare-rcf job; not a catalog table (nothing queries it), so files are
 * read and written by location.
 */
export const RCF_TRAINING: TableDefinition = {
  name: 'rcf_training',
  database: 'curated',
  description: 'RCF training points per room: the shingled temperatures, headerless CSV',
  zone: 'curated',
  prefix: 'rcf/training/',
  format: 'csv-headerless',
  columns: RCF_FEATURE_COLUMNS,
  partitionKeys: [roomKey],
};

/**
 * The batch transform input, per room: the identifying columns, then the features (the transform's InputFilter
 * passes only the features to the model). Written by the prepare-rcf job.
 */
export const RCF_TRANSFORM_INPUT: TableDefinition = {
  name: 'rcf_transform_input',
  database: 'curated',
  description: 'RCF points to score per room: device, time and value, then the features; headerless CSV',
  zone: 'curated',
  prefix: 'rcf/transform/',
  format: 'csv-headerless',
  columns: [...identifying, ...RCF_FEATURE_COLUMNS],
  partitionKeys: [roomKey],
};

/**
 * The batch transform output, per room and model: each input line followed by its score (JoinSource Input). Written
 * by SageMaker (`<input object>.out`), read by the load-anomalies job by location.
 */
export const RCF_SCORES: TableDefinition = {
  name: 'rcf_scores',
  database: 'curated',
  description: 'RCF batch transform output: the transform input line, then the score',
  zone: 'curated',
  prefix: 'rcf/scores/',
  format: 'transform-output',
  columns: [...identifying, ...RCF_FEATURE_COLUMNS, col('score', 'double', 'the model\'s anomaly score of the point')],
  partitionKeys: [roomKey, col('model_id', 'string', 'the SageMaker model (and transform job) that scored the points')],
};

/** Every table of the lake, in catalog order. */
export const LAKE_TABLES: readonly TableDefinition[] = [
  RAW_TELEMETRY,
  LANDING_HISTORICAL,
  RAW_HISTORICAL,
  RAW_DATABASE,
  CURATED_TELEMETRY,
  CURATED_QUARANTINE,
  CURATED_ANOMALIES,
];

/** Raw-zone prefixes that hold no table data; the raw crawler excludes them. */
export const RAW_CRAWLER_EXCLUSIONS: readonly string[] = [
  `${ZONES.quarantine}/**`,
  `${RAW_ZONE.errorOutputPrefix.split('/')[0]}/**`,
  `${RAW_ZONE.ruleErrorPrefix}**`,
  '_checkpoints/**',
  '**/_temporary/**',
];

/** True when Athena projects every partition of the table. */
export function isProjected(table: TableDefinition): boolean {
  return table.partitionKeys.length > 0 && table.partitionKeys.every((key) => table.projection?.[key.name] !== undefined);
}

/**
 * Table parameters of the Glue table: classification and format parameters, and for a projected table the
 * projection and the storage location template (`location` is the table's `s3://bucket/prefix`).
 */
export function glueTableParameters(table: TableDefinition, location: string): Record<string, string> {
  const format = FORMATS[table.format].glue;
  const parameters: Record<string, string> = {
    classification: format.classification,
    EXTERNAL: 'TRUE',
    ...format.tableParameters,
  };
  if (isProjected(table)) {
    parameters['projection.enabled'] = 'true';
    for (const key of table.partitionKeys) {
      const projection = table.projection?.[key.name] as DateProjection;
      parameters[`projection.${key.name}.type`] = projection.type;
      parameters[`projection.${key.name}.format`] = projection.format;
      parameters[`projection.${key.name}.range`] = projection.range;
      parameters[`projection.${key.name}.interval`] = String(projection.interval);
      parameters[`projection.${key.name}.interval.unit`] = projection.unit;
    }
    const folders = table.partitionKeys.map((key) => `${key.name}=\${${key.name}}/`).join('');
    parameters['storage.location.template'] = `${location.replace(/\/$/, '')}/${folders}`;
  }
  return parameters;
}

/** Columns as the Glue catalog takes them. */
export function glueColumns(columns: readonly ColumnDefinition[]): { name: string; type: string; comment: string }[] {
  return columns.map((c) => ({ name: c.name, type: COLUMN_TYPES[c.type].glue, comment: c.comment }));
}

/** Finds a table by database and name; throws naming both when there is none. */
export function lakeTable(database: LakeDatabase, name: string): TableDefinition {
  const table = LAKE_TABLES.find((t) => t.database === database && t.name === name);
  if (table === undefined) {
    const known = LAKE_TABLES.map((t) => `${t.database}.${t.name}`).join(', ');
    throw new InvalidValueError('name', `${database}.${name}`, `one of ${known}`, 'lake table');
  }
  return table;
}
