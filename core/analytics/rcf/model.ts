import { RandomCutForest, type ForestState } from './forest.js';
import type { RcfHyperparameterInput, RcfHyperparameters } from './settings.js';
import { Shingler } from './shingle.js';
import { calibrateThreshold, isAnomalous, THRESHOLD_SIGMA_FACTOR, type Calibration } from './threshold.js';

/** One row's outcome: its score (undefined while the shingle is not full), whether the forest was warm, the flag. */
export interface RowScore {
  readonly score: number | undefined;
  readonly warm: boolean;
}

/**
 * Scores a stream of rows with a forest through the one shingling (shingle.ts): each row completes a shingle, which
 * is scored and then, when `learn`, offered to the forest (score before update, so a point never scores against
 * itself). warm is the forest's state before the row, so rows scored while it was cold are marked. The twin's
 * training and scoring and the alert core use this one path.
 */
export class SeriesScorer {
  private readonly shingler: Shingler;

  constructor(readonly forest: RandomCutForest, readonly learn: boolean) {
    const h = forest.hyperparameters;
    this.shingler = new Shingler(h.featureDim, h.shingleSize);
  }

  /** Scores one row of featureDim values. */
  push(row: ArrayLike<number>): RowScore {
    const point = this.shingler.push(row);
    if (point === undefined) return { score: undefined, warm: false };
    const warm = this.forest.warm;
    const score = this.forest.score(point);
    if (this.learn) this.forest.update(point);
    return { score, warm };
  }
}

/** Scores of a series, one entry per row: NaN where no shingle was complete; warm 1 where the forest was warm. */
export interface SeriesScores {
  readonly scores: Float64Array;
  readonly warm: Uint8Array;
}

/** A series of rows × featureDim values, row after row. */
export type Series = ArrayLike<number>;

/** Runs every row of `series` (rows × featureDim values, row-major) through a fresh SeriesScorer. */
export function scoreSeries(forest: RandomCutForest, series: Series, learn: boolean, onRow?: (row: number) => void): SeriesScores {
  const dim = forest.hyperparameters.featureDim;
  if (series.length % dim !== 0) throw new Error(`series has ${series.length} values: expected a multiple of feature_dim ${dim}`);
  const rows = series.length / dim;
  const scorer = new SeriesScorer(forest, learn);
  const scores = new Float64Array(rows);
  const warm = new Uint8Array(rows);
  const row = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dim; i++) row[i] = series[r * dim + i]!;
    const s = scorer.push(row);
    scores[r] = s.score ?? Number.NaN;
    warm[r] = s.warm ? 1 : 0;
    onRow?.(r);
  }
  return { scores, warm };
}

/** The flags of scored rows against a threshold (threshold.ts's rule: warm and above). */
export function flagScores(scored: SeriesScores, threshold: number): Uint8Array {
  const flags = new Uint8Array(scored.scores.length);
  for (let i = 0; i < flags.length; i++) flags[i] = isAnomalous(scored.scores[i]!, scored.warm[i] === 1, threshold) ? 1 : 0;
  return flags;
}

/** A trained model as JSON: the forest after training and the threshold calibrated on its training scores. */
export interface RcfModelState {
  readonly format: 'sensorlake-rcf-model';
  readonly version: 1;
  readonly forest: ForestState;
  readonly calibration: Calibration;
}

/** A trained detector: the forest and its calibrated threshold. */
export class RcfModel {
  constructor(readonly forest: RandomCutForest, readonly calibration: Calibration) {}

  get hyperparameters(): RcfHyperparameters {
    return this.forest.hyperparameters;
  }

  get threshold(): number {
    return this.calibration.threshold;
  }

  /**
   * Scores a series with the trained forest, and flags it with the model's threshold. By default the forest is not
   * changed (like SageMaker's endpoint); `learn` keeps updating it as the series goes.
   */
  score(series: Series, options: { learn?: boolean; onRow?: (row: number) => void } = {}): SeriesScores & { flags: Uint8Array } {
    const scored = scoreSeries(this.forest, series, options.learn ?? false, options.onRow);
    return { ...scored, flags: flagScores(scored, this.threshold) };
  }

  toJSON(): RcfModelState {
    return { format: 'sensorlake-rcf-model', version: 1, forest: this.forest.toJSON(), calibration: this.calibration };
  }

  /** A model resumed from toJSON() after a JSON round trip (same scores); refuses another format. */
  static fromJSON(state: RcfModelState): RcfModel {
    if (state?.format !== 'sensorlake-rcf-model' || state.version !== 1) {
      throw new Error(`not an RCF model of format sensorlake-rcf-model version 1: got ${JSON.stringify(state?.format)} version ${JSON.stringify(state?.version)}`);
    }
    return new RcfModel(RandomCutForest.fromJSON(state.forest), state.calibration);
  }
}

/** What training gives: the model and the training series' own scores and flags (scored before learned). */
export interface Training extends SeriesScores {
  readonly model: RcfModel;
  readonly flags: Uint8Array;
}

/**
 * Trains a model on a series: a fresh forest streams through it (each row scored, then learned), and the threshold
 * is calibrated on those same shingled warm scores (threshold.ts). The training flags are those scores against it.
 */
export function train(hyperparameters: RcfHyperparameterInput, series: Series, options: { sigmaFactor?: number; onRow?: (row: number) => void } = {}): Training {
  const forest = new RandomCutForest(hyperparameters);
  const scored = scoreSeries(forest, series, true, options.onRow);
  const calibration = calibrateThreshold(scored.scores, scored.warm, options.sigmaFactor ?? THRESHOLD_SIGMA_FACTOR);
  return { ...scored, model: new RcfModel(forest, calibration), flags: flagScores(scored, calibration.threshold) };
}
