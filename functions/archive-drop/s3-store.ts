import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REASON_SUFFIX, type ArchiveDropStore, type ArchiveFailureRecord } from '../../core/orchestration/archive-drop.js';

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/** The archive drop's store over S3: the staging bucket (reads, failed/ moves) and the raw bucket (writes). */
export function s3DropStore(s3: S3Client, stagingBucket: string, rawBucket: string): ArchiveDropStore {
  const get = async (key: string, range?: string) => {
    const response = await s3.send(new GetObjectCommand({ Bucket: stagingBucket, Key: key, ...(range === undefined ? {} : { Range: range }) }));
    if (response.Body === undefined) throw new Error(`s3://${stagingBucket}/${key} has no body`);
    return response.Body;
  };
  return {
    async size(key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: stagingBucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async readRange(key, start, end) {
      if (end <= start) return new Uint8Array(0);
      return (await get(key, `bytes=${start}-${end - 1}`)).transformToByteArray();
    },
    async *stream(key) {
      // In Node the body is an IncomingMessage: iterating it reads the object as it arrives, never all of it.
      yield* (await get(key)) as unknown as AsyncIterable<Uint8Array>;
    },
    async writeRaw(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: rawBucket, Key: key, Body: body, ContentLength: body.length }));
    },
    async moveToFailed(key, failedKey, reason: ArchiveFailureRecord) {
      await s3.send(new CopyObjectCommand({ Bucket: stagingBucket, Key: failedKey, CopySource: `${stagingBucket}/${encodeURIComponent(key)}` }));
      await s3.send(
        new PutObjectCommand({ Bucket: stagingBucket, Key: `${failedKey}${REASON_SUFFIX}`, Body: `${JSON.stringify(reason, null, 2)}\n`, ContentType: 'application/json' }),
      );
      await s3.send(new DeleteObjectCommand({ Bucket: stagingBucket, Key: key }));
    },
    async remove(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: stagingBucket, Key: key }));
    },
  };
}
