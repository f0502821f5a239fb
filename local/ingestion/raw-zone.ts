import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RAW_ZONE } from '../../core/ingestion/definitions.js';

/** One delivered object of the local raw zone, decoded. */
export interface RawObject {
  /** Key relative to the raw zone root, with `/` separators (the S3 key). */
  readonly key: string;
  /** First key segment: `telemetry`, `quarantine` or `errors`. */
  readonly zone: string;
  /** The NDJSON records, parsed. */
  readonly records: unknown[];
}

/**
 * Lists and decodes every delivered object under a local raw zone (`<dataDir>/raw`), sorted by key. Temporary
 * files of writes in progress are skipped.
 */
export function readRawZone(rawDir: string): RawObject[] {
  const objects: RawObject[] = [];
  const walk = (dir: string, prefix: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const key = prefix + entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${key}/`);
      else if (entry.name.endsWith(RAW_ZONE.fileExtension) && !entry.name.startsWith('.')) {
        const text = gunzipSync(readFileSync(path.join(dir, entry.name))).toString('utf8');
        const records = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);
        objects.push({ key, zone: key.split('/')[0] as string, records });
      }
    }
  };
  walk(rawDir, '');
  return objects.sort((a, b) => a.key.localeCompare(b.key));
}
