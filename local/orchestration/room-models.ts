import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calibrateThreshold, RandomCutForest, RCF_SETTINGS, RcfModel, toSageMakerHyperparameters, type RcfHyperparameters, type RcfSettings } from '../../core/analytics/rcf/index.js';
import { InvalidValueError } from '../../core/errors.js';
import { FORMATS } from '../../core/lake/formats.js';
import { RCF_FEATURES_COLUMN, RCF_SCORES, RCF_TRANSFORM_INPUT } from '../../core/lake/tables.js';
import { loadRoomModel, saveRoomModel, type RoomModelMetadata } from '../analytics/model-store.js';
import { serviceException } from './errors.js';
import type { LocalSageMaker, SageMakerJobOutcome } from './services.js';

/** The twin's curated bucket: the pipeline's per-room RCF data (MODEL_LAYOUT) is under the data dir's curated zone. */
export const LOCAL_CURATED_BUCKET = 'sensorlake-local-curated';

/** The twin's models bucket (artifacts and the endpoint's models; the model store keeps the models themselves). */
export const LOCAL_MODELS_BUCKET = 'sensorlake-local-models';

/**
 * The folder of an S3 URI of the twin's curated bucket: `s3://sensorlake-local-curated/<key>` is `<dataDir>/curated/<key>`
 * (the curated zone, as LocalCatalog lays it out). Refuses another bucket, no key, or a key leaving the zone.
 */
export function localCuratedPath(dataDir: string, uri: string): string {
  const expected = `s3://${LOCAL_CURATED_BUCKET}/<key> inside the curated zone`;
  const key = uri.startsWith(`s3://${LOCAL_CURATED_BUCKET}/`) ? uri.slice(`s3://${LOCAL_CURATED_BUCKET}/`.length) : undefined;
  if (key === undefined || key.replace(/\/$/, '') === '') throw new InvalidValueError('S3Uri', uri, expected, 'local SageMaker');
  const zone = path.join(path.resolve(dataDir), 'curated');
  const dir = path.join(zone, ...key.split('/').filter((part) => part !== ''));
  if (!dir.startsWith(`${zone}${path.sep}`) || key.split('/').includes('..')) throw new InvalidValueError('S3Uri', uri, expected, 'local SageMaker');
  return dir;
}

/** A model the twin's training job trained: its room, the points it saw, its threshold. */
export interface RoomTrained {
  readonly room: string;
  readonly modelId: string;
  /** Training points (shingled readings) it was trained on. */
  readonly rows: number;
  readonly threshold: number;
  /** The model store's file of the forest. */
  readonly artifact: string;
}

/** The room a SageMaker request is for: its `sensorlake:room` tag (the per-room machine tags every job with it). */
function roomOf(request: Readonly<Record<string, unknown>>): string {
  const tags = (request.Tags ?? []) as readonly { Key?: unknown; Value?: unknown }[];
  const room = tags.find((t) => t.Key === 'sensorlake:room')?.Value;
  if (typeof room !== 'string') throw serviceException('SageMaker', 'AmazonSageMaker', 'ValidationException', 'the request has no sensorlake:room tag: the local SageMaker cannot tell which room it is for');
  return room;
}

function failed(error: unknown): SageMakerJobOutcome {
  return { status: 'Failed', failureReason: error instanceof Error ? error.message : String(error) };
}

/** A request's `S3Uri` of an S3 data source (`{DataSource: {S3DataSource: {S3Uri}}}`), or a throw naming the field. */
function s3UriOf(source: unknown, field: string): string {
  const uri = (source as { DataSource?: { S3DataSource?: { S3Uri?: unknown } } } | undefined)?.DataSource?.S3DataSource?.S3Uri;
  if (typeof uri !== 'string') throw new InvalidValueError(field, JSON.stringify(uri), 'an S3 URI', 'local SageMaker');
  return uri;
}

/** The DataProcessing the pipeline gives a transform, as the twin checks it: the features in, each input line joined to its score out. */
const TRANSFORM_PROCESSING = { InputFilter: `$['${RCF_FEATURES_COLUMN.name}']`, JoinSource: 'Input' } as const;

/** Refuses a transform whose DataProcessing is not TRANSFORM_PROCESSING (the shape transformPoints writes and load-anomalies reads). */
function checkProcessing(request: Readonly<Record<string, unknown>>): void {
  const processing = (request.DataProcessing ?? {}) as { InputFilter?: unknown; JoinSource?: unknown };
  for (const field of ['InputFilter', 'JoinSource'] as const) {
    if (processing[field] !== TRANSFORM_PROCESSING[field]) {
      throw new InvalidValueError(`DataProcessing.${field}`, String(processing[field]), TRANSFORM_PROCESSING[field], 'local SageMaker');
    }
  }
}

