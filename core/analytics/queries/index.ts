import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidValueError } from '../../errors.js';
import { ROOM_ID_EXPECTED, ROOM_ID_PATTERN, DEVICE_ID_EXPECTED, DEVICE_ID_PATTERN } from '../../ids.js';
import { CURATED_SOURCES, LAKE_DATABASES, type LakeDatabase } from '../../lake/tables.js';
import type { DatabaseNaming } from '../names.js';

/**
 * The named queries, defined once: one `.sql` file each in this folder, in the common subset of Athena (Trino) and
 * DuckDB SQL, and this registry (name, description, parameters, result columns). The analytics stack makes one
 * Athena named query per entry from `renderNamedQuery`; the query CLI runs the same text on Athena or on the
 * twin's DuckDB.
 *
 * A file names a lake database as `{{curated}}` (resolved per runtime by a DatabaseNaming) and a parameter as
 * `{{room}}`, which renders as a `?` bound by the engine (Athena ExecutionParameters, a DuckDB prepared
 * statement), never spliced into the text. Every parameter is optional: the file compares it as
 * `CAST(? AS <type>) IS NULL OR ...`, and an absent one is bound as NULL.
 */

/** The folder of the .sql files. */
export const QUERIES_DIR = import.meta.dirname;

/** A parameter type: what it accepts, and the text it binds (the SQL CASTs it to its type). */
interface ParameterType {
  readonly expected: string;
  /** The bound text, or undefined when `raw` is not a value of the type. */
  readonly parse: (raw: string) => string | undefined;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?Z?$/;

/** The parameter types, by name. Bound texts contain no quote, so even a literal rendering of them is safe. */
export const PARAMETER_TYPES = {
  room: {
    expected: ROOM_ID_EXPECTED,
    parse: (raw) => (ROOM_ID_PATTERN.test(raw) ? raw : undefined),
  },
  device: {
    expected: DEVICE_ID_EXPECTED,
    parse: (raw) => (DEVICE_ID_PATTERN.test(raw) ? raw : undefined),
  },
  date: {
    expected: 'a UTC date YYYY-MM-DD',
    parse: (raw) => {
      const m = DATE.exec(raw);
      return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ? raw : undefined;
    },
  },
  timestamp: {
    expected: 'a UTC time YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z]',
    parse: (raw) => {
      const m = TIMESTAMP.exec(raw);
      if (m === null || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
      const [hour, minute, second] = [m[4] ?? '00', m[5] ?? '00', m[6] ?? '00'];
      if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
      return `${m[1]}-${m[2]}-${m[3]} ${hour}:${minute}:${second}.${(m[7] ?? '').padEnd(3, '0')}`;
    },
  },
} as const satisfies Record<string, ParameterType>;
export type ParameterTypeName = keyof typeof PARAMETER_TYPES;

/** Types of result columns, as the engines report them (see local/query for the mapping of each engine's types). */
export const RESULT_TYPES = ['string', 'integer', 'double', 'boolean', 'timestamp'] as const;
export type ResultType = (typeof RESULT_TYPES)[number];

/** An optional parameter of a named query. */
export interface QueryParameter {
  readonly name: string;
  readonly type: ParameterTypeName;
  readonly description: string;
}

/** A result column of a named query. */
export interface QueryColumn {
  readonly name: string;
  readonly type: ResultType;
}

/** One named query. */
export interface NamedQuery {
  /** Also the Athena named query's name and the `npm run query -- <name>` argument. */
  readonly name: string;
  readonly description: string;
  /** The .sql file in this folder. */
  readonly file: string;
  readonly parameters: readonly QueryParameter[];
  readonly columns: readonly QueryColumn[];
}

const p = (name: string, type: ParameterTypeName, description: string): QueryParameter => ({ name, type, description });
const c = (name: string, type: ResultType): QueryColumn => ({ name, type });

const room = p('room', 'room', 'only this room');

/** Every named query, in the order `--list` shows them. */
export const NAMED_QUERIES: readonly NamedQuery[] = [
  {
    name: 'temperature_hourly',
    description: 'Temperature per room and hour: readings, minimum, maximum and average (degrees Celsius)',
    file: 'temperature_hourly.sql',
    parameters: [room, p('from', 'timestamp', 'readings at or after this time'), p('to', 'timestamp', 'readings before this time')],
    columns: [c('room_id', 'string'), c('hour', 'timestamp'), c('readings', 'integer'), c('min_temperature', 'double'), c('max_temperature', 'double'), c('avg_temperature', 'double')],
  },
  {
    name: 'temperature_by_minute',
    description: 'Temperature per room and minute: readings, average, minimum and maximum over the room\'s devices (degrees Celsius)',
    file: 'temperature_by_minute.sql',
    parameters: [room, p('from', 'timestamp', 'readings at or after this time'), p('to', 'timestamp', 'readings before this time')],
    columns: [c('room_id', 'string'), c('minute', 'timestamp'), c('readings', 'integer'), c('avg_temperature', 'double'), c('min_temperature', 'double'), c('max_temperature', 'double')],
  },
  {
    name: 'room_summary',
    description: 'Each room of curated telemetry: its readings, first and last reading time, and how many the anomalies table flags',
    file: 'room_summary.sql',
    parameters: [],
    columns: [c('room_id', 'string'), c('readings', 'integer'), c('first_ts', 'timestamp'), c('last_ts', 'timestamp'), c('anomalies', 'integer')],
  },
  {
    name: 'device_daily_counts',
    description: 'Curated readings per device and UTC day, with the first and last reading time',
    file: 'device_daily_counts.sql',
    parameters: [p('device', 'device', 'only this device'), p('from', 'date', 'from this day'), p('to', 'date', 'to this day, included')],
    columns: [c('device_id', 'string'), c('day', 'string'), c('readings', 'integer'), c('first_ts', 'timestamp'), c('last_ts', 'timestamp')],
  },
  {
    name: 'latest_reading',
    description: 'The latest curated reading of each device',
    file: 'latest_reading.sql',
    parameters: [room, p('since', 'date', 'look only at days from this one (fewer partitions scanned)')],
    columns: [c('device_id', 'string'), c('room_id', 'string'), c('ts', 'timestamp'), c('temperature', 'double'), c('humidity', 'double'), c('pressure', 'double'), c('source', 'string')],
  },
  {
    name: 'room_anomalies',
    description: 'Readings flagged anomalous, per room, with score, threshold, model and the room\'s anomaly count',
    file: 'room_anomalies.sql',
    parameters: [room, p('from', 'timestamp', 'readings at or after this time'), p('to', 'timestamp', 'readings before this time')],
    columns: [
      c('room_id', 'string'), c('device_id', 'string'), c('ts', 'timestamp'), c('value', 'double'), c('score', 'double'),
      c('threshold', 'double'), c('model_id', 'string'), c('room_anomalies', 'integer'),
    ],
  },
  {
    name: 'quarantine_by_reason',
    description: 'Rows curate refused, per reason and source',
    file: 'quarantine_by_reason.sql',
    parameters: [p('from', 'date', 'from this curate run day'), p('to', 'date', 'to this curate run day, included')],
    columns: [c('reason', 'string'), c('source', 'string'), c('refused', 'integer')],
  },
  {
    name: 'quarantine_by_day',
    description: 'Rows curate refused per curate run day: in all, per source, and how many distinct reasons',
    file: 'quarantine_by_day.sql',
    parameters: [p('from', 'date', 'from this curate run day'), p('to', 'date', 'to this curate run day, included')],
    columns: [c('day', 'string'), c('refused', 'integer'), ...CURATED_SOURCES.map((s) => c(`${s}_refused`, 'integer')), c('reasons', 'integer')],
  },
];

/** Names of the named queries. */
export const NAMED_QUERY_NAMES: readonly string[] = NAMED_QUERIES.map((q) => q.name);

/** Finds a named query; throws naming the value and the known names when there is none. */
export function namedQuery(name: string): NamedQuery {
  const query = NAMED_QUERIES.find((q) => q.name === name);
  if (query === undefined) throw new InvalidValueError('name', name, `one of ${NAMED_QUERY_NAMES.join(', ')}`, 'named query');
  return query;
}

/** A query's SQL with its databases named and each parameter a `?`, and the parameter each `?` binds, in order. */
export interface RenderedQuery {
  readonly sql: string;
  readonly parameterOrder: readonly string[];
}

const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Renders SQL text: `{{<database>}}` becomes `naming(database)` (which must be a plain lower-case identifier),
 * `{{<parameter>}}` a `?`. Any other placeholder is an error naming it and `source`, so a typo never runs.
 */
export function renderQuerySql(text: string, naming: DatabaseNaming, parameters: readonly QueryParameter[], source: string): RenderedQuery {
  const order: string[] = [];
  const names = parameters.map((param) => param.name);
  const sql = text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_match, name: string) => {
    if ((LAKE_DATABASES as readonly string[]).includes(name)) {
      const database = naming(name as LakeDatabase);
      if (!SQL_IDENTIFIER.test(database)) throw new InvalidValueError(name, database, 'a lower-case SQL identifier [a-z_][a-z0-9_]*', 'database name of');
      return database;
    }
    if (names.includes(name)) {
      order.push(name);
      return '?';
    }
    throw new InvalidValueError('placeholder', name, `one of ${[...LAKE_DATABASES, ...names].join(', ')}`, `${source}`);
  });
  return { sql: sql.trimEnd(), parameterOrder: order };
}

