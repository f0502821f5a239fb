import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { pino } from 'pino';
import { PROJECT_ROOT } from '../core/settings.js';
import { ExitCode, kitOption, parse } from '../core/cli/index.js';
import { runFleet } from '../sensors/index.js';
import type { FleetReport } from '../sensors/index.js';
import { startIngestionTwin } from '../local/index.js';
import { startBareBroker } from '../sensors/test-broker.js';
import { ingestFigure, median, renderTable, simulatorFigures } from './figures.js';
import type { Figure, PairedRound } from './figures.js';
import { DASHBOARD_BENCH_DEFAULTS, runDashboardBench } from './dashboard.js';
import { runLakeBench } from './lake.js';
import { RCF_BENCH_DEFAULTS, runRcfBench } from './rcf.js';
import { runSfnBench } from './sfn.js';

/** Sizes of one bench run. */
export interface BenchOptions {
  /** Publishers of the fan-in figures (one connection each). */
  readonly publishers: number;
  /** Messages per publisher per round. */
  readonly messagesPerPublisher: number;
  /** Rounds, each the bare broker then the twin back to back; the median per-round ratio is reported. */
  readonly rounds: number;
  /** Devices of the simulator figure. */
  readonly simulatorDevices: number;
  /** Messages of the simulator figure. */
  readonly simulatorMessages: number;
  /** Raw telemetry records of the lake figures (etl.curate, query.curated, query.pruning). */
  readonly lakeRecords: number;
  /** Rounds of the lake figures, each the bare side then the twin back to back. */
  readonly lakeRounds: number;
  /** Only these figures: `lake` runs the etl and query figures alone (default: every figure). */
  readonly only?: BenchGroup;
  readonly log: (line: string) => void;
}

/** Groups of figures `--only` selects. */
export const BENCH_GROUPS = ['all', 'lake', 'rcf', 'sfn', 'dashboard'] as const;
export type BenchGroup = (typeof BENCH_GROUPS)[number];

function fanInOptions(url: string, o: BenchOptions) {
  return {
    target: { kind: 'broker', url } as const,
    devices: o.publishers,
    count: o.publishers * o.messagesPerPublisher,
    maxSpeed: true,
    mode: 'per-device' as const,
    seed: 7,
    // Event times one millisecond apart per device, ending now: a clean workload whatever its size (readings
    // spread over more than the processor's clock-skew tolerance would be quarantined, not landed).
    ratePerDevice: 1_000,
    startTime: Date.now() - o.messagesPerPublisher,
  };
}

/** Bare aedes: the fleet's publishers, QoS 1, until every PUBACK is in. */
async function measureBareFanIn(o: BenchOptions): Promise<number> {
  const broker = await startBareBroker();
  try {
    const report = await runFleet(fanInOptions(broker.url, o));
    if (report.messages.acknowledged !== report.messages.planned) {
      throw new Error(`bare broker acknowledged ${report.messages.acknowledged} of ${report.messages.planned} messages`);
    }
    return report.messages.acknowledged / report.elapsedSeconds;
  } finally {
    await broker.close();
  }
}

