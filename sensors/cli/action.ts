import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode, publishProgress } from '../../core/cli/index.js';
import type { Io, Output } from '../../core/cli/index.js';
import { InvalidValueError, isDiskFull } from '../../core/errors.js';
import { PROJECT_ROOT } from '../../core/settings.js';
import { caFile, DEVICES_FILE, identityFilesFromOutputsJson, readOutputsFile, runPulumiStackOutput, writeIdentityFiles } from '../aws-identities.js';
import type { ProfileName } from '../../core/ingestion/profiles.js';
import type { AnomalyKind } from '../anomalies.js';
import { readDeviceIdsFile } from '../device-ids.js';
import { ConnectError, isSimulatorError, PulumiCliError } from '../errors.js';
import type { FaultKind } from '../faults.js';
import { FAULT_EXPECTED_REASON, FAULT_KINDS } from '../faults.js';
import type { CsvMapping, ReplayOptions, TimeMapping } from '../replay.js';
import { SUTHAHARAN_CSV, SUTHAHARAN_MAPPING } from '../replay.js';
import type { FleetHooks, FleetOptions, FleetReport } from '../run.js';
import type { Quantity } from '../signal.js';
import type { ConnectionMode, Target } from '../transport.js';

/** The library functions the actions call (replaceable in tests). */
export interface Engine {
  runFleet(options: FleetOptions, hooks?: FleetHooks): Promise<FleetReport>;
  replayCsv(options: ReplayOptions, hooks?: FleetHooks): Promise<FleetReport>;
  /** Prints a stack's outputs as `pulumi stack output --json --show-secrets` does (default: runs the pulumi CLI). */
  stackOutput?(stack: string): Promise<string>;
}

/** Options shared by both commands, as commander parsed them. */
export interface CommonFlags {
  target?: string;
  awsEndpoint?: string;
  port?: number;
  certDir?: string;
  ca?: string;
  cert?: string;
  key?: string;
  mode: ConnectionMode;
  connections: number;
  qos: 0 | 1;
  offlineQueue: number;
  maxInFlight: number;
  connectAttempts: number;
  topic?: string;
  profile: ProfileName;
  startTime?: Date;
  reportJson?: string;
  progress: boolean;
}

/** Flags of `sensors run`. */
export interface RunFlags extends CommonFlags {
  devices: number;
  rooms: number;
  rate: number;
  duration: number;
  count?: number;
  seed: number;
  devicePrefix: string;
  /** File with explicit device ids (JSON array or one per line). */
  deviceIds?: string;
  anomalyRate: number;
  anomalies?: AnomalyKind[];
  labels?: string;
  faultRate: number;
  faults?: FaultKind[];
  maxClockSkew: number;
  maxLateness: number;
  maxSpeed: boolean;
}

/** Flags of `sensors replay`. */
export interface ReplayFlags extends CommonFlags {
  speed: number;
  devicePrefix?: string;
  deviceColumn?: string;
  seqColumn?: string;
  timeColumn?: string;
  timeKind?: TimeMapping['kind'];
  interval?: number;
  roomColumn?: string;
  roomMap?: Record<string, string>;
  room?: string;
  field?: Partial<Record<Quantity, string>>;
  constant?: Partial<Record<Quantity, number>>;
}

/** Raised by the CLI's own cross-option checks; reported like a commander usage error. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Builds the target from --target / --aws-endpoint (exactly one; --target defaults to mqtt://localhost:1883). */
export function targetOf(flags: CommonFlags): Target {
  if (flags.target !== undefined && flags.awsEndpoint !== undefined) throw new UsageError(`options --target ${flags.target} and --aws-endpoint ${flags.awsEndpoint} exclude each other: give one`);
  if (flags.awsEndpoint !== undefined) return { kind: 'aws-iot', endpoint: flags.awsEndpoint, ...(flags.port === undefined ? {} : { port: flags.port }) };
  return { kind: 'broker', url: flags.target ?? 'mqtt://localhost:1883' };
}

function transportOf(flags: CommonFlags) {
  return {
    target: targetOf(flags),
    tls: { certDir: flags.certDir, ca: flags.ca, cert: flags.cert, key: flags.key },
    mode: flags.mode,
    sharedConnections: flags.connections,
    qos: flags.qos,
    offlineQueueLimit: flags.offlineQueue,
    maxInFlight: flags.maxInFlight,
    connectAttempts: flags.connectAttempts,
  };
}

/**
 * Maps `sensors run` flags to library options. With --device-ids the file is read here (commander has already
 * refused it together with an explicit --devices or --device-prefix), and throws DeviceIdsError when unusable.
 */
export function fleetOptionsOf(flags: RunFlags): FleetOptions {
  const explicit = flags.deviceIds === undefined ? undefined : readDeviceIdsFile(flags.deviceIds);
  return {
    ...transportOf(flags),
    ...(explicit === undefined ? { devices: flags.devices, deviceIdPrefix: flags.devicePrefix } : { deviceIds: explicit }),
    rooms: flags.rooms,
    ratePerDevice: flags.rate,
    durationSeconds: flags.duration,
    count: flags.count,
    seed: flags.seed,
    startTime: flags.startTime,
    profile: flags.profile,
    topicTemplate: flags.topic,
    anomalyRate: flags.anomalyRate,
    anomalyKinds: flags.anomalies,
    faultRate: flags.faultRate,
    faultKinds: flags.faults,
    tolerances: { maxClockSkewSeconds: flags.maxClockSkew, maxLatenessHours: flags.maxLateness },
    maxSpeed: flags.maxSpeed,
    labelsFile: flags.labels,
  };
}

