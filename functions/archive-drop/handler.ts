import type { S3Client } from '@aws-sdk/client-s3';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Logger } from 'pino';
import type { ArchiveDropSettings } from '../../core/orchestration/archive-drop-env.js';
import { processArchiveDrop, s3EventKey, type ArchiveDropResult, type PipelineStarter } from '../../core/orchestration/archive-drop.js';
import { functionLogger } from '../lambda-logger.js';
import { s3DropStore } from './s3-store.js';

/** The part of an S3 event notification record the handler reads. */
export interface S3EventRecord {
  readonly s3: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string; readonly eTag?: string; readonly versionId?: string } };
}

/** An S3 event notification. */
export interface S3Event {
  readonly Records: readonly S3EventRecord[];
}

/** Drops by outcome; they add up to `records`. */
export interface ArchiveDropSummary {
  readonly records: number;
  readonly started: number;
  readonly alreadyStarted: number;
  readonly failed: number;
  readonly gone: number;
  /** Objects replaced since their event (their ETag no longer matched): the new object has its own event. */
  readonly changed: number;
}

/** The Lambda handler. */
export type ArchiveDropHandler = (event: S3Event) => Promise<ArchiveDropSummary>;

/** A record of another bucket than the staging bucket: a wiring mistake, never processed. */
export class ForeignBucketError extends Error {
  override name = 'ForeignBucketError';
}

/** Starts the pipeline; ExecutionAlreadyExists means this drop already started it (the name is the drop's). */
export function sfnPipelineStarter(sfn: SFNClient, stateMachineArn: string): PipelineStarter {
  return {
    async start(name, input) {
      try {
        await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
        return 'started';
      } catch (error) {
        if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return 'already-started';
        throw error;
      }
    },
  };
}

/** The archive-drop logger: one JSON line per drop. */
export function archiveDropLogger(level: ArchiveDropSettings['logLevel']): Logger {
  return functionLogger('archive-drop', level);
}

/**
 * The archive-drop handler over the core: each record's archive is processed in turn; an S3 or Step Functions error
 * is thrown, so Lambda retries the event and, after its retries, sends it to the dead-letter queue.
 */
export function createArchiveDropHandler(settings: ArchiveDropSettings, clients: { s3: S3Client; sfn: SFNClient }, logger: Logger = archiveDropLogger(settings.logLevel)): ArchiveDropHandler {
  const deps = {
    store: s3DropStore(clients.s3, settings.stagingBucket, settings.rawBucket),
    pipeline: sfnPipelineStarter(clients.sfn, settings.stateMachineArn),
    limits: settings.limits,
    tables: settings.tables,
  };
  return async (event) => {
    const summary = { records: event.Records.length, started: 0, alreadyStarted: 0, failed: 0, gone: 0, changed: 0 };
    for (const record of event.Records) {
      const bucket = record.s3.bucket.name;
      if (bucket !== settings.stagingBucket) throw new ForeignBucketError(`record of bucket ${JSON.stringify(bucket)}: this function reads only ${settings.stagingBucket}`);
      const key = s3EventKey(record.s3.object.key);
      const result: ArchiveDropResult = await processArchiveDrop(
        { bucket, key, ...(record.s3.object.eTag === undefined ? {} : { etag: record.s3.object.eTag }), ...(record.s3.object.versionId === undefined ? {} : { versionId: record.s3.object.versionId }) },
        deps,
      );
      if (result.status === 'started') summary.started++;
      else if (result.status === 'already-started') summary.alreadyStarted++;
      else if (result.status === 'failed') summary.failed++;
      else if (result.status === 'changed') summary.changed++;
      else summary.gone++;
      if (result.status === 'failed') logger.warn({ key, ...result }, 'archive refused');
      else if (result.status === 'changed') logger.warn({ key, ...result }, 'archive replaced since its event, left for its own event');
      else logger.info({ key, ...result }, 'archive processed');
    }
    return summary;
  };
}