/**
 * The twin's LocalSageMaker on the pipeline's data path, the TypeScript RCF behind SageMaker's built-in one: a
 * training job trains a point forest on the room's training prefix (prepare-rcf's CSV), calibrates its threshold on
 * those points' scores (mean + 3 std, as load-anomalies does on the transform's) and keeps it in the model store
 * (model-store.ts, where the live alert stream finds it, as a per-device shingled forest of the same points);
 * createModel names a trained model by its artifact's training job, an endpoint config a model, updateEndpoint
 * switches the endpoint's config; a transform job scores the transform prefix with the room's stored model into
 * `<input>.json.out` under the output prefix (each input object with `SageMakerOutput.score`), which load-anomalies loads.
 */
export class TwinSageMaker implements LocalSageMaker {
  /** Models trained, by training job name. */
  readonly trained = new Map<string, RoomTrained>();
  /** Each endpoint's current configuration. */
  readonly endpoints = new Map<string, string>();
  private readonly models = new Map<string, string>();
  private readonly configs = new Map<string, string>();

  constructor(
    private readonly dataDir: string,
    private readonly settings: RcfSettings = RCF_SETTINGS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  createTrainingJob(request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome> {
    const room = roomOf(request);
    try {
      const channels = (request.InputDataConfig ?? []) as readonly Record<string, unknown>[];
      const channel = channels.find((c) => c.ChannelName === 'train');
      if (channel === undefined) throw new InvalidValueError('InputDataConfig', JSON.stringify(channels.map((c) => c.ChannelName)), 'a channel named train', 'local SageMaker');
      const modelId = String(request.TrainingJobName);
      const trained = this.train(room, modelId, localCuratedPath(this.dataDir, s3UriOf(channel, 'InputDataConfig[train].DataSource.S3DataSource.S3Uri')));
      this.trained.set(modelId, trained);
      return Promise.resolve({ status: 'Completed', details: { FinalMetricDataList: [{ MetricName: 'train:rows', Value: trained.rows }] } });
    } catch (error) {
      return Promise.resolve(failed(error));
    }
  }

  private train(room: string, modelId: string, trainingDir: string): RoomTrained {
    const hyperparameters = pointForestHyperparameters(this.settings);
    const points = [...pointsUnder(trainingDir)];
    const forest = trainOnPoints(trainingDir, hyperparameters);
    const scores = points.map((p) => forest.score(p));
    const calibration = calibrateThreshold(scores, scores.map(() => 1), this.settings.sigmaFactor);
    // The same forest over the same points, as the live stream builds them: one shingle of shingleSize readings per device.
    const shingled = RandomCutForest.fromJSON({ ...forest.toJSON(), hyperparameters: { ...forest.hyperparameters, featureDim: this.settings.featureDim, shingleSize: this.settings.shingleSize } });
    const model = new RcfModel(shingled, calibration);
    const metadata: RoomModelMetadata = {
      format: 'sensorlake-rcf-room-model',
      version: 1,
      modelId,
      room,
      features: this.settings.features,
      trainedAt: this.now().toISOString(),
      trainedRows: points.length,
      threshold: calibration.threshold,
      calibration,
      hyperparameters: shingled.hyperparameters,
      sageMakerHyperparameters: toSageMakerHyperparameters(shingled.hyperparameters),
    };
    const files = saveRoomModel(this.dataDir, model, metadata);
    return { room, modelId, rows: points.length, threshold: calibration.threshold, artifact: files.model };
  }

  createModel(request: Readonly<Record<string, unknown>>): Promise<void> {
    const url = String((request.PrimaryContainer as { ModelDataUrl?: unknown } | undefined)?.ModelDataUrl ?? '');
    const job = /\/([^/]+)\/output\/model\.tar\.gz$/.exec(url)?.[1];
    if (job === undefined || !this.trained.has(job)) {
      return Promise.reject(serviceException('SageMaker', 'AmazonSageMaker', 'ValidationException', `Could not find model data at ${url}`));
    }
    this.models.set(String(request.ModelName), job);
    return Promise.resolve();
  }

  createEndpointConfig(request: Readonly<Record<string, unknown>>): Promise<void> {
    const model = String((request.ProductionVariants as readonly { ModelName?: unknown }[] | undefined)?.[0]?.ModelName);
    if (!this.models.has(model)) return Promise.reject(serviceException('SageMaker', 'AmazonSageMaker', 'ValidationException', `Could not find model "${model}".`));
    this.configs.set(String(request.EndpointConfigName), model);
    return Promise.resolve();
  }

  updateEndpoint(request: Readonly<Record<string, unknown>>): Promise<void> {
    const config = String(request.EndpointConfigName);
    if (!this.configs.has(config)) return Promise.reject(serviceException('SageMaker', 'AmazonSageMaker', 'ValidationException', `Could not find endpoint configuration "${config}".`));
    this.endpoints.set(String(request.EndpointName), config);
    return Promise.resolve();
  }

  createTransformJob(request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome> {
    const room = roomOf(request);
    const job = this.models.get(String(request.ModelName));
    if (job === undefined) return Promise.resolve(failed(`Could not find model "${String(request.ModelName)}".`));
    try {
      const stored = loadRoomModel(this.dataDir, room);
      if (stored?.metadata.modelId !== job) throw new Error(`the model store holds ${stored === undefined ? 'no model' : `model ${stored.metadata.modelId}`} for room ${room}, not ${job}`);
      const input = localCuratedPath(this.dataDir, s3UriOf(request.TransformInput, 'TransformInput.DataSource.S3DataSource.S3Uri'));
      const outputUri = (request.TransformOutput as { S3OutputPath?: unknown } | undefined)?.S3OutputPath;
      if (typeof outputUri !== 'string') throw new InvalidValueError('TransformOutput.S3OutputPath', JSON.stringify(outputUri), 'an S3 URI', 'local SageMaker');
      const output = localCuratedPath(this.dataDir, outputUri);
      checkProcessing(request);
      transformPoints(stored.model.forest, input, output);
      return Promise.resolve({ status: 'Completed' });
    } catch (error) {
      return Promise.resolve(failed(error));
    }
  }
}

/**
 * The hyperparameters of the twin of SageMaker's built-in RCF: SageMaker does not shingle, it gets the shingled
 * points (rcf_points.sql), so its forest has feature_dim = featureDim × shingleSize and no shingling of its own;
 * trees, samples, decay, warm-up, resolution and seed are the settings'.
 */
export function pointForestHyperparameters(settings: RcfSettings = RCF_SETTINGS): RcfHyperparameters {
  return { ...settings, featureDim: settings.featureDim * settings.shingleSize, shingleSize: 1 };
}

/** The data files (not hidden, not temporary) with a suffix under a folder, recursively, sorted. */
function dataFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix) && !f.split(path.sep).some((part) => part.startsWith('.') || part.startsWith('_')))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The comma-separated values of each line of a headerless CSV file the pipeline wrote (no quoting: ids and numbers only). */
function csvLines(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      if (line.includes('"')) throw new InvalidValueError('line', `${file}:${i + 1}`, 'values without quotes (device ids, times and numbers)', 'RCF data file');
      return line.split(',');
    });
}

