import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { eventQuality, eventToleranceMs, pointQuality, type EventQuality, type Flag } from '../core/analytics/quality.js';
import { RandomCutForest, RCF_SETTINGS, scoreSeries, train, type RcfHyperparameterInput } from '../core/analytics/rcf/index.js';
import { sineSeries } from '../core/analytics/rcf/testing.js';
import { parseCsv } from '../core/csv.js';
import { PROJECT_ROOT } from '../core/settings.js';
import { DEFAULT_FAULT_TOLERANCES, DEFAULT_PLAN, generateMessages } from '../sensors/index.js';
import { renderTable, type Figure } from './figures.js';

/** Sizes of the RCF figures. */
export interface RcfBenchOptions {
  /** Points of rcf.update. */
  readonly updatePoints: number;
  /** Points of rcf.train (the figure is scaled to 100,000). */
  readonly trainPoints: number;
  /** Simulated devices and readings per device of quality.rcf.simulator. */
  readonly devices: number;
  readonly readingsPerDevice: number;
  readonly log: (line: string) => void;
}

/** The sizes `npm run bench` uses. */
export const RCF_BENCH_DEFAULTS: Omit<RcfBenchOptions, 'log'> = { updatePoints: 50_000, trainPoints: 100_000, devices: 10, readingsPerDevice: 20_000 };

/** rcf.update: the forest (50 trees, 256 samples per tree, shingle 4) on one core. */
const UPDATE_FOREST: RcfHyperparameterInput = { numTrees: 50, numSamplesPerTree: 256, featureDim: 1, shingleSize: 4, resolution: RCF_SETTINGS.resolution, seed: 1 };

/** Target of rcf.update, points per second trained and scored. */
export const RCF_UPDATE_TARGET = 10_000;

/**
 * Runs `work` and returns its wall-clock and CPU seconds (this process's user + system time). The work is
 * single-threaded, so CPU time is what one core spent on it however many other processes share the machine; the
 * rare GC helper threads only add to it, which errs against the figure.
 */
function timed(work: () => void): { wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  work();
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - started) / 1e9, cpu: (used.user + used.system) / 1e6 };
}

function measureUpdate(o: RcfBenchOptions): Figure {
  const series = sineSeries(o.updatePoints, 11);
  const forest = new RandomCutForest(UPDATE_FOREST);
  const t = timed(() => scoreSeries(forest, series, true));
  const rate = o.updatePoints / t.cpu;
  return {
    name: 'rcf.update',
    value: rate,
    unit: 'points/s',
    target: `>= ${RCF_UPDATE_TARGET.toLocaleString('en-US')} points/s`,
    met: rate >= RCF_UPDATE_TARGET,
    notes: `each point scored (CoDisp over 50 trees) then offered to every tree's reservoir; 256 samples per tree, shingle 4, ${o.updatePoints.toLocaleString('en-US')} points of a noisy sine, one thread; per CPU-second of the process (wall clock on this shared machine: ${Math.round(o.updatePoints / t.wall).toLocaleString('en-US')} points/s)`,
  };
}

function measureTrain(o: RcfBenchOptions): Figure {
  const series = sineSeries(o.trainPoints, 12);
  const t = timed(() => train(RCF_SETTINGS, series));
  return {
    name: 'rcf.train',
    value: (t.cpu * 100_000) / o.trainPoints,
    unit: 's/100k points',
    notes: `the model's settings (${RCF_SETTINGS.numTrees} trees, ${RCF_SETTINGS.numSamplesPerTree} samples per tree, shingle ${RCF_SETTINGS.shingleSize}): train() streams ${o.trainPoints.toLocaleString('en-US')} points (score, then update) and calibrates the threshold; CPU seconds of one thread (wall clock here: ${((t.wall * 100_000) / o.trainPoints).toFixed(1)} s)`,
  };
}

