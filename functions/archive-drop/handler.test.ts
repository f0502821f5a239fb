import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { ARCHIVE_DROP_ENV, archiveDropEnvironment, readArchiveDropSettings, type ArchiveDropSettings } from '../../core/orchestration/archive-drop-env.js';
import { executionName } from '../../core/orchestration/archive-drop.js';
import { TEST_LIMITS, zipOf } from '../../core/orchestration/archive-drop.testing.js';
import { ConfigError, ConfigErrors } from '../../core/errors.js';
import { ForeignBucketError, createArchiveDropHandler, type S3Event } from './handler.js';

expect.extend(allCustomMatcher);

const STAGING = 'sensorlake-dev-staging';
const RAW = 'sensorlake-dev-raw';
const PIPELINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orchestration-pipeline-1a2b3c';
const settings: ArchiveDropSettings = readArchiveDropSettings(
  archiveDropEnvironment({ stagingBucket: STAGING, rawBucket: RAW, stateMachineArn: PIPELINE, tables: ['readings'], limits: TEST_LIMITS, logLevel: 'info' }),
);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);

/** S3 serves `archive` for the key: HEAD, ranged GETs and the whole object as a stream. */
function stage(key: string, archive: Uint8Array): void {
  s3.on(HeadObjectCommand, { Bucket: STAGING, Key: key }).resolves({ ContentLength: archive.length });
  s3.on(GetObjectCommand, { Bucket: STAGING, Key: key }).callsFake((input: { Range?: string }) => {
    const match = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? '');
    const body = match ? archive.slice(Number(match[1]), Number(match[2]) + 1) : archive;
    const chunks = Array.from({ length: Math.ceil(body.length / 1000) }, (_, i) => Buffer.from(body.subarray(i * 1000, (i + 1) * 1000)));
    // What the SDK returns in Node: a Readable with transformToByteArray mixed in.
    return { Body: Object.assign(Readable.from(chunks), { transformToByteArray: async () => new Uint8Array(body) }) };
  });
}

function event(key: string, eTag = '0123abcd', bucket = STAGING): S3Event {
  return { Records: [{ s3: { bucket: { name: bucket }, object: { key, eTag, versionId: 'v1' } } }] };
}

const handler = () => createArchiveDropHandler(settings, { s3: s3 as unknown as S3Client, sfn: sfn as unknown as SFNClient }, pino({ level: 'silent' }));

