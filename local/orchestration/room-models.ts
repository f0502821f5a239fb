import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RandomCutForest, RCF_SETTINGS, RcfModel, train, type RcfHyperparameters, type RcfModelState, type RcfSettings } from '../../core/analytics/rcf/index.js';
import { InvalidValueError } from '../../core/errors.js';
import { CURATED_ANOMALIES, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb, queryRows, sqlString } from '../lake/duckdb.js';
import { writePartitioned } from '../lake/writer.js';
import { serviceException } from './errors.js';
import type { LocalSageMaker, SageMakerJobOutcome } from './services.js';

/** A room's model after training. */
export interface RoomTrained {
  readonly room: string;
  readonly modelId: string;
  /** Curated readings it was trained on. */
  readonly rows: number;
  readonly threshold: number;
  /** Where the model is kept. */
  readonly artifact: string;
}

/** A room scored with a model into curated.anomalies. */
export interface RoomScored {
  readonly room: string;
  readonly modelId: string;
  /** Rows written to curated.anomalies (one per curated reading with a value). */
  readonly rows: number;
  readonly flagged: number;
}

/**
 * What the twin's SageMaker does per room, behind the pipeline's training and transform jobs: train a model on
 * the room's curated telemetry, and score the room with it into curated.anomalies. The analytics twin's per-room
 * functions plug in here; rcfRoomModels is a small one over core/analytics/rcf.
 */
export interface RoomModels {
  /** Trains model `modelId` on the room's curated telemetry; a throw fails the training job with its message. */
  train(room: string, modelId: string): Promise<RoomTrained>;
  /** Scores the room's curated telemetry with model `modelId`, replacing the room's rows of curated.anomalies. */
  score(room: string, modelId: string): Promise<RoomScored>;
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

/**
 * The twin's LocalSageMaker over RoomModels: training trains the room's model, createModel names a trained
 * model (by its artifact's training job), an endpoint config a model, updateEndpoint switches the endpoint's
 * config, and a transform job scores the room with its model. What ran is kept for the summary.
 */
export class TwinSageMaker implements LocalSageMaker {
  /** Models trained, by training job name. */
  readonly trained = new Map<string, RoomTrained>();
  /** Rooms scored, in the order their transform jobs ended. */
  readonly scored: RoomScored[] = [];
  /** Each endpoint's current configuration. */
  readonly endpoints = new Map<string, string>();
  private readonly models = new Map<string, string>();
  private readonly configs = new Map<string, string>();

  constructor(private readonly rooms: RoomModels) {}

