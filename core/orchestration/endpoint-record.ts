import { z } from 'zod';
import { InvalidValueError } from '../errors.js';
import { isRoomId, ROOM_ID_EXPECTED } from '../ids.js';
import { MODEL_LAYOUT } from './resources.js';

/**
 * A room's "current model" record on the multi-model endpoint: which model the endpoint serves the room with
 * (its TargetModel, a per-version key that is never overwritten, so SageMaker's cache by TargetModel name can
 * never serve an older model under it) and the threshold calibrated for that model (load-anomalies' rule,
 * mean + 3 std of the model's scores of the room's own training points). One object per room
 * (`<MODEL_LAYOUT.endpointRecords><room>.json`), written whole by the pipeline's publish step once the threshold is
 * known: rooms published at once never read-modify-write a shared object. The alert function (AWS) and the twin's
 * alert stream read it; a room without one is not warm (never flagged).
 */
export interface EndpointModelRecord {
  readonly format: typeof ENDPOINT_RECORD_FORMAT;
  readonly version: 1;
  readonly room: string;
  /** The model version: the training job's name (`rcf-<32 hex>`), also the SageMaker model's name. */
  readonly model: string;
  /** The TargetModel of the room on the multi-model endpoint: `<room>/<model>.tar.gz` (endpointTargetModel). */
  readonly targetModel: string;
  /** A warm score strictly above it is anomalous. */
  readonly threshold: number;
}

/** The record's `format`. */
export const ENDPOINT_RECORD_FORMAT = 'sensorlake-endpoint-model';

/**
 * A model version: the pipeline's training job names (SAGEMAKER_NAME_PREFIX and an MD5), the twin's model ids
 * (`rcf-<room>-<time>`): characters of a room id, starting with a letter or digit, so the key stays one folder level.
 */
const MODEL_VERSION = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const MODEL_VERSION_EXPECTED = 'a model version (1 to 128 characters from [A-Za-z0-9_.:-], starting with a letter or digit)';

/** The TargetModel of a room's model version: its key below MODEL_LAYOUT.endpointModels, `<room>/<model>.tar.gz`. */
export function endpointTargetModel(room: string, model: string): string {
  if (!isRoomId(room) || room === '.' || room === '..') throw new InvalidValueError('room', room, ROOM_ID_EXPECTED, 'endpoint model');
  if (!MODEL_VERSION.test(model)) throw new InvalidValueError('model', model, MODEL_VERSION_EXPECTED, 'endpoint model');
  return `${room}/${model}.tar.gz`;
}

/** The key of a room's record in the models bucket: `<MODEL_LAYOUT.endpointRecords><room>.json`. */
export function endpointRecordKey(room: string): string {
  if (!isRoomId(room) || room === '.' || room === '..') throw new InvalidValueError('room', room, ROOM_ID_EXPECTED, 'endpoint record');
  return `${MODEL_LAYOUT.endpointRecords}${room}.json`;
}

const recordSchema = z.strictObject({
  format: z.literal(ENDPOINT_RECORD_FORMAT),
  version: z.literal(1),
  room: z.string().refine(isRoomId, ROOM_ID_EXPECTED),
  model: z.string().regex(MODEL_VERSION, MODEL_VERSION_EXPECTED),
  targetModel: z.string(),
  threshold: z.number().finite(),
});

/**
 * Reads a room's record (the object's text): JSON, every field as EndpointModelRecord has it, the room the one
 * asked for, the TargetModel the one of its room and model. Throws InvalidValueError naming the field and the value.
 */
export function parseEndpointRecord(text: string, room: string): EndpointModelRecord {
  const subject = `endpoint record ${endpointRecordKey(room)}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidValueError('(record)', text.slice(0, 200), 'a JSON object', subject);
  }
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(record)';
    const field = issue?.path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k as string], value);
    throw new InvalidValueError(path, issue?.path.length ? field : value, issue?.message ?? 'an endpoint model record', subject);
  }
  const record = parsed.data;
  if (record.room !== room) throw new InvalidValueError('room', record.room, room, subject);
  const target = endpointTargetModel(record.room, record.model);
  if (record.targetModel !== target) throw new InvalidValueError('targetModel', record.targetModel, target, subject);
  return record;
}

/** The record of a room's model version and threshold, as the publish step writes it. */
export function endpointRecord(room: string, model: string, threshold: number): EndpointModelRecord {
  if (!Number.isFinite(threshold)) throw new InvalidValueError('threshold', threshold, 'a finite number', 'endpoint record');
  return { format: ENDPOINT_RECORD_FORMAT, version: 1, room, model, targetModel: endpointTargetModel(room, model), threshold };
}