/** The text of a named query's .sql file. */
export function querySqlText(query: NamedQuery, dir: string = QUERIES_DIR): string {
  return readFileSync(path.join(dir, query.file), 'utf8');
}

/** A named query rendered for a runtime's database naming: the text an Athena named query holds, or DuckDB runs. */
export function renderNamedQuery(query: NamedQuery, naming: DatabaseNaming): RenderedQuery {
  return renderQuerySql(querySqlText(query), naming, query.parameters, query.file);
}

/** The value bound to one `?`: validated text, or null for an absent parameter. */
export type BoundValue = string | null;

/**
 * Validates the given parameters of a query and returns the value of each `?` of its rendered SQL, in order
 * (null for an absent one). A name the query does not have, or a value its type refuses, is an
 * InvalidValueError naming the parameter and the value.
 */
export function bindParameters(query: NamedQuery, rendered: RenderedQuery, values: Readonly<Record<string, string>>): BoundValue[] {
  const bound = new Map<string, string>();
  for (const [name, raw] of Object.entries(values)) {
    const param = query.parameters.find((candidate) => candidate.name === name);
    if (param === undefined) {
      const known = query.parameters.map((candidate) => candidate.name).join(', ') || '(none)';
      throw new InvalidValueError(name, raw, `a parameter of ${query.name}: one of ${known}`, 'parameter');
    }
    const type = PARAMETER_TYPES[param.type];
    const value = type.parse(raw);
    if (value === undefined) throw new InvalidValueError(name, raw, type.expected, 'parameter');
    bound.set(name, value);
  }
  return rendered.parameterOrder.map((name) => bound.get(name) ?? null);
}
