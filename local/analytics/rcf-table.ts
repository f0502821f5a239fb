import { toCsvLine, parseCsv } from '../../core/csv.js';
import { InvalidValueError } from '../../core/errors.js';
import { pointQuality, type PointQuality } from '../../core/analytics/quality.js';
import { RcfModel, train, type RcfHyperparameterInput, type RcfModelState } from '../../core/analytics/rcf/index.js';

/** A CSV file read whole: its header and data rows, each with its 1-based row number and line in the file. */
export interface Table {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly { readonly row: number; readonly line: number; readonly fields: readonly string[] }[];
}

/** Reads CSV text with a header row; refuses an empty file, and a row whose field count differs from the header's. */
export function readTable(text: string, file: string): Table {
  const [head, ...body] = parseCsv(text);
  if (head === undefined) throw new InvalidValueError('--input', file, 'a CSV file with a header row', 'option');
  const rows = body.map((r, i) => {
    if (r.fields.length !== head.fields.length) {
      throw new InvalidValueError(`${file} row ${i + 1} (line ${r.line})`, r.fields.join(','), `${head.fields.length} fields like the header (${head.fields.join(', ')}), found ${r.fields.length}`, 'input');
    }
    return { row: i + 1, line: r.line, fields: r.fields };
  });
  return { file, header: head.fields, rows };
}

/** The index of a column named by `option`, or an error naming the column and every column the file has. */
export function columnIndex(table: Table, name: string, option: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) throw new InvalidValueError(option, name, `a column of ${table.file}: one of ${table.header.join(', ')}`, 'option');
  return i;
}

function numberAt(table: Table, r: number, column: number): number {
  const row = table.rows[r]!;
  const raw = row.fields[column]!;
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v)) throw new InvalidValueError(table.header[column]!, raw, 'a number', `${table.file} row ${row.row} (line ${row.line}): column`);
  return v;
}

function timeAt(table: Table, r: number, column: number): number {
  const row = table.rows[r]!;
  const raw = row.fields[column]!.trim();
  const v = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(v)) throw new InvalidValueError(table.header[column]!, raw, 'a number or an ISO 8601 time', `${table.file} row ${row.row} (line ${row.line}): column`);
  return v;
}

/** Which columns to read: the features (featureDim of them), optional time, group and label columns. */
export interface Columns {
  readonly features: readonly string[];
  readonly time?: string;
  readonly group?: string;
  readonly label?: string;
}

/** One group's series: its rows of the table, in file order, and their feature values row-major. */
export interface Group {
  readonly key: string;
  readonly rows: number[];
  readonly series: Float64Array;
}

/**
 * Splits the table into one series per group value (one group, key '', without a group column), in the order the
 * groups first appear. Every feature value must be a number; with a time column, each group's times must not go back
 * (the forest reads rows in file order, so an unsorted file is refused rather than scored out of order).
 */
export function groupSeries(table: Table, columns: Columns): Group[] {
  const features = columns.features.map((c) => columnIndex(table, c, '--column'));
  const group = columns.group === undefined ? undefined : columnIndex(table, columns.group, '--group-column');
  const time = columns.time === undefined ? undefined : columnIndex(table, columns.time, '--time-column');
  const byKey = new Map<string, number[]>();
  for (let r = 0; r < table.rows.length; r++) {
    const key = group === undefined ? '' : table.rows[r]!.fields[group]!;
    let rows = byKey.get(key);
    if (rows === undefined) byKey.set(key, (rows = []));
    rows.push(r);
  }
  return [...byKey].map(([key, rows]) => {
    const series = new Float64Array(rows.length * features.length);
    let last = Number.NEGATIVE_INFINITY;
    rows.forEach((r, i) => {
      features.forEach((c, j) => (series[i * features.length + j] = numberAt(table, r, c)));
      if (time === undefined) return;
      const t = timeAt(table, r, time);
      if (t < last) {
        const row = table.rows[r]!;
        throw new InvalidValueError(columns.time!, row.fields[time], `times that do not go back within ${key === '' ? 'the file' : `group ${key}`} (sort the file by time)`, `${table.file} row ${row.row} (line ${row.line}): column`);
      }
      last = t;
    });
    return { key, rows, series };
  });
}

/** A label value read as a boolean: 1/0 or true/false, else an error naming the row. */
function labelAt(table: Table, r: number, column: number): boolean {
  const row = table.rows[r]!;
  const raw = row.fields[column]!.trim().toLowerCase();
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new InvalidValueError(table.header[column]!, row.fields[column], '1 or 0 (or true or false)', `${table.file} row ${row.row} (line ${row.line}): label column`);
}

