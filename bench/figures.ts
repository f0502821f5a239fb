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

/**
 * One round of a paired comparison: the bare engine and the twin measured back to back, in the same unit (msg/s or
 * records/s for rates, seconds for query times).
 */
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
  /** etl.curate / etl.copy: the median paired ratio of curate's records/s to a bare DuckDB COPY's, at least. */
  curateRatio: 0.8,
  /** Peak RSS of the curate job's process, MiB (strictly below). */
  curateRssMiB: 2048,
  /** query.curated: the median paired ratio of its time to the same query over one compacted file, at most. */
  queryRatio: 1.5,
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

/** What the curate rounds measured besides their rates. */
export interface CurateRun {
  /** Records of the raw zone each round read. */
  readonly records: number;
  /** Largest peak RSS of the curate job's process over the rounds, MiB. */
  readonly rssMiB: number;
  /** Rows the job's counts account for (kept + quarantined + duplicates) in the round that accounted the fewest. */
  readonly accounted: number;
}

/**
 * The curate figures from paired rounds (records/s of the bare COPY as `bare`, of the curate job as `twin`): the
 * bare COPY's median rate, curate's median rate with the median paired ratio (met at TARGETS.curateRatio, and only if
 * every record was accounted for in every round), and curate's peak RSS.
 */
export function curateFigures(rounds: readonly PairedRound[], run: CurateRun, notes: string): Figure[] {
  const copy: Figure = {
    name: 'etl.copy',
    value: median(rounds.map((r) => r.bare)),
    unit: 'records/s',
    notes: `bare DuckDB COPY of the same ${run.records.toLocaleString('en-US')} raw records to Parquet partitioned by room and date, median of ${rounds.length}`,
  };
  const spread = spreadOf(pairedRatios(rounds));
  return [
    copy,
    {
      ...compared('etl.curate', median(rounds.map((r) => r.twin)), 'records/s', copy),
      ratio: spread.median,
      ratioSpread: spread,
      target: `median paired ratio >= ${TARGETS.curateRatio}, every record accounted`,
      met: spread.median >= TARGETS.curateRatio && run.accounted === run.records,
      notes: `${notes}; accounted ${run.accounted.toLocaleString('en-US')}/${run.records.toLocaleString('en-US')}`,
    },
    {
      name: 'etl.curate.peak_rss',
      value: run.rssMiB,
      unit: 'MiB',
      target: `< ${TARGETS.curateRssMiB} MiB`,
      met: run.rssMiB < TARGETS.curateRssMiB,
      notes: `peak RSS of the curate job's own process (largest of ${rounds.length} rounds)`,
    },
  ];
}

/**
 * The dedupe reference from paired rounds (records/s of the bare COPY as `bare`, of the bare deduplicating COPY as `twin`)
 * against the etl.copy figure of the same rounds: the median rate with the median paired ratio. No target: a reference
 * for etl.curate, what DuckDB's idiomatic dedupe alone costs next to the bare COPY.
 */
export function dedupeFigure(rounds: readonly PairedRound[], copy: Figure, notes: string): Figure {
  const spread = spreadOf(pairedRatios(rounds));
  return { ...compared('etl.dedupe', median(rounds.map((r) => r.twin)), 'records/s', copy), ratio: spread.median, ratioSpread: spread, notes };
}

/**
 * The query figure from paired rounds of query times in seconds (over one compacted file as `bare`, over the curated
 * zone as `twin`): value the median curated-zone time in ms, ratio the median paired time ratio, met when at most
 * TARGETS.queryRatio.
 */
export function queryFigure(rounds: readonly PairedRound[], notes: string): Figure {
  const spread = spreadOf(pairedRatios(rounds));
  return {
    name: 'query.curated',
    value: median(rounds.map((r) => r.twin)) * 1000,
    unit: 'ms',
    baseline: 'one compacted file',
    ratio: spread.median,
    ratioSpread: spread,
    target: `median paired time ratio <= ${TARGETS.queryRatio}`,
    met: spread.median <= TARGETS.queryRatio,
    notes,
  };
}

/** What a one-room, one-day query read, against the curated zone and the partition it asks for. */
export interface PruningRun {
  /** Parquet files the scan read. */
  readonly filesRead: readonly string[];
  /** The files of the partition asked for. */
  readonly partitionFiles: readonly string[];
  /** Bytes of Parquet read: the process's bytes read during the query, or else the size of the files read. */
  readonly bytesRead: number;
  /** Bytes of the partition's files. */
  readonly partitionBytes: number;
  /** Bytes of every Parquet file of the curated zone. */
  readonly zoneBytes: number;
}

/**
 * The pruning figure: the share of the curated zone's bytes the query read, in percent; met when it read exactly the
 * partition's files and no more bytes than they hold (so the fraction is at most the partition's share).
 */
export function pruningFigure(run: PruningRun, notes: string): Figure {
  if (!(run.zoneBytes > 0)) throw new Error(`curated zone has ${run.zoneBytes} bytes: expected a zone with data to prune`);
  const read = [...run.filesRead].sort();
  const wanted = [...run.partitionFiles].sort();
  const exact = read.length === wanted.length && read.every((f, i) => f === wanted[i]);
  const share = run.partitionBytes / run.zoneBytes;
  return {
    name: 'query.pruning',
    value: (100 * run.bytesRead) / run.zoneBytes,
    unit: '% of zone',
    target: `only the partition's files (${(100 * share).toFixed(2)} % of the zone)`,
    met: exact && run.bytesRead <= run.partitionBytes,
    notes: `${notes}; read ${read.length} file(s), ${run.bytesRead.toLocaleString('en-US')} of ${run.zoneBytes.toLocaleString('en-US')} bytes; the partition has ${wanted.length} file(s), ${run.partitionBytes.toLocaleString('en-US')} bytes${exact ? '' : `; files read outside it: ${read.filter((f) => !wanted.includes(f)).join(', ') || 'none'}, partition files not read: ${wanted.filter((f) => !read.includes(f)).join(', ') || 'none'}`}`,
  };
}

/**
 * The files every READ_PARQUET scan of a DuckDB JSON profile (`PRAGMA enable_profiling = 'json'`) read, from the
 * scans' `Filename(s)` (paths separated by `, `); refuses a profile whose parquet scan does not list them.
 */
export function scannedFiles(profile: unknown): string[] {
  const files: string[] = [];
  let scans = 0;
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    const { extra_info: info, children } = node as { extra_info?: Record<string, unknown>; children?: unknown[] };
    if (info !== undefined && String(info.Function).toUpperCase() === 'READ_PARQUET') {
      scans++;
      const listed = info['Filename(s)'];
      if (listed === undefined && info['Total Files Read'] !== '0') {
        throw new Error(`parquet scan reports Total Files Read ${JSON.stringify(info['Total Files Read'])} without Filename(s): cannot tell which files it read`);
      }
      const names = typeof listed === 'string' ? listed.split(', ').map((f) => f.trim()).filter((f) => f !== '') : [];
      if (info['Total Files Read'] !== undefined && Number(info['Total Files Read']) !== names.length) {
        throw new Error(`parquet scan reports Total Files Read ${JSON.stringify(info['Total Files Read'])} but lists ${names.length} file(s): the list is incomplete`);
      }
      files.push(...names);
    }
    for (const child of children ?? []) walk(child);
  };
  walk(profile);
  if (scans === 0) throw new Error('profile has no READ_PARQUET scan');
  return files;
}
