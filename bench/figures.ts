/** One measured figure of `npm run bench`. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Name of the figure this one is compared with, measured in the same run. */
  readonly baseline?: string;
  /** value / baseline value, or for paired rounds the median of the per-round ratios. */
  readonly ratio?: number;
  /** Spread of the per-round paired ratios, when the ratio comes from paired rounds. */
  readonly ratioSpread?: Spread;
  /** Target the issue sets for this figure, and whether this run met it. */
  readonly target?: string;
  readonly met?: boolean;
  /** Anything else worth reading next to the figure (loss counts, sample sizes). */
  readonly notes?: string;
}

/** Builds a figure compared with a baseline measured in the same run. */
export function compared(name: string, value: number, unit: string, baseline: Figure): Figure {
  if (baseline.unit !== unit) {
    throw new Error(`cannot compare ${name} (${unit}) with ${baseline.name} (${baseline.unit})`);
  }
  return { name, value, unit, baseline: baseline.name, ratio: baseline.value === 0 ? 0 : value / baseline.value };
}

/** Median, extremes and count of a sample. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** The median of a non-empty sample. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, min, max and count of a non-empty sample. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** One round of the ingest comparison: the bare broker and the twin measured back to back (msg/s). */
export interface PairedRound {
  readonly bare: number;
  readonly twin: number;
}

/** Each round's twin rate over the same round's bare rate (the machine's load drifts less within a round). */
export function pairedRatios(rounds: readonly PairedRound[]): number[] {
  return rounds.map((r, i) => {
    if (!(r.bare > 0)) throw new Error(`round ${i + 1} has bare rate ${r.bare}: expected a positive rate to compare with`);
    return r.twin / r.bare;
  });
}

function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

/** Renders figures as an aligned text table. */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['figure', 'value', 'unit', 'vs', 'ratio', 'target', 'met'];
  const rows = figures.map((f) => [
    f.name,
    formatNumber(f.value),
    f.unit,
    f.baseline ?? '',
    f.ratio === undefined ? '' : f.ratioSpread === undefined ? f.ratio.toFixed(2) : `${f.ratio.toFixed(2)} (${f.ratioSpread.min.toFixed(2)}..${f.ratioSpread.max.toFixed(2)}, ${f.ratioSpread.n} rounds)`,
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Targets the issue sets, on a 2-core machine. */
export const TARGETS = {
  /** ingest.e2e / broker.fanin: the median of the ratios of rounds measuring both back to back. */
  ingestRatio: 0.75,
  /** Simulator publish rate with 1,000 devices, msg/s. */
  simulatorRate: 10_000,
  /** Simulator peak RSS with 1,000 devices, MiB (strictly below). */
  simulatorRssMiB: 1024,
} as const;

/**
 * The end-to-end ingest figure from paired rounds: its value is the median twin rate, its ratio the median of the
 * per-round twin/bare ratios (with their spread); met when that median reaches the target and nothing was lost.
 */
export function ingestFigure(rounds: readonly PairedRound[], fanin: Figure, lost: number, notes: string): Figure {
  const spread = spreadOf(pairedRatios(rounds));
  return {
    ...compared('ingest.e2e', median(rounds.map((r) => r.twin)), 'msg/s', fanin),
    ratio: spread.median,
    ratioSpread: spread,
    target: `median paired ratio >= ${TARGETS.ingestRatio}, 0 lost`,
    met: spread.median >= TARGETS.ingestRatio && lost === 0,
    notes,
  };
}

/** What one simulator run measured. */
export interface SimulatorRun {
  readonly rate: number;
  readonly rssMiB: number;
  readonly acknowledged: number;
  readonly planned: number;
}

/** The simulator's rate and memory figures; the rate counts only if every message was acknowledged. */
export function simulatorFigures(suffix: string, run: SimulatorRun, notes: string): Figure[] {
  return [
    {
      name: `simulator.publish${suffix}`,
      value: run.rate,
      unit: 'msg/s',
      target: `>= ${TARGETS.simulatorRate.toLocaleString('en-US')} msg/s, all acknowledged`,
      met: run.rate >= TARGETS.simulatorRate && run.acknowledged === run.planned,
      notes: `${notes}, acknowledged ${run.acknowledged}/${run.planned}`,
    },
    {
      name: `simulator.peak_rss${suffix}`,
      value: run.rssMiB,
      unit: 'MiB',
      target: `< ${TARGETS.simulatorRssMiB} MiB`,
      met: run.rssMiB < TARGETS.simulatorRssMiB,
      notes: `peak RSS of the simulator process, ${notes}`,
    },
  ];
}
