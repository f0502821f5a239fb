import { RCF_SETTINGS } from '../analytics/rcf/index.js';
import { CURATED_ANOMALIES, CURATED_TELEMETRY } from '../lake/tables.js';

/** Readings one device needs for a warm training score with RCF_SETTINGS: output_after, plus a full shingle. */
export const MIN_ROOM_ROWS = RCF_SETTINGS.outputAfter + RCF_SETTINGS.shingleSize;

/**
 * Training points a room needs (rcf_points.sql's rows of the room): what MIN_ROOM_ROWS readings of one device give,
 * output_after + 1, so its training points reach a warm score.
 */
export const MIN_ROOM_POINTS = MIN_ROOM_ROWS - RCF_SETTINGS.shingleSize + 1;

const feature = RCF_SETTINGS.features[0];
const shingle = RCF_SETTINGS.shingleSize;

/**
 * The pipeline's room listing, the one query both runtimes run before the Map: the rooms of curated telemetry with
 * at least MIN_ROOM_POINTS training points, in room order. Points are counted with rcf_points.sql's rule, per
 * device: a device with n readings of the model's feature gives max(n - shingle + 1, 0) points (only readings with a
 * full shingle from the same device), so a room of many short-lived devices, many readings but no full shingle, is
 * not listed (its training prefix would be empty and CreateTrainingJob would fail the Map). The table is unqualified: the query runs
 * in the curated database (Athena's QueryExecutionContext, the twin's DuckDB schema), so the text is the same
 * everywhere. One column, `room_id`, whose values the main machine's ResultSelector reads as the Map's items.
 */
export const ROOM_LISTING_QUERY = {
  /** The database the query runs in. */
  database: CURATED_TELEMETRY.database,
  /** The training points a room needs. */
  minPoints: MIN_ROOM_POINTS,
  /** The SQL, in the common subset of Athena (Trino) and DuckDB. */
  sql:
    `SELECT room_id FROM (SELECT room_id, device_id, count(*) AS readings FROM ${CURATED_TELEMETRY.name} WHERE ${feature} IS NOT NULL GROUP BY room_id, device_id) devices ` +
    `GROUP BY room_id HAVING sum(CASE WHEN readings >= ${shingle} THEN readings - ${shingle - 1} ELSE 0 END) >= ${MIN_ROOM_POINTS} ORDER BY room_id`,
  /** The one result column. */
  column: 'room_id',
} as const;

/**
 * The threshold of one published model, the one the publish step writes into its room's record: load-anomalies
 * judged every score of the model by one threshold (rcf_anomalies.sql, threshold.ts's rule over the transform's
 * scores of the room's training points), so any row of it carries it. Two bound parameters, the room (partition
 * pruning) and the model. One row, its value NULL when the model has no loaded score or its threshold is not a
 * finite number (a NaN or an infinity would not be JSON for States.StringToJson: the record is then not written,
 * rather than the run failing outside its catch); Athena leaves a NULL cell without VarCharValue.
 */
export const ENDPOINT_THRESHOLD_QUERY = {
  /** The database the query runs in. */
  database: CURATED_ANOMALIES.database,
  /** The SQL, in the common subset of Athena (Trino) and DuckDB; `?` are the room and the model, in that order. */
  // NaN compares false in Trino and above every number in DuckDB, so the two bounds leave out NaN and both infinities.
  sql: `SELECT max(threshold) AS threshold FROM ${CURATED_ANOMALIES.name} WHERE room_id = ? AND model_id = ? AND threshold < 1e308 AND threshold > -1e308`,
  /** The one result column. */
  column: 'threshold',
} as const;