/** The models of `npm run rcf -- train`, one per group, as the model file holds them. */
export interface ModelFile {
  readonly format: 'sensorlake-rcf-models';
  readonly version: 1;
  readonly features: readonly string[];
  readonly group?: string;
  readonly models: Readonly<Record<string, RcfModelState>>;
}

/** Refuses a model file of another format, or one trained on other columns than those given. */
export function checkModelFile(value: unknown, file: string, columns: Columns): ModelFile {
  const m = value as Partial<ModelFile> | null;
  if (m?.format !== 'sensorlake-rcf-models' || m.version !== 1 || typeof m.models !== 'object') {
    throw new InvalidValueError('--model', file, 'a model file written by npm run rcf -- train (format sensorlake-rcf-models, version 1)', 'option');
  }
  if (JSON.stringify(m.features) !== JSON.stringify(columns.features)) {
    throw new InvalidValueError('--column', columns.features.join(','), `the column(s) the model was trained on: ${m.features?.join(',')}`, 'option');
  }
  if (m.group !== columns.group) {
    throw new InvalidValueError('--group-column', columns.group, `the group column the model was trained with: ${m.group ?? 'none'}`, 'option');
  }
  return m as ModelFile;
}

/** A group's outcome: its rows' scores, warm marks and flags, and the threshold used. */
export interface GroupScores {
  readonly key: string;
  readonly rows: number[];
  readonly scores: Float64Array;
  readonly warm: Uint8Array;
  readonly flags: Uint8Array;
  readonly threshold: number;
  readonly model: RcfModel;
}

/** Trains one model per group (train-and-score streaming: each row scored, then learned; the threshold from those scores). */
export function trainGroups(groups: readonly Group[], h: RcfHyperparameterInput, sigmaFactor: number, onRow: () => void): GroupScores[] {
  return groups.map((g) => {
    let t;
    try {
      t = train(h, g.series, { sigmaFactor, onRow });
    } catch (error) {
      throw new Error(`${g.key === '' ? 'series' : `group ${g.key}`} (${g.rows.length} rows): ${error instanceof Error ? error.message : String(error)}`);
    }
    return { key: g.key, rows: g.rows, scores: t.scores, warm: t.warm, flags: t.flags, threshold: t.model.threshold, model: t.model };
  });
}

/** Scores each group with its trained model (the forest unchanged, as SageMaker's endpoint); a group the file has no model for is refused. */
export function scoreGroups(groups: readonly Group[], file: ModelFile, modelFile: string, onRow: () => void): GroupScores[] {
  return groups.map((g) => {
    const state = file.models[g.key];
    if (state === undefined) {
      throw new InvalidValueError('--model', modelFile, `a model for group ${JSON.stringify(g.key)} (it has ${Object.keys(file.models).map((k) => JSON.stringify(k)).join(', ')})`, 'option');
    }
    const model = RcfModel.fromJSON(state);
    const s = model.score(g.series, { onRow });
    return { key: g.key, rows: g.rows, scores: s.scores, warm: s.warm, flags: s.flags, threshold: model.threshold, model };
  });
}

/** The columns added to every input row. */
export const SCORE_COLUMNS = ['rcf_score', 'rcf_warm', 'rcf_flag'] as const;

/** The input table with each row's score (empty without a full shingle), warm (0/1) and flag (0/1), rows in input order. */
export function scoresCsv(table: Table, groups: readonly GroupScores[]): string {
  const added: string[][] = table.rows.map(() => ['', '0', '0']);
  for (const g of groups) {
    g.rows.forEach((r, i) => {
      const s = g.scores[i]!;
      added[r] = [Number.isNaN(s) ? '' : String(Number(s.toPrecision(8))), String(g.warm[i]), String(g.flags[i])];
    });
  }
  const lines = [toCsvLine([...table.header, ...SCORE_COLUMNS]), ...table.rows.map((row, r) => toCsvLine([...row.fields, ...added[r]!]))];
  return `${lines.join('\n')}\n`;
}

/** Point-wise quality of the flags against the label column, over all groups and per group. */
export function labelQuality(table: Table, groups: readonly GroupScores[], labelColumn: string): { all: PointQuality; byGroup: Record<string, PointQuality> } {
  const column = columnIndex(table, labelColumn, '--label-column');
  const flags = new Uint8Array(table.rows.length);
  const labels = new Uint8Array(table.rows.length);
  const byGroup: Record<string, PointQuality> = {};
  for (const g of groups) {
    const groupLabels = g.rows.map((r) => (labelAt(table, r, column) ? 1 : 0));
    g.rows.forEach((r, i) => {
      flags[r] = g.flags[i]!;
      labels[r] = groupLabels[i]!;
    });
    byGroup[g.key] = pointQuality(g.flags, groupLabels);
  }
  return { all: pointQuality(flags, labels), byGroup };
}
