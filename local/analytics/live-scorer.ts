import type { ReadingScore, ReadingScorer, ScoreKey } from '../../core/analytics/alerts.js';
import { ENDPOINT_RECORD_TTL_DEFAULT } from '../../core/analytics/alerts-env.js';
import type { EndpointModelRecord } from '../../core/orchestration/endpoint-record.js';
import { RCF_SETTINGS, RandomCutForest, SeriesScorer, calibrateThreshold, type RcfModel, type RcfSettings } from '../../core/analytics/rcf/index.js';

/**
 * The ReadingScorer of the twin's real-time alerts, backed by the local RCF, one forest per room with a shingle
 * per device (as room-model.ts trains them). A room is scored as the alert Lambda scores it, by its endpoint record
 * (core/orchestration endpoint-record.ts: the model version and its calibrated threshold, which the pipeline's
 * publish step writes), read again once `recordTtlSeconds` have passed, so a re-published model takes over:
 * - `stored`: the room's record names the model the model store holds (model-store.ts), its forest unchanged (as
 *   SageMaker's endpoint) and judged by the record's threshold; a reading is warm once its device's shingle is full;
 * - `online`: the room has no record, or one naming a model the store no longer holds (the twin's own fallback,
 *   the live fleet starting before any model exists): a fresh forest that learns as readings come (each scored,
 *   then learned). It is not warm until the forest has seen output_after points and then `calibrationScores` more
 *   warm scores, from which its threshold is calibrated with the one rule (mean + 3 std, threshold.ts); every
 *   reading before that is warm = false and never flagged.
 * Each warm score carries its room's threshold, as the Lambda's do.
 */

/** How a room is scored live. */
export type LiveSource = 'stored' | 'online';

/** A room's live state, as reported. */
export interface LiveRoom {
  readonly room: string;
  readonly source: LiveSource;
  /** The model version a stored room is scored with (its record's). */
  readonly model?: string;
  /** The threshold the room is judged by; null while an online forest is still calibrating. */
  readonly threshold: number | null;
  readonly scored: number;
  readonly warm: number;
}

/** The scorer and what it knows of each room. */
export interface LiveScorer extends ReadingScorer {
  rooms(): LiveRoom[];
}

/** Options of liveScorer. */
export interface LiveScorerOptions {
  /** The stored model of a room and its version, when there is one (loadRoomModel). */
  readonly storedModel: (room: string) => { readonly model: RcfModel; readonly modelId: string } | undefined;
  /** The room's endpoint record, when the pipeline published one (readLocalEndpointRecord). */
  readonly record: (room: string) => EndpointModelRecord | undefined;
  /** Seconds a room's record is kept before it is read again; default ENDPOINT_RECORD_TTL_DEFAULT (the Lambda's). */
  readonly recordTtlSeconds?: number;
  /** Milliseconds now; default Date.now. */
  readonly clock?: () => number;
  /** Settings of an online forest; default RCF_SETTINGS. */
  readonly settings?: RcfSettings;
  /** Warm scores an online forest calibrates its threshold on; default the settings' output_after. */
  readonly calibrationScores?: number;
}

interface RoomState {
  readonly source: LiveSource;
  readonly model?: string;
  /** When the record was read. */
  readonly readAt: number;
  readonly forest: RandomCutForest;
  readonly learn: boolean;
  threshold: number | null;
  readonly calibration: number[];
  readonly devices: Map<string, SeriesScorer>;
  scored: number;
  warm: number;
}

/** The room key of readings without a room (a Sense HAT payload carries none): they share one forest. */
const NO_ROOM = '(no room)';

/** A live scorer over stored room models, falling back to online forests. */
export function liveScorer(options: LiveScorerOptions): LiveScorer {
  const settings = options.settings ?? RCF_SETTINGS;
  const calibrationScores = options.calibrationScores ?? settings.outputAfter;
  const ttlMs = (options.recordTtlSeconds ?? ENDPOINT_RECORD_TTL_DEFAULT) * 1000;
  const clock = options.clock ?? Date.now;
  const rooms = new Map<string, RoomState>();

  function roomState(room: string): RoomState {
    const now = clock();
    const state = rooms.get(room);
    if (state !== undefined && now - state.readAt < ttlMs) return state;
    const record = room === NO_ROOM ? undefined : options.record(room);
    const stored = record === undefined ? undefined : options.storedModel(room);
    const next: RoomState =
      record !== undefined && stored?.modelId === record.model
        ? state?.model === record.model
          ? { ...state, readAt: now, threshold: record.threshold }
          : { source: 'stored', model: record.model, readAt: now, forest: stored.model.forest, learn: false, threshold: record.threshold, calibration: [], devices: new Map(), scored: 0, warm: 0 }
        : state?.source === 'online'
          ? { ...state, readAt: now }
          : { source: 'online', readAt: now, forest: new RandomCutForest(settings), learn: true, threshold: null, calibration: [], devices: new Map(), scored: 0, warm: 0 };
    rooms.set(room, next);
    return next;
  }

  function scoreOne(state: RoomState, deviceId: string, value: number): ReadingScore {
    let scorer = state.devices.get(deviceId);
    if (scorer === undefined) state.devices.set(deviceId, (scorer = new SeriesScorer(state.forest, state.learn)));
    const s = scorer.push([value]);
    state.scored++;
    if (s.score === undefined || !s.warm) return { score: 0, warm: false };
    if (state.threshold === null) {
      state.calibration.push(s.score);
      if (state.calibration.length >= calibrationScores) {
        state.threshold = calibrateThreshold(state.calibration, state.calibration.map(() => 1), settings.sigmaFactor).threshold;
      }
      return { score: 0, warm: false };
    }
    state.warm++;
    return { score: s.score, warm: true, threshold: state.threshold };
  }

  return {
    score(key: ScoreKey, values: readonly number[]) {
      const state = roomState(key.roomId ?? NO_ROOM);
      return Promise.resolve(values.map((v) => scoreOne(state, key.deviceId, v)));
    },
    rooms: () =>
      [...rooms]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([room, s]) => ({ room, source: s.source, ...(s.model === undefined ? {} : { model: s.model }), threshold: s.threshold, scored: s.scored, warm: s.warm })),
  };
}
