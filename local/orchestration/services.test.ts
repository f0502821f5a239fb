import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../lake/testing.js';
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

describe('the local S3 behind aws-sdk:s3:putObject', () => {
  it('GIVEN a bucket with a folder WHEN an object is put twice THEN its file holds the last body, whole; a bucket without one keeps it in memory', async () => {
    const dir = tempDataDir();
    const objects = new CopiedObjects({ models: dir });
    await objects.putObject({ Bucket: 'models', Key: 'rcf/endpoint-records/r1.json', Body: '{"a":1}' });
    const answer = await objects.putObject({ Bucket: 'models', Key: 'rcf/endpoint-records/r1.json', Body: '{"a":2}' });
    expect(answer).toMatchObject({ ETag: expect.stringMatching(/^".+"$/) });
    expect(readFileSync(path.join(dir, 'rcf', 'endpoint-records', 'r1.json'), 'utf8')).toBe('{"a":2}');
    await objects.putObject({ Bucket: 'other', Key: 'k', Body: 'x' });
    expect([...objects.puts]).toStrictEqual([['other/k', 'x']]);
  });

  it.each([
    ['no Body', { Bucket: 'models', Key: 'k' }, /PutObject needs Bucket, Key and Body as strings/],
    ['a key leaving the folder', { Bucket: 'models', Key: 'rcf/../../x', Body: 'x' }, /has an empty, \. or \.\. segment/],
  ])('GIVEN a request with %s WHEN put THEN it fails as S3.InvalidRequest naming it', async (_, request, cause) => {
    const failure = await new CopiedObjects({ models: tempDataDir() }).putObject(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect(failure).toMatchObject({ error: 'S3.InvalidRequest', cause: expect.stringMatching(cause) });
  });
});
