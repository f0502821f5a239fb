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
