import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AnomalyLabel } from './anomalies.js';

/** Columns of the CSV labels file, in order. */
export const LABEL_COLUMNS = ['device_id', 'room_id', 'kind', 'field', 'start', 'end', 'magnitude', 'first_seq', 'last_seq', 'readings'] as const satisfies readonly (keyof AnomalyLabel)[];

/** Renders labels as CSV with a header row (no value needs quoting: device and room ids are from core/ids.ts charsets, without commas or quotes). */
export function labelsToCsv(labels: readonly AnomalyLabel[]): string {
  const rows = labels.map((l) => LABEL_COLUMNS.map((c) => String(l[c])).join(','));
  return [LABEL_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

/** Writes a whole text file (tests inject one that fails like a full disk). */
export type TextWriter = (file: string, text: string) => void;

/** Writes `text` to `file`, creating its directory first. */
export const writeTextFile: TextWriter = (file, text) => {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
};

/** Writes the ground-truth labels: CSV when the file name ends in `.csv`, otherwise a JSON array. */
export function writeLabels(file: string, labels: readonly AnomalyLabel[], write: TextWriter = writeTextFile): void {
  const sorted = [...labels].sort((a, b) => a.start.localeCompare(b.start) || a.device_id.localeCompare(b.device_id));
  const text = file.toLowerCase().endsWith('.csv') ? labelsToCsv(sorted) : `${JSON.stringify(sorted, null, 2)}\n`;
  write(file, text);
}
