import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { RCF_SETTINGS, toSageMakerHyperparameters, type RcfSettings } from '../../core/analytics/rcf/index.js';
import { COLUMN_TYPES, CURATED_ANOMALIES, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb, queryRows } from '../lake/duckdb.js';
import { writePartitioned } from '../lake/writer.js';
import { roomModelDir, saveRoomModel, type RoomModelMetadata } from './model-store.js';
import { writeLocalEndpointRecord } from './endpoint-records.js';
import { endpointRecord } from '../../core/orchestration/endpoint-record.js';
import { trainRoom, type RoomReading } from './room-model.js';

/**
 * The batch half of the analytics twin (SageMaker training and batch transform in AWS): per room, every curated
 * reading read with DuckDB through the local catalog, one Random Cut Forest trained (room-model.ts), its model
 * stored (model-store.ts), and every reading's score written as `curated.anomalies` (CURATED_ANOMALIES, Parquet
 * partitioned by room and date, registered in the catalog). The scores are the training pass's own (each reading
 * scored before it is learned), the very scores the threshold was calibrated on; a reading scored before the forest
 * was warm, or before its device's shingle was full, is written with warm = false and never flagged.
 */

/** A flagged reading, for quality against labels. */
export interface FlaggedReading {
  readonly room: string;
  readonly deviceId: string;
  /** Event time, epoch ms. */
  readonly timeMs: number;
}

/** What one room's batch did; `scored = flagged + notFlagged`, `warmingUp` is part of notFlagged. */
export interface RoomBatch {
  readonly room: string;
  readonly modelId: string;
  /** Curated readings of the room with a temperature: all scored (written to the anomalies table). */
  readonly trainedRows: number;
  readonly devices: number;
  readonly threshold: number;
  readonly scored: number;
  readonly flagged: number;
  readonly notFlagged: number;
  /** Scored while the forest was not warm or the device's shingle not full (warm = false): never flagged. */
  readonly warmingUp: number;
  readonly modelFile: string;
}

/** A room that could not be trained: too few readings for a warm score. Its readings are not scored. */
export interface UntrainedRoom {
  readonly room: string;
  readonly rows: number;
  readonly reason: string;
}

/** What the batch did over every room. */
export interface BatchRun {
  readonly runId: string;
  readonly rooms: readonly RoomBatch[];
  readonly untrained: readonly UntrainedRoom[];
  /** Curated readings read: `readRows = Σ rooms.scored + beforeShingle + Σ untrained.rows + withoutValue`. */
  readonly readRows: number;
  /**
   * Readings of trained rooms in no shingled point (each device's first shingleSize - 1: the pipeline's prepare-rcf
   * makes no point of them), not scored; 0 for runBatch, which writes them with a null score.
   */
  readonly beforeShingle: number;
  /** Curated readings without a temperature (none today: curate refuses them), not scored. */
  readonly withoutValue: number;
  /** Rows written to curated.anomalies by this run (the rooms' previous scores replaced). */
  readonly written: number;
  readonly partitions: readonly string[];
  readonly flags: readonly FlaggedReading[];
  readonly elapsedMs: number;
}

/** Options of runBatch. */
export interface BatchOptions {
  readonly dataDir: string;
  /** Default RCF_SETTINGS (the seed's model). */
  readonly settings?: RcfSettings;
  /** Time of the run: scored_at, the model ids and the training metadata. Default now. */
  readonly now?: () => Date;
  /** Called as rooms train: rows done of the total. */
  readonly onProgress?: (done: number, total: number, room: string) => void;
}

interface CuratedRow {
  readonly room_id: string;
  readonly device_id: string;
  readonly ts_ms: string;
  readonly temperature: number | null;
}

const ANOMALY_ROWS = 'analytics_anomaly_rows';

/** The model id of a room's model trained at `at`: `rcf-<room>-<time>`. */
export function modelIdOf(room: string, at: Date): string {
  return `rcf-${room}-${at.toISOString().replace(/[:.]/g, '-')}`;
}

