/**
 * Quality of an anomaly detector, measured against labels: point-wise (each row labelled or not, as in the
 * single-hop dataset) and event-wise (labelled windows, as the simulator writes them). Every count adds up:
 * true positives + false positives = flagged, true positives + false negatives = labelled.
 */

/** Precision, recall and F1 from counts; each is 0 when its denominator is (nothing flagged, nothing labelled). */
export interface Scores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Precision tp/(tp+fp), recall tp/(tp+fn) and their harmonic mean, 0 where undefined. */
export function scoresOf(tp: number, fp: number, fn: number): Scores {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { precision, recall, f1: harmonic(precision, recall) };
}

/** Point-wise counts: every row is flagged or not and labelled or not. */
export interface PointQuality extends Scores {
  readonly rows: number;
  readonly flagged: number;
  readonly labelled: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly trueNegatives: number;
}

/** Point-wise quality: a row is a true positive when it is both flagged and labelled. */
export function pointQuality(flags: ArrayLike<number | boolean>, labels: ArrayLike<number | boolean>): PointQuality {
  if (flags.length !== labels.length) throw new Error(`${flags.length} flags for ${labels.length} labels: expected one of each per row`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < flags.length; i++) {
    const f = Boolean(flags[i]);
    const l = Boolean(labels[i]);
    if (f && l) tp++;
    else if (f) fp++;
    else if (l) fn++;
  }
  return {
    rows: flags.length,
    flagged: tp + fp,
    labelled: tp + fn,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: flags.length - tp - fp - fn,
    ...scoresOf(tp, fp, fn),
  };
}

/** A labelled anomaly window (the fields of the simulator's AnomalyLabel that matching uses). */
export interface LabelledWindow {
  readonly device_id: string;
  readonly kind: string;
  /** First and last affected reading's event time, ISO 8601 (inclusive). */
  readonly start: string;
  readonly end: string;
}

/** A scored reading that was flagged: which device, at what event time. */
export interface Flag {
  readonly device_id: string;
  /** Event time, epoch ms. */
  readonly timeMs: number;
}

/**
 * The event-matching tolerance, stated once: a detector that shingles `shingleSize` readings still sees an anomaly
 * in the shingles ending up to shingleSize − 1 readings after it, so a flag up to shingleSize reading periods after
 * a window's end is still that window's. None before the start: a flag cannot be caused by what has not happened.
 */
export function eventToleranceMs(periodMs: number, shingleSize: number): number {
  return periodMs * shingleSize;
}

/** Event counts of one kind. */
export interface KindQuality extends Scores {
  readonly labels: number;
  readonly found: number;
  readonly missed: number;
  /** Flags inside a window of this kind (each flag counted for one window only). */
  readonly flagsInside: number;
}

/** Event-wise counts over every label and flag, and per kind. */
export interface EventQuality extends Scores {
  readonly labels: number;
  /** Labels with a flag of their device inside [start, end + tolerance]. */
  readonly found: number;
  readonly missed: number;
  readonly flagged: number;
  /** Flags inside some label's window (true positives), and outside every one (false alarms). */
  readonly flagsInside: number;
  readonly falseAlarms: number;
  /**
   * Per kind: recall is found / labels of the kind; precision is the kind's flags inside over those plus every
   * false alarm (a false alarm belongs to no kind, so each kind's precision carries all of them).
   */
  readonly byKind: Readonly<Record<string, KindQuality>>;
}

/**
 * Event-level matching, stated once: a label is found when any flag of its device falls inside [start, end +
 * toleranceMs]; a flag is a true positive when it falls inside some label's window of its device (counted for the
 * earliest such label only), a false alarm otherwise. Precision is flags inside / flagged, recall found / labels.
 */
export function eventQuality(labels: readonly LabelledWindow[], flags: readonly Flag[], toleranceMs: number): EventQuality {
  const windows = labels.map((l, i) => {
    const startMs = Date.parse(l.start);
    const endMs = Date.parse(l.end);
    if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs < startMs) throw new Error(`label ${i + 1} (${l.device_id}, ${l.kind}) has window ${l.start} .. ${l.end}: expected two ISO 8601 times, start first`);
    return { label: l, startMs, endMs: endMs + toleranceMs, found: false, inside: 0 };
  }).sort((a, b) => a.startMs - b.startMs);
  const byDevice = new Map<string, typeof windows>();
  for (const w of windows) byDevice.set(w.label.device_id, [...(byDevice.get(w.label.device_id) ?? []), w]);
  let inside = 0;
  for (const flag of flags) {
    const hit = byDevice.get(flag.device_id)?.find((w) => flag.timeMs >= w.startMs && flag.timeMs <= w.endMs);
    if (hit === undefined) continue;
    hit.found = true;
    hit.inside++;
    inside++;
  }
  const falseAlarms = flags.length - inside;
  const found = windows.filter((w) => w.found).length;
  const byKind: Record<string, KindQuality> = {};
  for (const kind of [...new Set(windows.map((w) => w.label.kind))].sort()) {
    const of = windows.filter((w) => w.label.kind === kind);
    const kindFound = of.filter((w) => w.found).length;
    const kindInside = of.reduce((n, w) => n + w.inside, 0);
    const precision = scoresOf(kindInside, falseAlarms, 0).precision;
    const recall = scoresOf(kindFound, 0, of.length - kindFound).recall;
    byKind[kind] = { labels: of.length, found: kindFound, missed: of.length - kindFound, flagsInside: kindInside, precision, recall, f1: harmonic(precision, recall) };
  }
  const precision = scoresOf(inside, falseAlarms, 0).precision;
  const recall = scoresOf(found, 0, windows.length - found).recall;
  return { labels: windows.length, found, missed: windows.length - found, flagged: flags.length, flagsInside: inside, falseAlarms, precision, recall, f1: harmonic(precision, recall), byKind };
}

function harmonic(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