function numbers(values: readonly string[], where: string): Float64Array {
  return Float64Array.from(values, (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidValueError('feature', v, 'a finite number', where);
    return n;
  });
}

/** The points of the headerless CSV files under a folder (features only), in file order. */
export function* pointsUnder(dir: string): Generator<Float64Array> {
  for (const file of dataFiles(dir, '.csv')) {
    for (const [i, values] of csvLines(file).entries()) yield numbers(values, `${file}:${i + 1}`);
  }
}

/**
 * Trains the twin of SageMaker's built-in RCF on a room's training prefix (`text/csv;label_size=0`: features only),
 * each point offered once in file order. Throws naming the prefix when it holds no point.
 */
export function trainOnPoints(trainingDir: string, hyperparameters: RcfHyperparameters): RandomCutForest {
  const forest = new RandomCutForest(hyperparameters);
  let points = 0;
  for (const point of pointsUnder(trainingDir)) {
    forest.update(point);
    points++;
  }
  if (points === 0) throw new Error(`No training data found under ${trainingDir}`);
  return forest;
}

/** A point's features from one JSON line of a transform input: the `features` member, every value a finite number. */
function features(line: unknown, where: string): Float64Array {
  const values = typeof line === 'object' && line !== null && !Array.isArray(line) ? (line as Record<string, unknown>)[RCF_FEATURES_COLUMN.name] : undefined;
  if (!Array.isArray(values) || values.length === 0) throw new InvalidValueError(RCF_FEATURES_COLUMN.name, JSON.stringify(values), 'a non-empty array of numbers', where);
  return Float64Array.from(values, (v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidValueError('feature', JSON.stringify(v), 'a finite number', where);
    return v;
  });
}

/**
 * A batch transform as the pipeline asks SageMaker for one (ContentType and Accept application/jsonlines, InputFilter
 * `$['features']`, JoinSource Input): each JSON Lines `<input>.json` under `inputDir` becomes `<input>.json.out` under
 * `outputDir`, each line the input object with `"SageMakerOutput": {"score": x}` added, x the forest's score of the
 * object's features. The forest learns nothing, as an endpoint. Returns the lines written.
 */
export function transformPoints(forest: RandomCutForest, inputDir: string, outputDir: string): number {
  let lines = 0;
  mkdirSync(outputDir, { recursive: true });
  for (const file of dataFiles(inputDir, FORMATS[RCF_TRANSFORM_INPUT.format].duckdb.fileSuffix)) {
    const out = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        const where = `${file}:${i + 1}`;
        let input: unknown;
        try {
          input = JSON.parse(line);
        } catch {
          throw new InvalidValueError('line', line, 'a JSON object', where);
        }
        return JSON.stringify({ ...(input as Record<string, unknown>), SageMakerOutput: { score: forest.score(features(input, where)) } });
      });
    const target = path.join(outputDir, `${path.basename(file)}${FORMATS[RCF_SCORES.format].duckdb.fileSuffix}`);
    writeFileSync(`${target}.tmp`, out.length === 0 ? '' : `${out.join('\n')}\n`);
    renameSync(`${target}.tmp`, target);
    lines += out.length;
  }
  return lines;
}
