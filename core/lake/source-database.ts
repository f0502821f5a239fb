import { SOURCE_DATABASE_TABLE } from './tables.js';

/**
 * The external database the import-db job reads over JDBC (in the seed, SQL Server on EC2 in another VPC). Its
 * readings table, defined once: the dev demo database and the twin's PGlite are created from this DDL, the Glue
 * job reads the table through the connection, the twin reads it through a Postgres client.
 */

/** One row of the source readings table, as a Postgres client returns it. */
export interface SourceReadingRow {
  /** Primary key (BIGINT; a string when the client returns 64-bit integers as text). */
  readonly reading_id: number | string;
  readonly mote_id: string;
  readonly room_id: string;
  /** Reading time, UTC. */
  readonly recorded_at: Date | string;
  /** Degrees Fahrenheit: the source database stores Fahrenheit, curate converts. */
  readonly temperature_f: number | null;
  readonly humidity: number | null;
}

/** Reads the source readings table for the import-db job, in primary-key order, batch by batch. */
export interface SourceReadingsReader {
  /**
   * Every row (or every row whose `reading_id` is above `afterKey`: the import's JDBC bookmark), in `reading_id`
   * order, in batches of at most `batchSize` rows.
   */
  batches(batchSize: number, afterKey?: string): AsyncIterable<readonly SourceReadingRow[]>;
  close(): Promise<void>;
}

/** Qualified name of the readings table. */
export const SOURCE_TABLE_NAME = `${SOURCE_DATABASE_TABLE.schema}.${SOURCE_DATABASE_TABLE.table}`;

/** DDL of the readings table in PostgreSQL (the dev demo database and the twin's PGlite run it). */
export const SOURCE_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${SOURCE_TABLE_NAME} (
  reading_id    BIGINT PRIMARY KEY,
  mote_id       TEXT NOT NULL,
  room_id       TEXT NOT NULL,
  recorded_at   TIMESTAMPTZ NOT NULL,
  temperature_f DOUBLE PRECISION,
  humidity      DOUBLE PRECISION
)`;

/** Columns of the readings table, in DDL order. */
export const SOURCE_COLUMNS = ['reading_id', 'mote_id', 'room_id', 'recorded_at', 'temperature_f', 'humidity'] as const;

/** The SELECT both runtimes issue (Glue through the connection's query, the twin through its client). */
export const SOURCE_SELECT = `SELECT ${SOURCE_COLUMNS.join(', ')} FROM ${SOURCE_TABLE_NAME} ORDER BY reading_id`;

/**
 * One page of SOURCE_SELECT by keyset pagination: `$1` is the last `reading_id` read, `$2` the page size. Each page
 * is an index range scan on the primary key, with no cursor or transaction held open between pages.
 */
export const SOURCE_PAGE_SELECT = `SELECT ${SOURCE_COLUMNS.join(', ')} FROM ${SOURCE_TABLE_NAME} WHERE reading_id > $1 ORDER BY reading_id LIMIT $2`;
