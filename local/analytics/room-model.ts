import { RandomCutForest, RcfModel, SeriesScorer, calibrateThreshold, flagScores, type RcfSettings, type SeriesScores } from '../../core/analytics/rcf/index.js';

/**
 * One model per room, as the seed trains it, over a room that has several devices: one forest per room, fed the
 * room's readings in event-time order, with one shingle per device (SeriesScorer per device on the shared forest).
 * A shingle never mixes two devices' readings (interleaving them in one shingle would make every point a jump
 * between two sensors' levels), and time order rather than device order keeps the time decay fair: read device by
 * device, the reservoirs would mostly hold the last device read and score the first readings of each new device
 * against the others only. The live scorer (live-scorer.ts) builds its points the same way.
 */

/** One reading of a room, in the order the room's forest reads them. */
export interface RoomReading {
  readonly deviceId: string;
  readonly value: number;
}

/** A room's trained model and its training pass: every reading's score (NaN before its device's shingle is full), warm mark and flag. */
export interface RoomTraining extends SeriesScores {
  readonly model: RcfModel;
  readonly flags: Uint8Array;
}

/** Scores readings in order with one SeriesScorer per device on one forest; `learn` updates the forest after each score. */
export function scoreRoom(forest: RandomCutForest, readings: readonly RoomReading[], learn: boolean, onRow?: (row: number) => void): SeriesScores {
  const scorers = new Map<string, SeriesScorer>();
  const scores = new Float64Array(readings.length);
  const warm = new Uint8Array(readings.length);
  const row = new Float64Array(1);
  readings.forEach((r, i) => {
    let scorer = scorers.get(r.deviceId);
    if (scorer === undefined) scorers.set(r.deviceId, (scorer = new SeriesScorer(forest, learn)));
    row[0] = r.value;
    const s = scorer.push(row);
    scores[i] = s.score ?? Number.NaN;
    warm[i] = s.warm ? 1 : 0;
    onRow?.(i);
  });
  return { scores, warm };
}

/**
 * Trains a room's model: a fresh forest with the settings streams through the readings (each scored, then
 * learned), and the threshold is calibrated with the one rule (threshold.ts) on those same warm scores, as
 * core/analytics/rcf's `train` does for one series. Throws when no score was warm (too few readings).
 */
export function trainRoom(settings: RcfSettings, readings: readonly RoomReading[], onRow?: (row: number) => void): RoomTraining {
  if (settings.featureDim !== 1) throw new Error(`room models score one feature (${settings.features.join(', ')}): feature_dim ${settings.featureDim}`);
  const forest = new RandomCutForest(settings);
  const scored = scoreRoom(forest, readings, true, onRow);
  const calibration = calibrateThreshold(scored.scores, scored.warm, settings.sigmaFactor);
  return { ...scored, model: new RcfModel(forest, calibration), flags: flagScores(scored, calibration.threshold) };
}
