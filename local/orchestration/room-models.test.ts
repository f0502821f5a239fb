import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../core/errors.js';
import { LOCAL_CURATED_BUCKET, localCuratedPath } from './room-models.js';

const DATA = path.resolve('/data');

describe('localCuratedPath: an S3 URI of the twin\'s curated bucket to its folder in the data dir\'s curated zone', () => {
  describe.each([
    [`s3://${LOCAL_CURATED_BUCKET}/rcf/training/room_id=room-a/`, path.join(DATA, 'curated', 'rcf', 'training', 'room_id=room-a')],
    [`s3://${LOCAL_CURATED_BUCKET}/rcf/scores/room_id=r/model_id=rcf-1/`, path.join(DATA, 'curated', 'rcf', 'scores', 'room_id=r', 'model_id=rcf-1')],
    [`s3://${LOCAL_CURATED_BUCKET}/rcf/transform/room_id=r`, path.join(DATA, 'curated', 'rcf', 'transform', 'room_id=r')],
  ])('GIVEN %s', (uri, expected) => {
    it(`WHEN mapped THEN it is ${expected}`, () => expect(localCuratedPath(DATA, uri)).toBe(expected));
  });

  describe.each([
    ['another bucket', 's3://sensorlake-local-models/rcf/training/room_id=r/'],
    ['not an S3 URI', '/rcf/training/room_id=r/'],
    ['a key leaving the zone', `s3://${LOCAL_CURATED_BUCKET}/rcf/../../etc/`],
    ['no key', `s3://${LOCAL_CURATED_BUCKET}/`],
  ])('GIVEN %s (%s)', (_what, uri) => {
    it('WHEN mapped THEN it is refused naming the URI', () => {
      expect(() => localCuratedPath(DATA, uri)).toThrow(InvalidValueError);
      expect(() => localCuratedPath(DATA, uri)).toThrow(uri);
    });
  });
});
