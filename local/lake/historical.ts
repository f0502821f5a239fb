import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CurateReason } from '../../core/lake/jobs.js';
import { LANDING_HISTORICAL } from '../../core/lake/tables.js';
import { readReplayRows, SUTHAHARAN_CSV, SUTHAHARAN_MAPPING, type CsvMapping } from '../../sensors/index.js';
import { SOURCE_HISTORY_START } from './source-db.js';

/**
 * The twin's historical CSV folder (the landing bucket's `historical/` prefix): an export of the single-hop dataset
 * in the seed's room-reading shape, `timestamp,room_id,temperature`, one mote per room so the shape (which has no
 * device) still identifies each reading by room and time.
 */

/** Name of the export in `<dataDir>/landing/historical/`. */
export const HISTORICAL_FILE = 'single-hop-2010-05-09.csv';

/** The export's rooms: mote 1 to 4 of the dataset in room-01 to room-04 (the simulator's room names). */
export const HISTORICAL_MAPPING: CsvMapping = {
  ...SUTHAHARAN_MAPPING,
  room: { column: 'mote_id', values: { '1': 'room-01', '2': 'room-02', '3': 'room-03', '4': 'room-04' } },
};

/**
 * Rows appended after the dataset's readings as a hand-kept export has them, each one a row curate must refuse,
 * with the reason it gives: an empty cell, a sensor's error text, a day that does not exist, a disconnected
 * probe's reading.
 */
export const HISTORICAL_BAD_ROWS: readonly { readonly line: string; readonly reason: CurateReason }[] = [
  { line: '2010-05-09 07:00:00,room-01,', reason: 'missing-field' },
  { line: '2010-05-09 07:00:00,room-02,ERR', reason: 'wrong-type' },
  { line: '2010-02-30 07:00:00,room-03,24.1', reason: 'bad-timestamp' },
  { line: '2010-05-09 07:00:00,room-04,-273.2', reason: 'out-of-range' },
];

/** Rows of the export repeated verbatim at its end (an overlapping second export): curate counts each as a duplicate. */
export const HISTORICAL_REPEATED_ROWS = 1;

/** `YYYY-MM-DD HH:MM:SS` in UTC, the room-reading stamp. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The export's text: header, the dataset's readings in event-time order, the repeated rows, then HISTORICAL_BAD_ROWS. */
export function historicalCsv(file: string = SUTHAHARAN_CSV): string {
  const rows = readReplayRows(file, HISTORICAL_MAPPING, SOURCE_HISTORY_START).map((row) => `${stamp(row.atMs)},${row.roomId},${row.values.temperature}`);
  return ['timestamp,room_id,temperature', ...rows, ...rows.slice(-HISTORICAL_REPEATED_ROWS), ...HISTORICAL_BAD_ROWS.map((r) => r.line), ''].join('\n');
}

/** The historical folder after `ensureHistoricalFolder`. */
export interface HistoricalFolder {
  /** The export's path. */
  readonly file: string;
  /** True when this call wrote it (the first start of a data directory). */
  readonly created: boolean;
}

/**
 * Writes the export into `<dataDir>/landing/historical/` once (write then rename, so a crash leaves no half file);
 * an export already there is left as it is.
 */
export function ensureHistoricalFolder(dataDir: string, source: string = SUTHAHARAN_CSV): HistoricalFolder {
  const dir = path.join(dataDir, LANDING_HISTORICAL.zone, LANDING_HISTORICAL.prefix);
  const file = path.join(dir, HISTORICAL_FILE);
  if (existsSync(file)) return { file, created: false };
  mkdirSync(dir, { recursive: true });
  // The catalog skips names starting with a dot, so the partial file is never read as data.
  const tmp = path.join(dir, `.${HISTORICAL_FILE}.tmp`);
  writeFileSync(tmp, historicalCsv(source));
  renameSync(tmp, file);
  return { file, created: true };
}
