import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { endpointRecordKey, parseEndpointRecord, type EndpointModelRecord } from '../../core/orchestration/endpoint-record.js';

/** Reads a room's current-model record; undefined when the room has none (never published: not warm). */
export interface EndpointRecordReader {
  current(room: string): Promise<EndpointModelRecord | undefined>;
}

/** Options of s3EndpointRecords. */
export interface S3EndpointRecordsOptions {
  readonly client: S3Client;
  /** The models bucket, where the pipeline writes the records (MODEL_LAYOUT.endpointRecords). */
  readonly bucket: string;
  /** Seconds a record, or its absence, is kept before it is read again. */
  readonly ttlSeconds: number;
  /** Milliseconds now; default Date.now. */
  readonly now?: () => number;
}

/**
 * The rooms' records in S3 (GetObject of `<MODEL_LAYOUT.endpointRecords><room>.json`), each kept `ttlSeconds`
 * per container, so a re-published model is used within that time. A missing object (NoSuchKey, NotFound) is remembered as
 * "no record" for as long; any other failure (access, throttling, a record that is not one) rejects, so the batch is
 * retried rather than scored with a wrong model or threshold, and is not remembered. Devices of one room asking at
 * once share one read.
 */
export function s3EndpointRecords(options: S3EndpointRecordsOptions): EndpointRecordReader {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { readonly at: number; readonly record: Promise<EndpointModelRecord | undefined> }>();
  async function read(room: string): Promise<EndpointModelRecord | undefined> {
    try {
      const response = await options.client.send(new GetObjectCommand({ Bucket: options.bucket, Key: endpointRecordKey(room) }));
      return parseEndpointRecord((await response.Body?.transformToString('utf-8')) ?? '', room);
    } catch (error) {
      // NoSuchKey from GetObject; NotFound is how S3 names a 404 without a body. Either needs s3:ListBucket on the
      // bucket (the role has it): without it S3 says AccessDenied, a failure like any other.
      const name = (error as { name?: unknown } | null)?.name;
      if (error instanceof NoSuchKey || name === 'NoSuchKey' || name === 'NotFound') return undefined;
      throw error;
    }
  }
  return {
    current(room) {
      const cached = cache.get(room);
      if (cached !== undefined && now() - cached.at < options.ttlSeconds * 1000) return cached.record;
      const record = read(room);
      cache.set(room, { at: now(), record });
      record.catch(() => {
        if (cache.get(room)?.record === record) cache.delete(room);
      });
      return record;
    },
  };
}
