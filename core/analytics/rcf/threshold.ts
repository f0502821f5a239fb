/** How many standard deviations above the mean the threshold sits (as SageMaker's RCF examples set it). */
export const THRESHOLD_SIGMA_FACTOR = 3;

/** A threshold and the warm training scores it was calibrated from. */
export interface Calibration {
  /** mean + sigmaFactor × std of the warm training scores. */
  readonly threshold: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1, as pandas' std() in SageMaker's examples); 0 for a single score. */
  readonly std: number;
  readonly sigmaFactor: number;
  /** Warm scores the calibration used. */
  readonly scores: number;
}

/**
 * The threshold rule, stated once: mean + sigmaFactor standard deviations of the warm scores of the training series,
 * the same shingled scores the forest gave while it trained (scored before learned). Scores of rows without a full
 * shingle (NaN) and of rows scored before the forest was warm are left out. Refuses a series with no warm score.
 */
export function calibrateThreshold(scores: ArrayLike<number>, warm: ArrayLike<number | boolean>, sigmaFactor: number = THRESHOLD_SIGMA_FACTOR): Calibration {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!warm[i] || Number.isNaN(s)) continue;
    n++;
    const delta = s - mean;
    mean += delta / n;
    m2 += delta * (s - mean);
  }
  if (n === 0) throw new Error(`no warm training score among ${scores.length} rows: cannot calibrate a threshold (train on more rows than output_after + shingle_size − 1)`);
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  return { threshold: mean + sigmaFactor * std, mean, std, sigmaFactor, scores: n };
}

/** The flag rule: a warm score strictly above the threshold. A score from a cold forest is never flagged. */
export function isAnomalous(score: number, warm: boolean, threshold: number): boolean {
  return warm && score > threshold;
}
