import type { ReadingScore, ReadingScorer, ScoreKey } from '../../core/analytics/alerts.js';
import { RCF_SETTINGS, RandomCutForest, SeriesScorer, calibrateThreshold, type RcfModel, type RcfSettings } from '../../core/analytics/rcf/index.js';

/**
 * The ReadingScorer of the twin's real-time alerts, backed by the local RCF, one forest per room with a shingle
 * per device (as room-model.ts trains them). The live fleet starts before this run's models exist, so a room is
 * scored by:
 * - `stored`: the model an earlier run stored for the room (model-store.ts), its forest unchanged (as SageMaker's
 *   endpoint) and its calibrated threshold; a reading is warm once its device's shingle is full;
 * - `online`: otherwise, a fresh forest that learns as readings come (each scored, then learned). It is not warm
 *   until the forest has seen output_after points and then `calibrationScores` more warm scores, from which its
 *   threshold is calibrated with the one rule (mean + 3 std, threshold.ts); every reading before that is
 *   warm = false and never flagged.
 *
 * The alert rule has one threshold and rooms have their own, so the score handed to the core is the forest's score
 * divided by its room's threshold: the stream runs with threshold 1 (RELATIVE_THRESHOLD), and "above 1" is exactly
 * "above the room's threshold". Alerts therefore carry relative scores (maxScore 1.8 = 1.8 times the threshold).
 */

/** The alert rule's threshold for relative scores. */
export const RELATIVE_THRESHOLD = 1;

/** How a room is scored live. */
export type LiveSource = 'stored' | 'online';

/** A room's live state, as reported. */
export interface LiveRoom {
  readonly room: string;
  readonly source: LiveSource;
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
  /** The stored model of a room, when there is one (loadRoomModel). */
  readonly storedModel: (room: string) => RcfModel | undefined;
  /** Settings of an online forest; default RCF_SETTINGS. */
  readonly settings?: RcfSettings;
  /** Warm scores an online forest calibrates its threshold on; default the settings' output_after. */
  readonly calibrationScores?: number;
}

interface RoomState {
  readonly source: LiveSource;
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

function relative(score: number, threshold: number): number {
  if (threshold > 0) return score / threshold;
  return score > threshold ? Number.POSITIVE_INFINITY : 0;
}

/** A live scorer over stored room models, falling back to online forests. */
export function liveScorer(options: LiveScorerOptions): LiveScorer {
  const settings = options.settings ?? RCF_SETTINGS;
  const calibrationScores = options.calibrationScores ?? settings.outputAfter;
  const rooms = new Map<string, RoomState>();

  function roomState(room: string): RoomState {
    let state = rooms.get(room);
    if (state !== undefined) return state;
    const stored = room === NO_ROOM ? undefined : options.storedModel(room);
    state = stored === undefined
      ? { source: 'online', forest: new RandomCutForest(settings), learn: true, threshold: null, calibration: [], devices: new Map(), scored: 0, warm: 0 }
      : { source: 'stored', forest: stored.forest, learn: false, threshold: stored.threshold, calibration: [], devices: new Map(), scored: 0, warm: 0 };
    rooms.set(room, state);
    return state;
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
    return { score: relative(s.score, state.threshold), warm: true };
  }

  return {
    score(key: ScoreKey, values: readonly number[]) {
      const state = roomState(key.roomId ?? NO_ROOM);
      return Promise.resolve(values.map((v) => scoreOne(state, key.deviceId, v)));
    },
    rooms: () =>
      [...rooms].sort(([a], [b]) => a.localeCompare(b)).map(([room, s]) => ({ room, source: s.source, threshold: s.threshold, scored: s.scored, warm: s.warm })),
  };
}
