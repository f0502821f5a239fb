import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { endpointRecordKey, parseEndpointRecord, type EndpointModelRecord } from '../../core/orchestration/endpoint-record.js';
import { writeFileAtomic } from '../json-file.js';

/**
 * The twin's models bucket on disk (`<dataDir>/models/bucket/<key>`): where the pipeline twin's `s3:putObject`
 * writes the rooms' endpoint records (`rcf/endpoint-records/<room>.json`, core/orchestration endpoint-record.ts)
 * and the twin's alert stream reads them, as the alert Lambda reads them from the models bucket.
 */
export function localModelsBucketDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'models', 'bucket');
}

/** The file of a room's record in the twin's models bucket. */
export function localEndpointRecordFile(dataDir: string, room: string): string {
  return path.join(localModelsBucketDir(dataDir), ...endpointRecordKey(room).split('/'));
}

/** Writes a room's record whole (beside, then renamed), as one S3 PutObject replaces an object. */
export function writeLocalEndpointRecord(dataDir: string, record: EndpointModelRecord): string {
  const file = localEndpointRecordFile(dataDir, record.room);
  writeFileAtomic(file, JSON.stringify(record));
  return file;
}

/** A room's record, or undefined when it has none; a file that is not a record throws InvalidValueError naming the field. */
export function readLocalEndpointRecord(dataDir: string, room: string): EndpointModelRecord | undefined {
  const file = localEndpointRecordFile(dataDir, room);
  return existsSync(file) ? parseEndpointRecord(readFileSync(file, 'utf8'), room) : undefined;
}
