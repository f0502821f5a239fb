import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ArchiveChangedError, type ArchiveDropStore, type ArchiveFailureRecord, type StagedObject } from '../../core/orchestration/archive-drop.js';

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function isPreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412;
}

/** An ETag as If-Match wants it: quoted (S3 events give it bare, HeadObject quoted). */
function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/**
 * The archive drop's store over S3: the staging bucket (conditional reads of the drop, `tmp/` entries, `failed/`
 * moves) and the raw bucket (entries copied from `tmp/` once their archive verified). A read of the drop carries the
 * event's ETag as If-Match, and S3's 412 becomes ArchiveChangedError.
 */
export function s3DropStore(s3: S3Client, stagingBucket: string, rawBucket: string): ArchiveDropStore {
  const ifMatch = (object: StagedObject) => (object.etag === undefined ? {} : { IfMatch: quoted(object.etag) });
  const conditional = async <T>(object: StagedObject, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      if (isPreconditionFailed(error)) throw new ArchiveChangedError(stagingBucket, object);
      throw error;
    }
  };
  const get = async (object: StagedObject, range?: string) => {
    const response = await conditional(object, () =>
      s3.send(new GetObjectCommand({ Bucket: stagingBucket, Key: object.key, ...ifMatch(object), ...(range === undefined ? {} : { Range: range }) })),
    );
    if (response.Body === undefined) throw new Error(`s3://${stagingBucket}/${object.key} has no body`);
    return response.Body;
  };
  return {
    async size(object) {
      try {
        const head = await conditional(object, () => s3.send(new HeadObjectCommand({ Bucket: stagingBucket, Key: object.key, ...ifMatch(object) })));
        return head.ContentLength ?? 0;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async readRange(object, start, end) {
      if (end <= start) return new Uint8Array(0);
      return (await get(object, `bytes=${start}-${end - 1}`)).transformToByteArray();
    },
    async *stream(object) {
      // In Node the body is an IncomingMessage: iterating it reads the object as it arrives, never all of it.
      yield* (await get(object)) as unknown as AsyncIterable<Uint8Array>;
    },
    async writeTemporary(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: stagingBucket, Key: key, Body: body, ContentLength: body.length }));
    },
    async commitRaw(temporaryKey, rawKey) {
      await s3.send(new CopyObjectCommand({ Bucket: rawBucket, Key: rawKey, CopySource: `${stagingBucket}/${encodeURIComponent(temporaryKey)}` }));
      await s3.send(new DeleteObjectCommand({ Bucket: stagingBucket, Key: temporaryKey }));
    },
    async removeTemporary(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: stagingBucket, Key: key }));
    },
    async moveToFailed(object, failed, reason: ArchiveFailureRecord) {
      await conditional(object, () =>
        s3.send(
          new CopyObjectCommand({
            Bucket: stagingBucket,
            Key: failed.archiveKey,
            CopySource: `${stagingBucket}/${encodeURIComponent(object.key)}`,
            ...(object.etag === undefined ? {} : { CopySourceIfMatch: quoted(object.etag) }),
          }),
        ),
      );
      await s3.send(new PutObjectCommand({ Bucket: stagingBucket, Key: failed.reasonKey, Body: `${JSON.stringify(reason, null, 2)}\n`, ContentType: 'application/json' }));
      await removeDrop(object);
    },
    remove: (object) => removeDrop(object),
  };

  /** Deletes the drop only if it is still the object of the event: a newer upload waits for its own event. */
  async function removeDrop(object: StagedObject): Promise<void> {
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: stagingBucket, Key: object.key, ...ifMatch(object) }));
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
  }
}