/** Builds the CSV mapping from flags: the single-hop preset unless mapping flags are given. */
export function mappingOf(flags: ReplayFlags): CsvMapping {
  const custom = [flags.deviceColumn, flags.seqColumn, flags.timeColumn, flags.timeKind, flags.interval, flags.roomColumn, flags.roomMap, flags.room, flags.field, flags.constant];
  if (custom.every((v) => v === undefined)) {
    return flags.devicePrefix === undefined ? SUTHAHARAN_MAPPING : { ...SUTHAHARAN_MAPPING, device: { ...SUTHAHARAN_MAPPING.device, prefix: flags.devicePrefix } };
  }
  if (flags.deviceColumn === undefined) throw new UsageError('option --device-column is required with a custom column mapping');
  if (flags.timeColumn === undefined) throw new UsageError('option --time-column is required with a custom column mapping');
  if (flags.field === undefined) throw new UsageError('option --field quantity=column is required at least once with a custom column mapping');
  if (flags.roomColumn !== undefined && flags.room !== undefined) throw new UsageError(`options --room-column ${flags.roomColumn} and --room ${flags.room} exclude each other`);
  const kind = flags.timeKind ?? 'index';
  if (kind === 'index' && flags.interval === undefined) throw new UsageError('option --interval <seconds> is required with --time-kind index');
  const time: TimeMapping = kind === 'index' ? { column: flags.timeColumn, kind, intervalSeconds: flags.interval! } : { column: flags.timeColumn, kind };
  return {
    device: { column: flags.deviceColumn, prefix: flags.devicePrefix ?? 'sensor-' },
    ...(flags.seqColumn === undefined ? {} : { seq: flags.seqColumn }),
    time,
    room: flags.roomColumn !== undefined ? { column: flags.roomColumn, ...(flags.roomMap ? { values: flags.roomMap } : {}) } : { constant: flags.room ?? 'room-01' },
    fields: flags.field,
    ...(flags.constant === undefined ? {} : { constants: flags.constant }),
  };
}

/** Maps `sensors replay` flags to library options. */
export function replayOptionsOf(file: string | undefined, flags: ReplayFlags): ReplayOptions {
  return {
    ...transportOf(flags),
    file: file ?? SUTHAHARAN_CSV,
    mapping: mappingOf(flags),
    speed: flags.speed,
    startTime: flags.startTime,
    profile: flags.profile,
    topicTemplate: flags.topic,
  };
}

/** Renders the final report as a short table. */
export function formatReport(r: FleetReport): string {
  const m = r.messages;
  const faults = FAULT_KINDS.filter((k) => r.faultsInjected[k] > 0)
    .map((k) => `${k} ${r.faultsAcknowledged[k]}/${r.faultsInjected[k]} (→ ${FAULT_EXPECTED_REASON[k]})`)
    .join(', ');
  const anomalies = Object.entries(r.anomalies).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  const l = r.latencyMs;
  return [
    `target          ${r.target} (${r.mode}, ${r.connections} connection(s), ${r.devices} device(s), profile ${r.profile})`,
    `start time      ${r.startTime}${r.seed === null ? '' : `  seed ${r.seed}`}`,
    `planned         ${m.planned}`,
    `sent            ${m.sent}`,
    `acknowledged    ${m.acknowledged}`,
    `failed          ${m.failed}`,
    `offline-dropped ${m.offlineDropped}`,
    `faults          ${faults === '' ? 'none' : `${faults} (acknowledged/injected)`}`,
    `anomalies       ${anomalies === '' ? 'none' : anomalies}${r.labelsFile === null ? '' : `  labels ${r.labelsFile}`}`,
    `elapsed         ${r.elapsedSeconds} s, ${r.ratePerSecond} msg/s, peak RSS ${r.peakRssMiB} MiB`,
    `latency (ms)    p50 ${l.p50}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max}  (${l.count} acknowledged)`,
  ].join('\n') + '\n';
}

/** Progress hooks of a fleet run: the kit's publishing bar on a terminal, nothing otherwise. */
export function progressHooks(stdout: Output, enabled: boolean): { hooks: FleetHooks; stop: () => void } {
  const progress = publishProgress(stdout, enabled);
  return { hooks: progress.onProgress === undefined ? {} : { onProgress: progress.onProgress }, stop: progress.stop };
}

/** True for errors the user can fix by changing options or input files (reported with ExitCode.Usage). */
export function isUsageProblem(error: unknown): error is Error {
  return error instanceof UsageError || error instanceof InvalidValueError || isSimulatorError(error);
}

