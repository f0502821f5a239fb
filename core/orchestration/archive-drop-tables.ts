import { RAW_ZONE, ZONES } from '../ingestion/definitions.js';
import { LAKE_TABLES } from '../lake/tables.js';

/** A drop's table: lower case, a letter first, up to 40 characters (it becomes a raw prefix and part of a name). */
export const TABLE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** Raw-zone folders that belong to other writers (Firehose, the topic rule, the imports): never a drop's table. */
export const RESERVED_RAW_FOLDERS: readonly string[] = [
  ...new Set([
    ...Object.values(ZONES),
    RAW_ZONE.errorOutputPrefix.split('/')[0] as string,
    RAW_ZONE.ruleErrorPrefix.replace(/\/$/, ''),
    ...LAKE_TABLES.filter((t) => t.zone === 'raw').map((t) => t.prefix.split('/')[0] as string),
  ]),
];

/** Problems of a table list: each must match TABLE_NAME_PATTERN, not be reserved, and appear once. */
export function tableListProblems(tables: readonly string[]): string[] {
  const problems: string[] = [];
  if (tables.length === 0) problems.push('at least one table');
  tables.forEach((t, i) => {
    if (!TABLE_NAME_PATTERN.test(t)) problems.push(`table ${JSON.stringify(t)} matching ${TABLE_NAME_PATTERN.source}`);
    else if (RESERVED_RAW_FOLDERS.includes(t)) problems.push(`table ${JSON.stringify(t)} not a reserved raw folder (${RESERVED_RAW_FOLDERS.join(', ')})`);
    if (tables.indexOf(t) !== i) problems.push(`table ${JSON.stringify(t)} listed once`);
  });
  return problems;
}