/** Event-level quality on a seeded simulator run: one model per device on temperature, judged on the temperature labels. */
export function simulatorQuality(o: Pick<RcfBenchOptions, 'devices' | 'readingsPerDevice'>): { quality: EventQuality; otherFieldLabels: number } {
  const periodMs = 1000;
  const fleet = generateMessages({
    ...DEFAULT_PLAN, devices: o.devices, ratePerDevice: 1000 / periodMs, count: o.devices * o.readingsPerDevice, seed: 42,
    startTimeMs: Date.UTC(2026, 0, 1), anomalyRate: 0.001, tolerances: DEFAULT_FAULT_TOLERANCES,
  });
  const byDevice = new Map<string, { times: number[]; values: number[] }>();
  for (const m of fleet.messages) {
    const p = JSON.parse(m.payload.toString('utf8')) as { ts: string; temperature: number };
    let d = byDevice.get(m.deviceId);
    if (d === undefined) byDevice.set(m.deviceId, (d = { times: [], values: [] }));
    d.times.push(Date.parse(p.ts));
    d.values.push(p.temperature);
  }
  const flags: Flag[] = [];
  for (const [device, d] of byDevice) {
    const t = train(RCF_SETTINGS, d.values);
    t.flags.forEach((f, i) => {
      if (f === 1) flags.push({ device_id: device, timeMs: d.times[i]! });
    });
  }
  const labels = fleet.labels.filter((l) => l.field === 'temperature');
  return { quality: eventQuality(labels, flags, eventToleranceMs(periodMs, RCF_SETTINGS.shingleSize)), otherFieldLabels: fleet.labels.length - labels.length };
}

/** Point-wise quality on the shared single-hop dataset: one model per mote on temperature, streaming train-and-score. */
export function datasetQuality(): ReturnType<typeof pointQuality> {
  const [head, ...rows] = parseCsv(readFileSync(path.join(PROJECT_ROOT, 'data/suthaharan-single-hop/data.csv'), 'utf8'));
  const col = (name: string) => head!.fields.indexOf(name);
  const [mote, temperature, label] = [col('mote_id'), col('temperature'), col('label')];
  const byMote = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = r.fields[mote]!;
    byMote.set(key, [...(byMote.get(key) ?? []), i]);
  });
  const flags = new Uint8Array(rows.length);
  for (const indexes of byMote.values()) {
    const t = train(RCF_SETTINGS, indexes.map((i) => Number(rows[i]!.fields[temperature])));
    indexes.forEach((row, i) => (flags[row] = t.flags[i]!));
  }
  return pointQuality(flags, rows.map((r) => r.fields[label] === '1'));
}

function kinds(q: EventQuality): string {
  return Object.entries(q.byKind).map(([k, v]) => `${k} ${v.found}/${v.labels} found (recall ${v.recall.toFixed(2)}, F1 ${v.f1.toFixed(2)})`).join(', ');
}

/** rcf.update, rcf.train, quality.rcf.simulator and quality.rcf.dataset. */
export function runRcfBench(o: RcfBenchOptions): Figure[] {
  o.log(`rcf: update over ${o.updatePoints} points`);
  const update = measureUpdate(o);
  o.log(`rcf: train over ${o.trainPoints} points`);
  const trained = measureTrain(o);
  o.log(`rcf: quality on a simulator run of ${o.devices} devices × ${o.readingsPerDevice} readings`);
  const sim = simulatorQuality(o);
  const q = sim.quality;
  o.log('rcf: quality on data/suthaharan-single-hop');
  const real = datasetQuality();
  return [
    update,
    trained,
    {
      name: 'quality.rcf.simulator',
      value: q.f1,
      unit: 'F1 (events)',
      notes: `seed 42, ${o.devices} devices × ${o.readingsPerDevice} readings at 1 Hz, anomaly rate 0.001; one model per device on temperature (the model's settings), streaming train-and-score, threshold mean + 3 std; ${q.labels} temperature labels (${sim.otherFieldLabels} on humidity or pressure left out: a temperature model cannot see them); precision ${q.precision.toFixed(2)} (${q.flagsInside} of ${q.flagged} flags inside a label window, ${q.falseAlarms} false alarms), recall ${q.recall.toFixed(2)} (${q.found}/${q.labels}); ${kinds(q)}`,
    },
    {
      name: 'quality.rcf.dataset',
      value: real.f1,
      unit: 'F1 (points)',
      notes: `data/suthaharan-single-hop, one model per mote on temperature, streaming train-and-score; point-wise precision ${real.precision.toFixed(2)}, recall ${real.recall.toFixed(2)} (${real.truePositives} of ${real.labelled} labelled rows flagged, ${real.falsePositives} false positives of ${real.flagged} flagged, ${real.rows} rows)`,
    },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = runRcfBench({ ...RCF_BENCH_DEFAULTS, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${renderTable(figures)}\n`);
  for (const f of figures) if (f.notes) process.stdout.write(`  ${f.name}: ${f.notes}\n`);
}