/** Runs a command: progress, final report, --report-json, exit code. */
export async function execute(
  io: Io,
  flags: CommonFlags,
  run: (hooks: FleetHooks) => Promise<FleetReport>,
): Promise<void> {
  const progress = progressHooks(io.stdout, flags.progress);
  let report: FleetReport;
  try {
    report = await run(progress.hooks);
  } catch (error) {
    progress.stop();
    io.stderr.write(`error: ${(error as Error).message}\n`);
    process.exitCode = error instanceof ConnectError ? ExitCode.Unavailable : isUsageProblem(error) ? ExitCode.Usage : ExitCode.Failure;
    return;
  }
  progress.stop();
  io.stdout.write(formatReport(report));
  // The report is printed already: a file that cannot be written is named and sets the exit code, nothing more.
  const unwritten: unknown[] = [];
  if (report.labelsError !== undefined) {
    io.stderr.write(`error: labels file ${report.labelsError.file} not written: ${report.labelsError.message}\n`);
    unwritten.push(report.labelsError);
  }
  if (flags.reportJson !== undefined) {
    try {
      mkdirSync(path.dirname(path.resolve(flags.reportJson)), { recursive: true });
      writeFileSync(flags.reportJson, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      io.stderr.write(`error: report ${flags.reportJson} not written: ${(error as Error).message}\n`);
      unwritten.push(error);
    }
  }
  const m = report.messages;
  if (unwritten.length > 0) process.exitCode = unwritten.some(isDiskFull) ? ExitCode.DiskFull : ExitCode.Failure;
  else process.exitCode = m.failed > 0 || m.offlineDropped > 0 || m.acknowledged < m.planned ? ExitCode.Incomplete : ExitCode.Ok;
}

/** Flags of `sensors aws-identities`. */
export interface AwsIdentitiesFlags {
  stack?: string;
  out?: string;
  fromFile?: string;
  ca?: string;
}

/** Where `aws-identities` writes by default: `.sensorlake/aws/<env>` for a stack `<layer>-<env>`. */
export function defaultIdentityDir(stack: string | undefined): string {
  const base = stack?.split('/').at(-1);
  const env = base === undefined ? 'fleet' : (/^[a-z]+-([A-Za-z0-9_.]+)$/.exec(base)?.[1] ?? base);
  return path.join('.sensorlake', 'aws', env);
}

/** Quotes a shell word when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `sensors run` command line that drives the AWS fleet from an identity directory. */
export function awsRunCommand(endpoint: string, dir: string): string {
  return ['npm', 'run', 'sensors', '--', 'run', '--aws-endpoint', endpoint, '--cert-dir', dir, '--device-ids', path.join(dir, DEVICES_FILE)].map(shellWord).join(' ');
}

/**
 * `sensors aws-identities`: reads the ingestion stack's outputs (pulumi CLI or a saved file), writes one
 * certificate and key per thing, devices.json, endpoint.txt (and ca.pem from --ca), and prints the run command.
 */
export async function awsIdentities(
  io: Io,
  flags: AwsIdentitiesFlags,
  stackOutput: (stack: string) => Promise<string> = (stack) => runPulumiStackOutput(stack, { cwd: PROJECT_ROOT }),
): Promise<void> {
  try {
    if (flags.stack === undefined && flags.fromFile === undefined) {
      throw new UsageError('give --stack <name> (runs pulumi stack output) or --from-file <outputs.json>');
    }
    const dir = flags.out ?? defaultIdentityDir(flags.stack);
    const source = flags.fromFile ?? `pulumi stack output --stack ${flags.stack}`;
    const text = flags.fromFile !== undefined ? readOutputsFile(flags.fromFile) : await stackOutput(flags.stack!);
    const bundle = identityFilesFromOutputsJson(text, source);
    const ca = flags.ca === undefined ? [] : [caFile(readOutputsFile(flags.ca), flags.ca)];
    writeIdentityFiles(dir, [...bundle.files, ...ca]);
    const n = bundle.thingNames.length;
    io.stdout.write(
      [
        `wrote ${n} device identit${n === 1 ? 'y' : 'ies'} to ${dir} (<thing>.cert.pem, <thing>.key.pem mode 0600, ${DEVICES_FILE}, endpoint.txt${ca.length > 0 ? ', ca.pem' : ''})`,
        `things: ${bundle.thingNames.slice(0, 3).join(', ')}${n > 3 ? `, ... (${n - 3} more)` : ''}`,
        `endpoint: ${bundle.endpoint}`,
        ca.length > 0
          ? `root CA: ${path.join(dir, 'ca.pem')} (from ${flags.ca})`
          : 'root CA: none given, so the system trust store verifies the endpoint (add --ca AmazonRootCA1.pem, from https://www.amazontrust.com/repository/AmazonRootCA1.pem, to pin it)',
        '',
        'next:',
        `  ${awsRunCommand(bundle.endpoint, dir)}`,
        '',
      ].join('\n'),
    );
    process.exitCode = ExitCode.Ok;
  } catch (error) {
    if (!isUsageProblem(error)) throw error;
    io.stderr.write(`error: ${error.message}\n`);
    process.exitCode = error instanceof PulumiCliError ? ExitCode.Unavailable : ExitCode.Usage;
  }
}
