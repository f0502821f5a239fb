/** One measured figure of `npm run bench`. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Name of the figure this one is compared with, measured in the same run. */
  readonly baseline?: string;
  /** value / baseline value. */
  readonly ratio?: number;
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
    f.ratio === undefined ? '' : f.ratio.toFixed(2),
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Targets the issue sets, on a 2-core machine. */
export const TARGETS = {
  /** ingest.e2e / broker.fanin, measured in the same run. */
  ingestRatio: 0.75,
  /** Simulator publish rate with 1,000 devices, msg/s. */
  simulatorRate: 10_000,
  /** Simulator peak RSS with 1,000 devices, MiB (strictly below). */
  simulatorRssMiB: 1024,
} as const;

/** The end-to-end ingest figure: met when the ratio reaches the target and nothing was lost. */
export function ingestFigure(rate: number, fanin: Figure, lost: number, notes: string): Figure {
  const figure = compared('ingest.e2e', rate, 'msg/s', fanin);
  return {
    ...figure,
    target: `>= ${TARGETS.ingestRatio} x ${fanin.name}, 0 lost`,
    met: (figure.ratio ?? 0) >= TARGETS.ingestRatio && lost === 0,
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
