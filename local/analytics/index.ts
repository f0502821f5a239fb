import path from 'node:path';
import type { RuleEnvelope } from '../../core/ingestion/definitions.js';
import type { ProcessorSettings } from '../../core/ingestion/processor.js';
import { RCF_SETTINGS, type RcfSettings } from '../../core/analytics/rcf/index.js';
import { openAlertLog, type AlertLog } from './alerts-log.js';
import { readLocalEndpointRecord } from './endpoint-records.js';
import { liveScorer, type LiveRoom } from './live-scorer.js';
import { loadRoomModel } from './model-store.js';
import { startAlertStream, type AlertStream, type AlertStreamStats } from './stream.js';

/**
 * The analytics layer's twin. During the run, the real-time alerts: the alert stream (stream.ts, Lambda's tumbling
 * window over a local Kinesis) fed by the ingestion twin's `onEnvelopes`, scored by the local RCF (live-scorer.ts:
 * the rooms' stored models of an earlier run, else forests warming up online), alerts to the alert log. After the
 * pipeline (which trains and scores the rooms with the twin's SageMaker, storing each room's model): the account of
 * what it wrote (pipeline-scores.ts). One runner, `startAnalyticsTwin`; batch.ts trains and scores without the pipeline.
 */

export { runBatch, modelIdOf } from './batch.js';
export { pipelineScores } from './pipeline-scores.js';
export type { PipelineRoom, PipelineScoresOptions } from './pipeline-scores.js';
export type { BatchRun, BatchOptions, FlaggedReading, RoomBatch, UntrainedRoom } from './batch.js';
export { judge, readLabelsCsv } from './judge.js';
export type { JudgedKind, Judgement, JudgeScope } from './judge.js';
export { liveScorer } from './live-scorer.js';
export { localEndpointRecordFile, localModelsBucketDir, readLocalEndpointRecord, writeLocalEndpointRecord } from './endpoint-records.js';
export type { LiveRoom, LiveScorer, LiveScorerOptions, LiveSource } from './live-scorer.js';
export { loadRoomModel, modelsDir, roomModelDir, saveRoomModel } from './model-store.js';
export type { RoomModelMetadata } from './model-store.js';
export { scoreRoom, trainRoom } from './room-model.js';
export type { RoomReading, RoomTraining } from './room-model.js';
export { alertLogFile, openAlertLog, readAlertLog } from './alerts-log.js';
export { startAlertStream } from './stream.js';

/** What the analytics twin needs. */
export interface AnalyticsTwinOptions {
  readonly dataDir: string;
  /** Default RCF_SETTINGS. */
  readonly settings?: RcfSettings;
  /** The stream's clock (arrival times, window ends). Default Date.now. */
  readonly clock?: () => number;
  /** Tumbling window length; default the stream's (10 s). */
  readonly windowSeconds?: number;
  /** How often the stream is polled while the run goes; 0 = never (the caller polls). Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** The processor's limits the stream refuses records by (the run's settings). */
  readonly processor?: ProcessorSettings;
  /** Warm scores an online forest calibrates on; default the settings' output_after. */
  readonly calibrationScores?: number;
}

/** What the real-time part did, once drained. */
export interface StreamRun {
  readonly stats: AlertStreamStats;
  readonly rooms: readonly LiveRoom[];
  readonly alertLog: { readonly file: string; readonly written: number; readonly repeats: number };
}

/** The analytics twin of one run. */
export interface AnalyticsTwin {
  /** The listener for the ingestion twin's `onEnvelopes`. */
  readonly onEnvelopes: (envelopes: readonly RuleEnvelope[]) => void;
  readonly stream: AlertStream;
  readonly alertLog: AlertLog;
  /** Stops polling, drains the stream closing the open windows (the run ended), and reports it. */
  finishStream(): Promise<StreamRun>;
}

/** Starts the analytics twin: the alert stream is live at once; subscribe `onEnvelopes` to the ingestion twin. */
export function startAnalyticsTwin(options: AnalyticsTwinOptions): AnalyticsTwin {
  const dataDir = path.resolve(options.dataDir);
  const settings = options.settings ?? RCF_SETTINGS;
  const scorer = liveScorer({
    storedModel: (room) => {
      const stored = loadRoomModel(dataDir, room);
      return stored === undefined ? undefined : { model: stored.model, modelId: stored.metadata.modelId };
    },
    record: (room) => readLocalEndpointRecord(dataDir, room),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    settings,
    ...(options.calibrationScores === undefined ? {} : { calibrationScores: options.calibrationScores }),
  });
  const alertLog = openAlertLog(dataDir);
  const stream = startAlertStream({
    scorer,
    publisher: alertLog,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.windowSeconds === undefined ? {} : { windowSeconds: options.windowSeconds }),
    ...(options.processor === undefined ? {} : { processor: options.processor }),
  });
  let polling: Promise<void> = Promise.resolve();
  let busy = false;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const timer = pollIntervalMs > 0
    ? setInterval(() => {
        if (busy) return;
        busy = true;
        polling = stream.poll().finally(() => (busy = false));
      }, pollIntervalMs)
    : undefined;
  timer?.unref();
  return {
    onEnvelopes: (envelopes) => {
      for (const envelope of envelopes) stream.put(envelope);
    },
    stream,
    alertLog,
    async finishStream() {
      if (timer !== undefined) clearInterval(timer);
      await polling;
      await stream.drain({ closeOpenWindows: true });
      return { stats: stream.stats(), rooms: scorer.rooms(), alertLog: { file: alertLog.file, written: alertLog.written(), repeats: alertLog.repeats() } };
    },
  };
}
