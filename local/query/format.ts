import { rowObjects, type Cell, type QueryResult } from './engine.js';

/** The output formats of `npm run query`. */
export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

function text(cell: Cell): string {
  return cell === null ? '' : String(cell);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** RFC 4180 CSV with a header row; NULL is an empty field. */
export function formatCsv(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  const lines = [result.columns.map((c) => csvField(c.name)), ...result.rows.map((row) => row.map((cell) => csvField(text(cell))))];
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

/** A JSON array of one object per row. */
export function formatJson(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  return `${JSON.stringify(rowObjects(result), null, 2)}\n`;
}

/** Aligned columns for a terminal: numbers right-aligned, NULL shown as `NULL`. */
export function formatTable(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  const cells = result.rows.map((row) => row.map((cell) => (cell === null ? 'NULL' : String(cell))));
  const widths = result.columns.map((column, i) => Math.max(column.name.length, ...cells.map((row) => (row[i] ?? '').length)));
  const numeric = result.columns.map((column) => column.type === 'integer' || column.type === 'double');
  const line = (values: readonly string[], alignNumbers: boolean) =>
    values.map((v, i) => (alignNumbers && numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(result.columns.map((c) => c.name), false), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map((row) => line(row, true))].map((l) => `${l}\n`).join('');
}

/** The result in `format`. */
export function formatResult(result: Pick<QueryResult, 'columns' | 'rows'>, format: OutputFormat): string {
  if (format === 'csv') return formatCsv(result);
  if (format === 'json') return formatJson(result);
  return formatTable(result);
}
