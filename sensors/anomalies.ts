import type { Random } from './prng.js';
import { integerBetween, uniform } from './prng.js';
import type { Quantity, Reading } from './signal.js';
import { PRECISION, quantize } from './signal.js';

/** Kinds of anomaly the simulator injects into otherwise valid readings. */
export const ANOMALY_KINDS = ['spike', 'step', 'drift', 'stuck'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/**
 * Ground truth for one injected anomaly: which device, which quantity, from the first to the last affected
 * reading (event times, ISO 8601 UTC, inclusive). `magnitude` is the offset added (spike, step), the offset
 * reached at the last reading (drift, growing linearly from its first reading), or the value held (stuck).
 */
export interface AnomalyLabel {
  readonly device_id: string;
  readonly room_id: string;
  readonly kind: AnomalyKind;
  readonly field: Quantity;
  readonly start: string;
  readonly end: string;
  readonly magnitude: number;
  /** seq of the first and last affected reading of the device. */
  readonly first_seq: number;
  readonly last_seq: number;
  /** Number of readings affected. */
  readonly readings: number;
}

/** Size of each kind of anomaly, per quantity: [min, max] of |magnitude| and of the length in readings. */
const SIZE: Record<AnomalyKind, { length: [number, number]; magnitude: Record<Quantity, [number, number]> }> = {
  spike: { length: [1, 1], magnitude: { temperature: [6, 12], humidity: [15, 25], pressure: [8, 15] } },
  step: { length: [10, 60], magnitude: { temperature: [3, 6], humidity: [8, 15], pressure: [4, 8] } },
  drift: { length: [30, 120], magnitude: { temperature: [3, 6], humidity: [8, 15], pressure: [4, 8] } },
  stuck: { length: [10, 60], magnitude: { temperature: [0, 0], humidity: [0, 0], pressure: [0, 0] } },
};

/** An anomaly in progress on one device. */
export interface ActiveAnomaly {
  readonly kind: AnomalyKind;
  readonly field: Quantity;
  /** Device-local index of the first affected reading. */
  readonly startIndex: number;
  readonly length: number;
  /** Signed offset (spike, step, drift at its end); for stuck, set from the first reading. */
  magnitude: number;
}

/** Draws a new anomaly starting at reading `index`, no longer than `remaining` readings. */
export function drawAnomaly(
  random: Random,
  kinds: readonly AnomalyKind[],
  fields: readonly Quantity[],
  index: number,
  remaining: number,
): ActiveAnomaly {
  const kind = kinds[integerBetween(random, 0, kinds.length - 1)] as AnomalyKind;
  const field = fields[integerBetween(random, 0, fields.length - 1)] as Quantity;
  const size = SIZE[kind];
  const length = Math.min(remaining, integerBetween(random, size.length[0], size.length[1]));
  const [lo, hi] = size.magnitude[field];
  const sign = random() < 0.5 ? -1 : 1;
  const f = 10 ** PRECISION[field];
  return { kind, field, startIndex: index, length, magnitude: Math.round(sign * uniform(random, lo, hi) * f) / f };
}

/** Applies an active anomaly to the reading at device-local `index`; the anomaly's magnitude is fixed at its start for stuck. */
export function applyAnomaly(anomaly: ActiveAnomaly, index: number, reading: Reading): Reading {
  const q = anomaly.field;
  const step = index - anomaly.startIndex;
  let value: number;
  switch (anomaly.kind) {
    case 'spike':
    case 'step':
      value = reading[q] + anomaly.magnitude;
      break;
    case 'drift':
      value = reading[q] + (anomaly.magnitude * (step + 1)) / anomaly.length;
      break;
    case 'stuck':
      if (step === 0) anomaly.magnitude = reading[q];
      value = anomaly.magnitude;
      break;
  }
  return { ...reading, [q]: quantize(q, value) };
}
