import { readFileSync } from 'node:fs';
import { parseCsv } from '../../core/csv.js';
import { eventQuality, type Scores } from '../../core/analytics/quality.js';
import { ANOMALY_KINDS, LABEL_COLUMNS, type AnomalyKind, type AnomalyLabel } from '../../sensors/index.js';
import type { FlaggedReading } from './batch.js';

/**
 * The batch scores judged against the simulator's labels of one run, event-wise (core/analytics/quality.ts). A
 * temperature model can only find temperature anomalies: a label of another field (humidity, pressure) is counted
 * `notJudged`, per kind, never hidden and never counted as missed.
 */

/** Reads a labels CSV the simulator wrote (sensors/labels.ts); a row that does not fit is an error naming its line. */
export function readLabelsCsv(file: string): AnomalyLabel[] {
  const [head, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (head === undefined || head.fields.join(',') !== LABEL_COLUMNS.join(',')) {
    throw new Error(`${file}: expected a labels file with the header ${LABEL_COLUMNS.join(',')}, found ${head?.fields.join(',') ?? 'nothing'}`);
  }
  return rows.map((r) => {
    if (r.fields.length !== LABEL_COLUMNS.length) throw new Error(`${file} line ${r.line}: ${r.fields.length} fields, expected ${LABEL_COLUMNS.length}`);
    const v = Object.fromEntries(LABEL_COLUMNS.map((c, i) => [c, r.fields[i]]));
    const numbers = ['magnitude', 'first_seq', 'last_seq', 'readings'] as const;
    for (const n of numbers) if (!Number.isFinite(Number(v[n]))) throw new Error(`${file} line ${r.line}: ${n} ${JSON.stringify(v[n])} is not a number`);
    if (!(ANOMALY_KINDS as readonly string[]).includes(v.kind as string)) throw new Error(`${file} line ${r.line}: kind ${JSON.stringify(v.kind)} is not one of ${ANOMALY_KINDS.join(', ')}`);
    return { ...v, magnitude: Number(v.magnitude), first_seq: Number(v.first_seq), last_seq: Number(v.last_seq), readings: Number(v.readings) } as AnomalyLabel;
  });
}

/** One kind's account: `labels = judged + notJudged`, `judged = found + missed`. */
export interface JudgedKind extends Scores {
  readonly labels: number;
  readonly judged: number;
  readonly notJudged: number;
  readonly found: number;
  readonly missed: number;
  readonly flagsInside: number;
}

/** The whole account: `flags = flagsInside + falseAlarms`, `labels = judged + notJudged`. */
export interface Judgement extends Scores {
  readonly field: string;
  readonly labels: number;
  readonly judged: number;
  readonly notJudged: number;
  readonly found: number;
  readonly missed: number;
  /** Flags of the run's devices from the run's start on (the readings the labels cover). */
  readonly flags: number;
  readonly flagsInside: number;
  readonly falseAlarms: number;
  readonly toleranceMs: number;
  readonly byKind: Readonly<Record<AnomalyKind, JudgedKind>>;
}

/** What the labels cover: the run's devices, from its first reading on. */
export interface JudgeScope {
  readonly devices: ReadonlySet<string>;
  readonly fromMs: number;
  /** eventToleranceMs(period, shingle size). */
  readonly toleranceMs: number;
  /** The field the model scores. Default temperature. */
  readonly field?: string;
}

/** Judges the flags of the run's devices against its labels of the model's field. */
export function judge(labels: readonly AnomalyLabel[], flags: readonly FlaggedReading[], scope: JudgeScope): Judgement {
  const field = scope.field ?? 'temperature';
  const judgedLabels = labels.filter((l) => l.field === field);
  const inScope = flags.filter((f) => scope.devices.has(f.deviceId) && f.timeMs >= scope.fromMs).map((f) => ({ device_id: f.deviceId, timeMs: f.timeMs }));
  const q = eventQuality(judgedLabels, inScope, scope.toleranceMs);
  const byKind = Object.fromEntries(
    ANOMALY_KINDS.map((kind): [AnomalyKind, JudgedKind] => {
      const k = q.byKind[kind];
      const all = labels.filter((l) => l.kind === kind).length;
      const judged = judgedLabels.filter((l) => l.kind === kind).length;
      return [kind, { labels: all, judged, notJudged: all - judged, found: k?.found ?? 0, missed: k?.missed ?? 0, flagsInside: k?.flagsInside ?? 0, precision: k?.precision ?? 0, recall: k?.recall ?? 0, f1: k?.f1 ?? 0 }];
    }),
  ) as Record<AnomalyKind, JudgedKind>;
  return {
    field,
    labels: labels.length,
    judged: judgedLabels.length,
    notJudged: labels.length - judgedLabels.length,
    found: q.found,
    missed: q.missed,
    flags: q.flagged,
    flagsInside: q.flagsInside,
    falseAlarms: q.falseAlarms,
    toleranceMs: scope.toleranceMs,
    precision: q.precision,
    recall: q.recall,
    f1: q.f1,
    byKind,
  };
}