/** Same publishers through the twin, timed until every message is in the raw zone; loss is counted, not assumed. */
async function measureTwinIngest(o: BenchOptions): Promise<{ rate: number; lost: number; landed: number; quarantined: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sensorlake-bench-'));
  const twin = await startIngestionTwin({ dataDir, env: 'dev', tcpPort: 0, logger: pino({ level: 'warn' }) });
  try {
    const started = process.hrtime.bigint();
    const report: FleetReport = await runFleet(fanInOptions(twin.brokerUrl, o));
    await twin.flush();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stats = twin.stats();
    const delivered = stats.landed + stats.quarantined;
    const lost = report.messages.planned - delivered;
    return { rate: delivered / seconds, lost, landed: stats.landed, quarantined: stats.quarantined };
  } finally {
    await twin.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The simulator CLI in its own process (so its peak RSS is its own) against a bare broker. */
async function measureSimulator(o: BenchOptions, mode: 'per-device' | 'shared'): Promise<{ rate: number; rssMiB: number; report: FleetReport }> {
  const broker = await startBareBroker();
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-bench-sim-'));
  const reportFile = path.join(dir, 'report.json');
  try {
    const args = [
      '--import=tsx', path.join(PROJECT_ROOT, 'sensors/cli.ts'), 'run', '--target', broker.url,
      '--devices', String(o.simulatorDevices), '--count', String(o.simulatorMessages), '--max-speed',
      '--mode', mode, '--no-progress', '--report-json', reportFile,
    ];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`simulator exited with code ${code}`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as FleetReport;
    return { rate: report.ratePerSecond, rssMiB: report.peakRssMiB, report };
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every figure of `npm run bench`. */
export async function runBench(o: BenchOptions): Promise<Figure[]> {
  if (o.only === 'lake') return runLakeBench({ records: o.lakeRecords, rounds: o.lakeRounds, log: o.log });
  if (o.only === 'rcf') return runRcfBench({ ...RCF_BENCH_DEFAULTS, log: o.log });
  if (o.only === 'sfn') return runSfnBench({ log: o.log });
  if (o.only === 'dashboard') return runDashboardBench({ ...DASHBOARD_BENCH_DEFAULTS, log: o.log });
  const rounds: PairedRound[] = [];
  let lost = 0;
  let quarantined = 0;
  for (let round = 1; round <= o.rounds; round++) {
    const bare = await measureBareFanIn(o);
    const t = await measureTwinIngest(o);
    rounds.push({ bare, twin: t.rate });
    lost += t.lost;
    quarantined += t.quarantined;
    o.log(`round ${round}/${o.rounds}: bare aedes ${Math.round(bare)} msg/s, twin end to end ${Math.round(t.rate)} msg/s, ratio ${(t.rate / bare).toFixed(2)}, lost ${t.lost}`);
  }
  const fanin: Figure = {
    name: 'broker.fanin',
    value: median(rounds.map((r) => r.bare)),
    unit: 'msg/s',
    notes: `bare aedes, QoS 1, ${o.publishers} publishers × ${o.messagesPerPublisher} messages, median of ${o.rounds}`,
  };
  const e2e = ingestFigure(
    rounds,
    fanin,
    lost,
    `simulator → twin broker → rule → WAL → delivery → raw zone, timed to the last object; median twin rate, ratio = median of the ${o.rounds} per-round twin/bare ratios (min..max); lost ${lost}, quarantined ${quarantined} (a clean workload: 0 expected)`,
  );
  const measured = async (mode: 'per-device' | 'shared', suffix: string): Promise<Figure[]> => {
    o.log(`simulator: ${o.simulatorDevices} devices, ${o.simulatorMessages} messages, ${mode} connections`);
    const sim = await measureSimulator(o, mode);
    const { acknowledged, planned } = sim.report.messages;
    return simulatorFigures(
      suffix,
      { rate: sim.rate, rssMiB: sim.rssMiB, acknowledged, planned },
      `${o.simulatorDevices} devices on ${sim.report.connections} ${mode} connections, p99 ${sim.report.latencyMs.p99} ms`,
    );
  };
  // Per-device connections are what AWS IoT requires (client id = thing name), so they carry the target.
  const perDevice = await measured('per-device', '');
  const shared = await measured('shared', '.shared');
  const lake = await runLakeBench({ records: o.lakeRecords, rounds: o.lakeRounds, log: o.log });
  return [fanin, e2e, ...perDevice, ...shared, ...lake, ...runRcfBench({ ...RCF_BENCH_DEFAULTS, log: o.log }), ...(await runSfnBench({ log: o.log })), ...(await runDashboardBench({ ...DASHBOARD_BENCH_DEFAULTS, log: o.log }))];
}

/** `npm run bench` options. */
export function makeBenchProgram(run: (o: BenchOptions, json?: string) => Promise<void>): Command {
  return new Command('bench')
    .description('Performance figures of sensorlake, each compared with the bare engine underneath in the same run.')
    .option('--json <file>', 'also write {figures: [...]} as JSON')
    .addOption(kitOption('--publishers <n>', 'publishers of the fan-in figures', parse.integer(1, 10_000), 100))
    .addOption(kitOption('--messages <n>', 'messages per publisher per round', parse.integer(1, 1_000_000), 1_000))
    .addOption(kitOption('--rounds <n>', 'rounds of bare broker then twin, back to back (median paired ratio reported)', parse.integer(1, 50), 5))
    .addOption(kitOption('--sim-devices <n>', 'devices of the simulator figure', parse.integer(1, 100_000), 1_000))
    .addOption(kitOption('--sim-messages <n>', 'messages of the simulator figure', parse.integer(1, 10_000_000), 100_000))
    .addOption(kitOption('--lake-records <n>', 'raw telemetry records of the etl and query figures', parse.integer(1_000, 100_000_000), 2_000_000))
    .addOption(kitOption('--lake-rounds <n>', 'rounds of bare DuckDB then the twin, back to back, for the etl and query figures', parse.integer(1, 50), 3))
    .addOption(kitOption('--only <group>', `only these figures: ${BENCH_GROUPS.join(' or ')}`, parse.oneOf(BENCH_GROUPS), 'all' as BenchGroup))
    .action(async (flags: { json?: string; publishers: number; messages: number; rounds: number; simDevices: number; simMessages: number; lakeRecords: number; lakeRounds: number; only: BenchGroup }) => {
      await run(
        {
          publishers: flags.publishers,
          messagesPerPublisher: flags.messages,
          rounds: flags.rounds,
          simulatorDevices: flags.simDevices,
          simulatorMessages: flags.simMessages,
          lakeRecords: flags.lakeRecords,
          lakeRounds: flags.lakeRounds,
          only: flags.only,
          log: (line) => process.stderr.write(`${line}\n`),
        },
        flags.json,
      );
    });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await makeBenchProgram(async (options, json) => {
    const figures = await runBench(options);
    process.stdout.write(`${renderTable(figures)}\n`);
    for (const f of figures) if (f.notes) process.stdout.write(`  ${f.name}: ${f.notes}\n`);
    if (json !== undefined) {
      writeFileSync(json, `${JSON.stringify({ figures }, null, 2)}\n`);
      process.stdout.write(`written ${json}\n`);
    }
    if (figures.some((f) => f.met === false)) process.exitCode = ExitCode.Incomplete;
  }).parseAsync(process.argv);
}
