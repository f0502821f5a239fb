import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { toSageMakerHyperparameters} from '../../core/analytics/rcf/index.js';
import { RcfModel, type Calibration, type RcfHyperparameters, type RcfModelState } from '../../core/analytics/rcf/index.js';
import { InvalidValueError } from '../../core/errors.js';
import { isRoomId, ROOM_ID_EXPECTED } from '../../core/ids.js';

/**
 * The twin's model registry (SageMaker's model artifacts in S3): `<dataDir>/models/rcf/<room>/model.json` (the
 * forest and its calibration, RcfModel.toJSON) and `metadata.json` beside it (what a reader needs without loading
 * the forest: threshold, rows, hyperparameters, training window).
 */

/** What is known of a room's model without loading its forest. */
export interface RoomModelMetadata {
  readonly format: 'sensorlake-rcf-room-model';
  readonly version: 1;
  readonly modelId: string;
  readonly room: string;
  readonly features: readonly string[];
  readonly trainedAt: string;
  /** Readings the forest streamed through (every curated reading of the room with a value). */
  readonly trainedRows: number;
  /** Devices of the room, each with its own shingle; unknown to a model trained on shingled points (the pipeline's). */
  readonly devices?: number;
  readonly threshold: number;
  readonly calibration: Calibration;
  readonly hyperparameters: RcfHyperparameters;
  /** As SageMaker's training job would take them (feature_dim = features × shingle size). */
  readonly sageMakerHyperparameters: ReturnType<typeof toSageMakerHyperparameters>;
  /** Event times of the first and last training reading, ISO 8601; unknown to a model trained on shingled points. */
  readonly trainingWindow?: { readonly from: string; readonly to: string };
}

/** The folder of all room models of a data directory. */
export function modelsDir(dataDir: string): string {
  return path.join(dataDir, 'models', 'rcf');
}

/** The folder of one room's model; refuses a room id that is not one (or would leave the folder: `.`, `..`). */
export function roomModelDir(dataDir: string, room: string): string {
  if (!isRoomId(room) || room === '.' || room === '..') throw new InvalidValueError('room_id', room, `${ROOM_ID_EXPECTED}, other than . and ..`, 'model');
  return path.join(modelsDir(dataDir), room);
}

function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value)}\n`);
  renameSync(tmp, file);
}

/** Writes a room's model and metadata (each written beside, then renamed, so a crash leaves the previous pair readable). */
export function saveRoomModel(dataDir: string, model: RcfModel, metadata: RoomModelMetadata): { model: string; metadata: string } {
  const dir = roomModelDir(dataDir, metadata.room);
  mkdirSync(dir, { recursive: true });
  const files = { model: path.join(dir, 'model.json'), metadata: path.join(dir, 'metadata.json') };
  writeJson(files.model, model.toJSON());
  writeJson(files.metadata, metadata);
  return files;
}

/** A room's stored model and metadata, or undefined when the room has none. */
export function loadRoomModel(dataDir: string, room: string): { model: RcfModel; metadata: RoomModelMetadata } | undefined {
  const dir = roomModelDir(dataDir, room);
  const modelFile = path.join(dir, 'model.json');
  const metadataFile = path.join(dir, 'metadata.json');
  if (!existsSync(modelFile) || !existsSync(metadataFile)) return undefined;
  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as RoomModelMetadata;
  if (metadata?.format !== 'sensorlake-rcf-room-model' || metadata.version !== 1) {
    throw new Error(`${metadataFile} is not room model metadata of format sensorlake-rcf-room-model version 1`);
  }
  return { model: RcfModel.fromJSON(JSON.parse(readFileSync(modelFile, 'utf8')) as RcfModelState), metadata };
}
