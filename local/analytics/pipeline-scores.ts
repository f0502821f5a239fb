import path from 'node:path';
import { RCF_SETTINGS, type RcfSettings } from '../../core/analytics/rcf/index.js';
import { CURATED_ANOMALIES, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb, queryRows, sqlString } from '../lake/duckdb.js';
import type { BatchRun, FlaggedReading, RoomBatch, UntrainedRoom } from './batch.js';
import { loadRoomModel, roomModelDir } from './model-store.js';

/** A room the pipeline's Map trained and scored, with the model (its training job's name) that did it. */
export interface PipelineRoom {
  readonly room: string;
  readonly model: string;
}

/** Options of pipelineScores. */
export interface PipelineScoresOptions {
  readonly dataDir: string;
  /** The rooms of the pipeline's Map and their models (the execution's output `trained`). */
  readonly trained: readonly PipelineRoom[];
  /** Rows load-anomalies wrote to curated.anomalies in this execution. */
  readonly loaded: number;
  /** The settings the pipeline trained with (the shingle size); default RCF_SETTINGS. */
  readonly settings?: RcfSettings;
}

/**
 * The batch account of a pipeline run, from what it wrote: per trained room, the curated.anomalies rows of the
 * room's model (scored, flagged, warm), its threshold, and the model store's entry (which must be that model);
 * the curated readings of every room, so that `readRows = scored + beforeShingle + untrained + withoutValue`, where
 * beforeShingle counts each device's first shingleSize - 1 readings of a trained room (prepare-rcf makes no point of
 * them) and untrained the readings of the rooms the Map did not train. `written` is load-anomalies' count.
 */
export async function pipelineScores(options: PipelineScoresOptions): Promise<BatchRun> {
  const started = Date.now();
  const dataDir = path.resolve(options.dataDir);
  const settings = options.settings ?? RCF_SETTINGS;
  const feature = settings.features[0] as string;
  const catalog = LocalCatalog.open(dataDir);
  const db = await openDuckdb();
  try {
    await catalog.createView(db.connection, CURATED_TELEMETRY, 'pipeline_curated');
    const readings = await queryRows(
      db.connection,
      `SELECT room_id, device_id, count(*) AS n, count(${feature}) AS valued FROM pipeline_curated GROUP BY room_id, device_id ORDER BY room_id, device_id`,
    );
    const trainedRooms = new Map(options.trained.map((t) => [t.room, t.model]));
    let readRows = 0;
    let withoutValue = 0;
    let beforeShingle = 0;
    const untrainedRows = new Map<string, number>();
    for (const r of readings) {
      const [n, valued, room] = [Number(r.n), Number(r.valued), String(r.room_id)];
      readRows += n;
      withoutValue += n - valued;
      if (trainedRooms.has(room)) beforeShingle += Math.min(valued, settings.shingleSize - 1);
      else untrainedRows.set(room, (untrainedRows.get(room) ?? 0) + valued);
    }
    const untrained: UntrainedRoom[] = [...untrainedRows].map(([room, rows]) => ({ room, rows, reason: 'not trained by the pipeline: the room listing leaves out rooms with too few readings' }));
    const rooms: RoomBatch[] = [];
    const flags: FlaggedReading[] = [];
    const partitions = new Set<string>();
    await catalog.createView(db.connection, CURATED_ANOMALIES, 'pipeline_anomalies');
    for (const { room, model } of [...options.trained].sort((a, b) => a.room.localeCompare(b.room))) {
      const stored = loadRoomModel(dataDir, room);
      if (stored?.metadata.modelId !== model) throw new Error(`the pipeline trained model ${model} for room ${room} but the model store holds ${stored === undefined ? 'none' : stored.metadata.modelId}`);
      const rows = await queryRows(
        db.connection,
        `SELECT device_id, CAST(epoch_ms(ts) AS VARCHAR) AS ts_ms, threshold, warm, is_anomaly, date FROM pipeline_anomalies WHERE room_id = ${sqlString(room)} AND model_id = ${sqlString(model)} ORDER BY device_id, ts`,
      );
      const thresholds = new Set(rows.map((r) => Number(r.threshold)));
      if (thresholds.size > 1) throw new Error(`room ${room}'s scores of model ${model} carry ${thresholds.size} thresholds: expected one`);
      let flagged = 0;
      for (const r of rows) {
        partitions.add(`room_id=${room}/date=${String(r.date)}`);
        if (r.is_anomaly !== true) continue;
        flagged++;
        flags.push({ room, deviceId: String(r.device_id), timeMs: Number(r.ts_ms) });
      }
      rooms.push({
        room,
        modelId: model,
        trainedRows: stored.metadata.trainedRows,
        devices: new Set(rows.map((r) => String(r.device_id))).size,
        threshold: rows.length === 0 ? stored.metadata.threshold : Number(rows[0]!.threshold),
        scored: rows.length,
        flagged,
        notFlagged: rows.length - flagged,
        warmingUp: rows.filter((r) => r.warm !== true).length,
        modelFile: path.join(roomModelDir(dataDir, room), 'model.json'),
      });
    }
    return { runId: 'pipeline', rooms, untrained, readRows, withoutValue, beforeShingle, written: options.loaded, partitions: [...partitions].sort(), flags, elapsedMs: Date.now() - started };
  } finally {
    db.close();
  }
}