  async createTrainingJob(request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome> {
    const room = roomOf(request);
    try {
      const trained = await this.rooms.train(room, String(request.TrainingJobName));
      this.trained.set(trained.modelId, trained);
      return { status: 'Completed', details: { FinalMetricDataList: [{ MetricName: 'train:rows', Value: trained.rows }] } };
    } catch (error) {
      return failed(error);
    }
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

  async createTransformJob(request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome> {
    const room = roomOf(request);
    const job = this.models.get(String(request.ModelName));
    if (job === undefined) return failed(`Could not find model "${String(request.ModelName)}".`);
    try {
      this.scored.push(await this.rooms.score(room, job));
      return { status: 'Completed' };
    } catch (error) {
      return failed(error);
    }
  }
}

/** Where rcfRoomModels keeps its models: `<dataDir>/models/<model id>.json`. */
export function roomModelFile(dataDir: string, modelId: string): string {
  return path.join(dataDir, 'models', `${modelId}.json`);
}

interface StoredModel {
  readonly room: string;
  readonly modelId: string;
  readonly rows: number;
  readonly model: RcfModelState;
}

/**
 * A small RoomModels over core/analytics/rcf: a room's series is its curated readings with a value, device by
 * device in time order (one series, so a shingle spans two devices at each change of device), trained with `train`
 * and kept as JSON; scoring runs the same series through the stored model (learning nothing, as an endpoint) and
 * rewrites the room's curated.anomalies partitions.
 */
export function rcfRoomModels(dataDir: string, settings: RcfSettings = RCF_SETTINGS): RoomModels {
  const [feature] = settings.features;
  if (settings.featureDim !== 1 || feature === undefined) throw new Error(`rcfRoomModels scores one feature: got ${settings.features.join(', ')}`);
  const rowsOf = `SELECT row_number() OVER (ORDER BY device_id, ts, record_key) AS i, device_id, ts, ${feature} AS value, room_id, date FROM curated_room WHERE ${feature} IS NOT NULL`;
  const open = async (room: string) => {
    const db = await openDuckdb();
    const catalog = LocalCatalog.open(dataDir);
    await catalog.createView(db.connection, CURATED_TELEMETRY, 'curated_all');
    await db.connection.run(`CREATE TEMP VIEW curated_room AS SELECT * FROM curated_all WHERE room_id = ${sqlString(room)}`);
    await db.connection.run(`CREATE TEMP TABLE room_rows AS ${rowsOf}`);
    const values = Float64Array.from((await queryRows(db.connection, 'SELECT value FROM room_rows ORDER BY i')).map((r) => Number(r.value)));
    return { db, catalog, values };
  };
  return {
    async train(room, modelId) {
      const { db, values } = await open(room);
      db.close();
      const { model } = train(settings, values, { sigmaFactor: settings.sigmaFactor });
      const file = roomModelFile(dataDir, modelId);
      mkdirSync(path.dirname(file), { recursive: true });
      const stored: StoredModel = { room, modelId, rows: values.length, model: model.toJSON() };
      writeFileSync(`${file}.tmp`, JSON.stringify(stored));
      renameSync(`${file}.tmp`, file);
      return { room, modelId, rows: values.length, threshold: model.threshold, artifact: file };
    },
    async score(room, modelId) {
      const stored = JSON.parse(readFileSync(roomModelFile(dataDir, modelId), 'utf8')) as StoredModel;
      const model = RcfModel.fromJSON(stored.model);
      const { db, catalog, values } = await open(room);
      try {
        const { scores, warm, flags } = model.score(values);
        const { connection } = db;
        await connection.run('CREATE TEMP TABLE room_scores (i BIGINT, score DOUBLE, warm BOOLEAN, is_anomaly BOOLEAN)');
        const appender = await connection.createAppender('room_scores', 'main', 'temp');
        let flagged = 0;
        for (let i = 0; i < values.length; i++) {
          appender.appendBigInt(BigInt(i + 1));
          if (Number.isNaN(scores[i])) appender.appendNull();
          else appender.appendDouble(scores[i]!);
          appender.appendBoolean(warm[i] === 1);
          appender.appendBoolean(flags[i] === 1);
          flagged += flags[i]!;
          appender.endRow();
        }
        appender.closeSync();
        // The room's earlier scores are replaced, not added to: each reading has one score, the latest model's.
        rmSync(path.join(catalog.location(CURATED_ANOMALIES), `room_id=${room}`), { recursive: true, force: true });
        const select =
          `SELECT r.device_id, r.ts, r.value, s.score, ${model.threshold} AS threshold, s.warm, s.is_anomaly, ${sqlString(modelId)} AS model_id, ` +
          `now()::TIMESTAMP AS scored_at, r.room_id, r.date FROM room_rows r JOIN room_scores s USING (i)`;
        const written = await writePartitioned(connection, catalog, CURATED_ANOMALIES, select, modelId, ['device_id', 'ts']);
        catalog.save();
        return { room, modelId, rows: written.rows, flagged };
      } finally {
        db.close();
      }
    },
  };
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

/**
 * Trains the twin of SageMaker's built-in RCF on a room's training prefix (`text/csv;label_size=0`: features only),
 * each point offered once in file order. Throws naming the prefix when it holds no point.
 */
export function trainOnPoints(trainingDir: string, hyperparameters: RcfHyperparameters): RandomCutForest {
  const forest = new RandomCutForest(hyperparameters);
  let points = 0;
  for (const file of dataFiles(trainingDir, '.csv')) {
    csvLines(file).forEach((values, i) => {
      forest.update(numbers(values, `${file}:${i + 1}`));
      points++;
    });
  }
  if (points === 0) throw new Error(`No training data found under ${trainingDir}`);
  return forest;
}

/**
 * A batch transform as the pipeline asks SageMaker for one (DataProcessing InputFilter `$[<n>:]`, JoinSource Input):
 * each `<input>.csv` under `inputDir` becomes `<input>.csv.out` under `outputDir`, each line the input line followed
 * by the forest's score of its features (the columns after the first `identifying`). The forest learns nothing, as
 * an endpoint. Returns the lines written.
 */
export function transformPoints(forest: RandomCutForest, inputDir: string, outputDir: string, identifying: number): number {
  let lines = 0;
  mkdirSync(outputDir, { recursive: true });
  for (const file of dataFiles(inputDir, '.csv')) {
    const out = csvLines(file).map((values, i) => `${values.join(',')},${forest.score(numbers(values.slice(identifying), `${file}:${i + 1}`))}`);
    const target = path.join(outputDir, `${path.basename(file)}.out`);
    writeFileSync(`${target}.tmp`, out.length === 0 ? '' : `${out.join('\n')}\n`);
    renameSync(`${target}.tmp`, target);
    lines += out.length;
  }
  return lines;
}
