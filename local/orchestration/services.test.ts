import { describe, expect, it } from 'vitest';
import { TaskFailure } from './errors.js';
import { CopiedObjects } from './services.js';

describe('the local S3 behind aws-sdk:s3:copyObject', () => {
  it('GIVEN two copies to one key WHEN made THEN the last one wins, as on S3, and each answers CopyObjectResult', async () => {
    const objects = new CopiedObjects();
    const first = await objects.copyObject({ Bucket: 'm', Key: 'rcf/endpoint/r1.tar.gz', CopySource: 'm/rcf/models/a/output/model.tar.gz' });
    await objects.copyObject({ Bucket: 'm', Key: 'rcf/endpoint/r1.tar.gz', CopySource: 'm/rcf/models/b/output/model.tar.gz' });
    expect(first).toMatchObject({ CopyObjectResult: { ETag: expect.stringMatching(/^".+"$/) } });
    expect([...objects.copies]).toStrictEqual([['m/rcf/endpoint/r1.tar.gz', 'm/rcf/models/b/output/model.tar.gz']]);
  });

  it('GIVEN a request without CopySource WHEN copied THEN it fails as S3.InvalidRequest naming the fields', async () => {
    const failure = await new CopiedObjects().copyObject({ Bucket: 'm', Key: 'k' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect(failure).toMatchObject({ error: 'S3.InvalidRequest', cause: expect.stringContaining('"Key":"k"') });
  });
});
