import { RCF_SETTINGS } from '../analytics/rcf/index.js';
import { CURATED_TELEMETRY } from '../lake/tables.js';

/** Readings a room needs for a warm training score with RCF_SETTINGS: output_after, plus a full shingle. */
export const MIN_ROOM_ROWS = RCF_SETTINGS.outputAfter + RCF_SETTINGS.shingleSize;

/**
 * The pipeline's room listing, the one query both runtimes run before the Map: the rooms of curated telemetry with
 * at least MIN_ROOM_ROWS readings of the model's feature, in room order. The table is unqualified: the query runs
 * in the curated database (Athena's QueryExecutionContext, the twin's DuckDB schema), so the text is the same
 * everywhere. One column, `room_id`, whose values the main machine's ResultSelector reads as the Map's items.
 */
export const ROOM_LISTING_QUERY = {
  /** The database the query runs in. */
  database: CURATED_TELEMETRY.database,
  /** The rows a room needs. */
  minRows: MIN_ROOM_ROWS,
  /** The SQL, in the common subset of Athena (Trino) and DuckDB. */
  sql:
    `SELECT room_id FROM ${CURATED_TELEMETRY.name} WHERE ${RCF_SETTINGS.features[0]} IS NOT NULL ` +
    `GROUP BY room_id HAVING count(*) >= ${MIN_ROOM_ROWS} ORDER BY room_id`,
  /** The one result column. */
  column: 'room_id',
} as const;