beforeEach(() => {
  s3.reset();
  sfn.reset();
  s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
  s3.on(PutObjectCommand).resolves({});
  s3.on(CopyObjectCommand).resolves({});
  s3.on(DeleteObjectCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${PIPELINE.replace(':stateMachine:', ':execution:')}:x`, startDate: new Date(0) });
});

describe('the archive-drop handler', () => {
  it('GIVEN a good drop WHEN its event arrives THEN the entries go to the raw bucket, the pipeline starts by name and the archive is deleted', async () => {
    stage('in/readings.zip', zipOf({ 'a.csv': 'x\n1\n', 'dt=2026-01-01/b.csv': 'x\n2\n' }));
    const summary = await handler()(event('in/readings.zip'));

    expect(summary).toEqual({ records: 1, started: 1, alreadyStarted: 0, failed: 0, gone: 0, changed: 0 });
    const name = executionName({ bucket: STAGING, key: 'in/readings.zip', etag: '0123abcd', versionId: 'v1' }, 'readings');
    for (const entry of ['a.csv', 'dt=2026-01-01/b.csv']) {
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: STAGING, Key: `tmp/${name}/${entry}` });
      expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { Bucket: RAW, Key: `readings/${entry}`, CopySource: `${STAGING}/${encodeURIComponent(`tmp/${name}/${entry}`)}` });
      expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: STAGING, Key: `tmp/${name}/${entry}` });
    }
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Bucket: RAW });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: PIPELINE, name });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: STAGING, Key: 'in/readings.zip', IfMatch: '"0123abcd"' });
  });

  it('GIVEN an event WHEN the drop is read THEN every read of it names the ETag of the event (If-Match)', async () => {
    stage('in/readings.zip', zipOf({ 'a.csv': '1\n' }));
    await handler()(event('in/readings.zip'));
    const reads = [...s3.commandCalls(HeadObjectCommand), ...s3.commandCalls(GetObjectCommand)].map((c) => c.args[0].input);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const read of reads) expect(read).toMatchObject({ Bucket: STAGING, Key: 'in/readings.zip', IfMatch: '"0123abcd"' });
  });

  it('GIVEN the object replaced after its event (S3 answers 412 to If-Match) WHEN the event arrives THEN it is counted changed: nothing written, started or moved', async () => {
    stage('in/readings.zip', zipOf({ 'a.csv': '1\n' }));
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }));
    expect(await handler()(event('in/readings.zip'))).toEqual({ records: 1, started: 0, alreadyStarted: 0, failed: 0, gone: 0, changed: 1 });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('GIVEN a drop whose execution already exists WHEN its event is delivered again THEN it counts as already started, not an error', async () => {
    stage('in/readings.zip', zipOf({ 'a.csv': '1\n' }));
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    expect(await handler()(event('in/readings.zip'))).toEqual({ records: 1, started: 0, alreadyStarted: 1, failed: 0, gone: 0, changed: 0 });
  });

  it('GIVEN a path-traversal archive WHEN its event arrives THEN it is copied to failed/ with its reason beside it and deleted from in/', async () => {
    stage('in/readings.zip', zipOf({ '../../etc/x.csv': 'x\n' }));
    const summary = await handler()(event('in/readings.zip'));

    expect(summary.failed).toBe(1);
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { Bucket: STAGING, Key: 'failed/readings.zip/v1/readings.zip', CopySource: `${STAGING}/in%2Freadings.zip`, CopySourceIfMatch: '"0123abcd"' });
    const reasonPut = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === 'failed/readings.zip/v1/reason.json');
    expect(JSON.parse(String(reasonPut?.args[0].input.Body))).toMatchObject({ reason: 'unsafe-path', entry: '../../etc/x.csv', etag: '0123abcd', versionId: 'v1' });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: STAGING, Key: 'in/readings.zip' });
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Bucket: RAW });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('GIVEN an event for an archive already processed WHEN it is retried THEN it is counted gone', async () => {
    expect(await handler()(event('in/readings.zip'))).toEqual({ records: 1, started: 0, alreadyStarted: 0, failed: 0, gone: 1, changed: 0 });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('GIVEN a URL-encoded key WHEN its event arrives THEN the decoded key is read', async () => {
    stage('in/readings.zip', zipOf({ 'a.csv': '1\n' }));
    await handler()(event('in%2Freadings.zip'));
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: STAGING, Key: 'in/readings.zip' });
  });

  it('GIVEN a Step Functions throttle WHEN the drop starts the pipeline THEN the error is thrown (Lambda retries, then the DLQ) and the archive stays', async () => {
    stage('in/readings.zip', zipOf({ 'a.csv': '1\n' }));
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(handler()(event('in/readings.zip'))).rejects.toThrow('Rate exceeded');
    expect(s3).not.toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: STAGING, Key: 'in/readings.zip' });
  });

  it('GIVEN a record of another bucket WHEN it arrives THEN it is refused without a read', async () => {
    await expect(handler()(event('in/readings.zip', 'e', 'someone-else'))).rejects.toThrow(ForeignBucketError);
    expect(s3).not.toHaveReceivedCommand(HeadObjectCommand);
  });
});

describe('readArchiveDropSettings', () => {
  it('GIVEN the variables the stack sets THEN they read back as the settings', () => {
    expect(settings).toEqual({ stagingBucket: STAGING, rawBucket: RAW, stateMachineArn: PIPELINE, tables: ['readings'], limits: TEST_LIMITS, logLevel: 'info' });
  });

  it.each([
    [ARCHIVE_DROP_ENV.stateMachineArn, 'arn:aws:lambda:eu-west-1:123456789012:function:x'],
    [ARCHIVE_DROP_ENV.tables, 'telemetry'],
    [ARCHIVE_DROP_ENV.maxEntries, '0'],
    [ARCHIVE_DROP_ENV.maxCompressionRatio, 'ten'],
    [ARCHIVE_DROP_ENV.rawBucket, 'Bad_Bucket'],
    [ARCHIVE_DROP_ENV.logLevel, 'verbose'],
  ])('GIVEN %s = %j THEN it is refused naming the variable and the value', (name, value) => {
    const env = { ...archiveDropEnvironment({ ...settings }), [name]: value };
    try {
      readArchiveDropSettings(env);
      expect.unreachable('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).key).toBe(name);
      expect((error as ConfigError).value).toBe(value);
    }
  });

  it('GIVEN no variables THEN every missing one is reported together', () => {
    expect(() => readArchiveDropSettings({})).toThrow(ConfigErrors);
  });
});
