import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from '../json-file.js';

/** Where `npm start` keeps the summary of its last run in a data directory (the RunSummary it prints, as JSON). */
export function lastSummaryFile(dataDir: string): string {
  return path.join(dataDir, 'runs', 'last-summary.json');
}

const counts = z.record(z.string(), z.number().int().min(0));
const count = z.number().int().min(0);

/** The fields of a RunSummary the dashboard reads (the file holds the whole summary). */
export const lastSummarySchema = z.looseObject({
  messages: z.looseObject({ sent: count, acknowledged: count, landed: count, quarantined: count }),
  quarantinedByReason: counts,
  refused: counts,
});

/** What the dashboard reads of the last run's summary. */
export type LastSummary = z.infer<typeof lastSummarySchema>;

/** Writes the run's summary atomically (tmp + rename). */
export function writeLastSummary(dataDir: string, summary: object): string {
  const file = lastSummaryFile(dataDir);
  writeJsonFileAtomic(file, summary);
  return file;
}

/** The last run's summary (undefined: no run yet); a damaged file is an error naming it and the field. */
export function readLastSummary(dataDir: string): LastSummary | undefined {
  return readJsonFile(lastSummaryFile(dataDir), lastSummarySchema);
}