async function createAnomalyRows(connection: DuckDBConnection): Promise<void> {
  const columns = [...CURATED_ANOMALIES.columns, ...CURATED_ANOMALIES.partitionKeys];
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${ANOMALY_ROWS} (${columns.map((c) => `${c.name} ${COLUMN_TYPES[c.type].duckdb}`).join(', ')})`);
}

/**
 * Moves a room's current anomaly partitions aside (a hidden folder the catalog does not read), so the write that
 * follows replaces them rather than compacting old scores with new ones; `restore` puts them back, `drop` deletes.
 */
function setAside(location: string, rooms: readonly string[], runId: string): { restore(): void; drop(): void } {
  const moved: { from: string; to: string }[] = [];
  for (const room of rooms) {
    const from = path.join(location, `room_id=${room}`);
    if (!existsSync(from)) continue;
    const to = path.join(location, `.replaced-${runId}-room_id=${room}`);
    rmSync(to, { recursive: true, force: true });
    renameSync(from, to);
    moved.push({ from, to });
  }
  return {
    restore: () => {
      for (const m of moved) {
        rmSync(m.from, { recursive: true, force: true });
        renameSync(m.to, m.from);
      }
    },
    drop: () => {
      for (const m of moved) rmSync(m.to, { recursive: true, force: true });
    },
  };
}

/** Trains a model per room on the curated telemetry of `dataDir`, stores each, and writes every reading's score to curated.anomalies. */
export async function runBatch(options: BatchOptions): Promise<BatchRun> {
  const started = Date.now();
  const settings = options.settings ?? RCF_SETTINGS;
  const at = options.now?.() ?? new Date();
  const runId = at.toISOString().replace(/[:.]/g, '-');
  const dataDir = path.resolve(options.dataDir);
  const catalog = LocalCatalog.open(dataDir, { now: () => at });
  const db = await openDuckdb();
  try {
    const view = 'analytics_curated_telemetry';
    await catalog.createView(db.connection, CURATED_TELEMETRY, view);
    const feature = settings.features[0] as string;
    // Event-time order across the room's devices (room-model.ts says why); record_key makes ties deterministic.
    const rows = (await queryRows(
      db.connection,
      `SELECT room_id, device_id, CAST(epoch_ms(ts) AS VARCHAR) AS ts_ms, ${feature} AS temperature FROM ${view} ORDER BY room_id, ts, device_id, record_key`,
    )) as unknown as CuratedRow[];
    const byRoom = new Map<string, CuratedRow[]>();
    let withoutValue = 0;
    for (const row of rows) {
      if (row.temperature === null) {
        withoutValue++;
        continue;
      }
      const list = byRoom.get(row.room_id);
      if (list === undefined) byRoom.set(row.room_id, [row]);
      else list.push(row);
    }
    const total = rows.length - withoutValue;
    let done = 0;
    const rooms: RoomBatch[] = [];
    const untrained: UntrainedRoom[] = [];
    const flags: FlaggedReading[] = [];
    await createAnomalyRows(db.connection);
    const appender = await db.connection.createAppender(ANOMALY_ROWS);
    const scoredAt = new DuckDBTimestampValue(BigInt(at.getTime()) * 1000n);
    for (const [room, list] of [...byRoom].sort(([a], [b]) => a.localeCompare(b))) {
      roomModelDir(dataDir, room);
      const readings: RoomReading[] = list.map((r) => ({ deviceId: r.device_id, value: r.temperature as number }));
      const base = done;
      let training;
      try {
        training = trainRoom(settings, readings, (i) => {
          if (i % 1000 === 999 || i === readings.length - 1) options.onProgress?.(base + i + 1, total, room);
        });
      } catch (error) {
        untrained.push({ room, rows: list.length, reason: error instanceof Error ? error.message : String(error) });
        done += list.length;
        options.onProgress?.(done, total, room);
        continue;
      }
      done += list.length;
      const modelId = modelIdOf(room, at);
      const threshold = training.model.threshold;
      let flagged = 0;
      let warmingUp = 0;
      list.forEach((r, i) => {
        const score = training.scores[i] as number;
        const warm = training.warm[i] === 1;
        const flag = training.flags[i] === 1;
        const timeMs = Number(r.ts_ms);
        if (flag) {
          flagged++;
          flags.push({ room, deviceId: r.device_id, timeMs });
        }
        if (!warm) warmingUp++;
        appender.appendVarchar(r.device_id);
        appender.appendTimestamp(new DuckDBTimestampValue(BigInt(timeMs) * 1000n));
        appender.appendDouble(r.temperature as number);
        if (Number.isNaN(score)) appender.appendNull();
        else appender.appendDouble(score);
        appender.appendDouble(threshold);
        appender.appendBoolean(warm);
        appender.appendBoolean(flag);
        appender.appendVarchar(modelId);
        appender.appendTimestamp(scoredAt);
        appender.appendVarchar(room);
        appender.appendVarchar(new Date(timeMs).toISOString().slice(0, 10));
        appender.endRow();
      });
      const devices = new Set(list.map((r) => r.device_id)).size;
      const metadata: RoomModelMetadata = {
        format: 'sensorlake-rcf-room-model',
        version: 1,
        modelId,
        room,
        features: settings.features,
        trainedAt: at.toISOString(),
        trainedRows: list.length,
        devices,
        threshold,
        calibration: training.model.calibration,
        hyperparameters: training.model.hyperparameters,
        sageMakerHyperparameters: toSageMakerHyperparameters(training.model.hyperparameters),
        trainingWindow: { from: new Date(Number(list[0]!.ts_ms)).toISOString(), to: new Date(Number(list.at(-1)!.ts_ms)).toISOString() },
      };
      const files = saveRoomModel(dataDir, training.model, metadata);
      rooms.push({ room, modelId, trainedRows: list.length, devices, threshold, scored: list.length, flagged, notFlagged: list.length - flagged, warmingUp, modelFile: files.model });
    }
    appender.closeSync();
    const location = catalog.location(CURATED_ANOMALIES);
    const aside = setAside(location, rooms.map((r) => r.room), runId);
    let written;
    try {
      written = await writePartitioned(db.connection, catalog, CURATED_ANOMALIES, `SELECT * FROM ${ANOMALY_ROWS}`, `analytics-${runId}`);
      catalog.save();
    } catch (error) {
      aside.restore();
      throw error;
    }
    aside.drop();
    // The rooms' endpoint records, once their scores are in curated.anomalies: the live stream then scores each
    // room with this model and its threshold, as the pipeline's publish step does after load-anomalies on AWS.
    for (const r of rooms) writeLocalEndpointRecord(dataDir, endpointRecord(r.room, r.modelId, r.threshold));
    return { runId, rooms, untrained, readRows: rows.length, withoutValue, beforeShingle: 0, written: written.rows, partitions: written.partitions, flags, elapsedMs: Date.now() - started };
  } finally {
    db.close();
  }
}

