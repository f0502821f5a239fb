import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { pino } from 'pino';
import { ExitCode, kitOption, newProgram, parse, parseArgv, processIo, progressBar, publishProgress } from '../core/cli/index.js';
import type { Io, Output } from '../core/cli/index.js';
import { InvalidValueError, isDiskFull } from '../core/errors.js';
import { PROJECT_ROOT, ENVIRONMENTS, readEnvironmentConfig } from '../core/settings.js';
import type { Environment, EnvironmentConfig } from '../core/settings.js';
import { ConnectError, deviceId, runFleet, writeTextFile } from '../sensors/index.js';
import type { FleetHooks, FleetOptions, FleetProgress, TextWriter } from '../sensors/index.js';
import { eventToleranceMs } from '../core/analytics/quality.js';
import { RCF_SETTINGS } from '../core/analytics/rcf/index.js';
import {
  formatAnomaliesSummary,
  formatLakeSummary,
  formatPipelineSummary,
  formatSummary,
  formatTwinAccount,
  summarizeAnomalies,
  summarizeLake,
  summarizePipeline,
  summarizeRun,
  twinAccount,
} from './summary.js';
import type { AnomaliesSummary, LakeSummary, PipelineSummary } from './summary.js';
import { judge, modelsDir, readLabelsCsv, startAnalyticsTwin } from './analytics/index.js';
import type { AnalyticsTwin, StreamRun } from './analytics/index.js';
import { pipelineInput, pipelineOptions } from '../core/orchestration/index.js';
import { runPipelineTwin } from './orchestration/pipeline-twin.js';
import { archiveDropSettings } from '../core/orchestration/archive-drop.js';
import { formatDrop, stagingDir, twinPipelineRun, watchStaging, type StagingWatch } from './orchestration/archive-drop.js';
import { parseSourceUrl, redactUrl, startLakeTwin } from './lake/index.js';
import type { LakeTwin } from './lake/index.js';
import { ExternalBrokerError, startIngestionTwin, WriteAheadLog } from './ingestion/index.js';
import type { Twin, TwinOptions, TwinStats } from './ingestion/index.js';
import { liveFleet, type LiveCounters, type LiveFleet } from './dashboard/live.js';
import { openLocalSource } from './dashboard/local-source.js';
import { writeLastSummary } from './dashboard/run-summary.js';
import { startDashboardServer } from './dashboard/server.js';

/** Options of `npm start`, as commander parsed them. */
export interface StartFlags {
  duration: number;
  devices: number;
  rooms: number;
  rate: number;
  seed: number;
  faultRate: number;
  anomalyRate: number;
  env: Environment;
  dataDir: string;
  summaryJson?: string;
  tls: boolean;
  brokerUrl?: string;
  bufferInterval?: number;
  logLevel: string;
  progress: boolean;
  serve: boolean;
  port?: number;
  tlsPort?: number;
  /** Run the lake after ingestion (`--no-lake` skips it). */
  lake: boolean;
  /** A real PostgreSQL holding the readings table instead of the twin's PGlite. */
  sourceUrl?: string;
  /** Real-time alerts during the run and, after the lake, the RCF per room (`--no-analytics` skips both). */
  analytics: boolean;
  /** The dashboard on the data directory while the run goes: commander sets it unless `--no-dashboard`; absent, none. */
  dashboard?: boolean;
  /** Its port (default: a free one). */
  dashboardPort?: number;
}

/** The dashboard of a run: its URL, and the live counters it shows while the fleet publishes. */
interface RunDashboard {
  /** Shows these counters, sampled once a second, until the next `live` or `close`. */
  live(read: () => LiveCounters): void;
  /** Stops the live counters: the dashboard shows the last run's summary and the lake from now on. */
  settle(): void;
  close(): Promise<void>;
}

/** Serves the dashboard over the run's data directory (localhost, a free port unless `--dashboard-port`) and prints its URL. */
async function startRunDashboard(dataDir: string, flags: StartFlags, io: Io): Promise<RunDashboard> {
  let current: LiveFleet | undefined;
  const source = openLocalSource({ dataDir, env: flags.env, live: () => current });
  const server = await startDashboardServer({ source, ...(flags.dashboardPort === undefined ? {} : { port: flags.dashboardPort }) }).catch(async (error: unknown) => {
    await source.close();
    throw error;
  });
  io.stdout.write(`dashboard: ${server.url}\n`);
  const settle = () => {
    current?.stop();
    current = undefined;
  };
  return {
    live: (read) => {
      settle();
      current = liveFleet(read);
    },
    settle,
    close: async () => {
      settle();
      await server.close();
      await source.close();
    },
  };
}

/**
 * The live counters of a run: the fleet's sent and acknowledged, the twin's outcomes since `before`. Without a fleet
 * (`--serve`) sent is unknown and acknowledged is what the broker acknowledged.
 */
function liveCounters(twin: Twin, before: TwinStats, fleet?: () => FleetProgress | undefined): () => LiveCounters {
  return () => {
    const account = twinAccount(before, twin.stats(), { before: 0, after: 0 });
    const progress = fleet?.();
    return {
      sent: fleet === undefined ? null : (progress?.sent ?? 0),
      acknowledged: fleet === undefined ? account.received : (progress?.acknowledged ?? 0),
      landed: account.landed,
      quarantined: account.quarantined,
      quarantinedByReason: account.quarantinedByReason,
      refusedByReason: account.refused,
    };
  };
}

/** `--source-url`: a postgres:// or postgresql:// URL (checked as the import's reader checks it, before anything starts). */
function sourceUrl(raw: string, option: string): string {
  try {
    parseSourceUrl(raw);
  } catch (error) {
    // The value is shown without its password.
    if (error instanceof InvalidValueError) throw new InvalidValueError(option, redactUrl(raw), error.expected, 'option');
    throw error;
  }
  return raw;
}

/** Without a terminal, a progress line every five seconds instead of a bar. */
function progressLines(stdout: Output, enabled: boolean): { hooks: FleetHooks; stop: () => void } {
  if (!enabled) return { hooks: {}, stop: () => undefined };
  let last = 0;
  return {
    hooks: {
      onProgress: (p) => {
        if (p.elapsedMs - last < 5_000) return;
        last = p.elapsedMs;
        stdout.write(`  ${Math.round(p.elapsedMs / 1000)} s: sent ${p.sent}/${p.planned}, acknowledged ${p.acknowledged}, failed ${p.failed}\n`);
      },
    },
    stop: () => undefined,
  };
}

/** Issues (or reuses) a certificate per device, with a progress bar on a terminal: new RSA keys take a while. */
async function issueCertificates(twin: Twin, ids: readonly string[], io: Io, progress: boolean): Promise<void> {
  const bar = progressBar(io.stdout, progress, 'device certificates [{bar}] {value}/{total}');
  const started = Date.now();
  bar?.start(ids.length, 0);
  await twin.ensureDeviceIdentities(ids, (done) => bar?.update(done));
  bar?.stop();
  const seconds = (Date.now() - started) / 1000;
  if (bar === undefined && seconds >= 1) io.stdout.write(`  issued device certificates for ${ids.length} devices in ${seconds.toFixed(1)} s\n`);
}

/** `--serve`: the twin alone, until interrupted; then the account of what it received. */
async function serve(twin: Twin, before: TwinStats, run: RunContext, dashboard: RunDashboard | undefined, signal?: AbortSignal): Promise<ExitCode> {
  const { flags, io } = run;
  dashboard?.live(liveCounters(twin, before));
  const lines = [`sensorlake local twin (${flags.env}) serving; Ctrl-C stops it and prints the account`];
  if (twin.tcpUrl !== undefined) lines.push(`  MQTT        ${twin.tcpUrl} (plain TCP; client id = device id)`);
  if (twin.tlsUrl !== undefined) lines.push(`  MQTT + mTLS ${twin.tlsUrl} (certificates of sensor-0001..sensor-${String(flags.devices).padStart(4, '0')} and ca.pem in ${twin.pkiDir})`);
  if (flags.brokerUrl !== undefined) lines.push(`  subscribed  ${flags.brokerUrl}`);
  lines.push(`  raw zone    ${twin.rawDir}`);
  const target = twin.tlsUrl ?? twin.brokerUrl;
  const tlsFlags = twin.tlsUrl === undefined ? '' : ` --cert-dir ${twin.pkiDir}`;
  lines.push(`  try         npm run sensors -- run --target ${target}${tlsFlags} --devices ${flags.devices} --duration 60`);
  io.stdout.write(`${lines.join('\n')}\n`);
  if (signal && !signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  await twin.stop();
  const account = twinAccount(before, twin.stats(), { before: run.logBefore, after: WriteAheadLog.countPending(run.walDir) });
  io.stdout.write(`${formatTwinAccount(account, twin.rawDir)}\n`);
  const written = writeSummary(flags.summaryJson, { env: flags.env, rawDir: twin.rawDir, ...account }, run);
  return exitCodeOf(account.lost === 0, twin, io, written === undefined ? [] : [written]);
}

/** A file of the run's own (labels, summary) that could not be written. */
interface WriteFailure {
  readonly what: string;
  readonly error: unknown;
}

/**
 * DiskFull or Failure when the twin failed (the message names the cause); else DiskFull or Failure when one of the
 * run's own files could not be written; else Ok or Incomplete.
 */
function exitCodeOf(accounted: boolean, twin: Twin, io: Io, unwritten: readonly WriteFailure[]): ExitCode {
  const failure = twin.stats().failure;
  if (failure !== undefined) {
    const what = failure.diskFull ? `the disk of the data directory is full (${failure.code})` : `the twin failed (${failure.code ?? 'error'})`;
    io.stderr.write(`npm start failed: ${what}: ${failure.message}\n`);
    return failure.diskFull ? ExitCode.DiskFull : ExitCode.Failure;
  }
  if (unwritten.length > 0) return unwritten.some((u) => isDiskFull(u.error)) ? ExitCode.DiskFull : ExitCode.Failure;
  return accounted ? ExitCode.Ok : ExitCode.Incomplete;
}

/** What one run's helpers share. */
interface RunContext {
  readonly flags: StartFlags;
  readonly io: Io;
  readonly writeFile: TextWriter;
  /** The twin's write-ahead log directory, and how many entries it held after its checkpoint at the start. */
  readonly walDir: string;
  readonly logBefore: number;
}

/** Writes `--summary-json` when asked; a failure (a full disk) is reported on stderr and returned, not thrown, since the account is already printed. */
function writeSummary(file: string | undefined, summary: object, run: RunContext): WriteFailure | undefined {
  if (file === undefined) return undefined;
  const resolved = path.resolve(file);
  try {
    run.writeFile(resolved, `${JSON.stringify(summary, null, 2)}\n`);
  } catch (error) {
    run.io.stderr.write(`npm start: summary ${resolved} not written: ${error instanceof Error ? error.message : String(error)}\n`);
    return { what: 'summary', error };
  }
  run.io.stdout.write(`  summary    ${resolved}\n`);
  return undefined;
}

/** What tests replace in `startAction`: the twin's file writes and its delivery retries, and the writer of the labels and summary files (a full disk, fast). */
export type StartDeps = Pick<TwinOptions, 'fs' | 'deliveryAttempts' | 'deliveryRetryBaseMs'> & { readonly writeFile?: TextWriter };

/** Runs the local twin with a simulated fleet and accounts for every message. */
export async function startAction(flags: StartFlags, io: Io, signal?: AbortSignal, deps: StartDeps = {}): Promise<ExitCode> {
  const { writeFile = writeTextFile, ...twinDeps } = deps;
  const dataDir = path.resolve(flags.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const config = readEnvironmentConfig(flags.env);
  const logger = pino({ level: flags.logLevel, base: { component: 'local-twin' } }, pino.destination(2));
  const fleetIds = Array.from({ length: flags.devices }, (_, i) => deviceId('sensor-', i));
  const twin = await startIngestionTwin({
    dataDir,
    env: flags.env,
    config,
    // A served twin listens on the standard MQTT ports so devices and commands can be pointed at it.
    tcpPort: flags.port ?? (flags.serve ? 1883 : 0),
    tls: flags.brokerUrl === undefined && flags.tls ? { port: flags.tlsPort ?? (flags.serve ? 8883 : 0) } : false,
    ...(flags.brokerUrl === undefined ? {} : { externalBrokerUrl: flags.brokerUrl }),
    ...(flags.bufferInterval === undefined ? {} : { buffer: { intervalMs: flags.bufferInterval * 1000 } }),
    // The fleet's devices are the things the twin knows: only they may connect over plain TCP.
    knownDevices: fleetIds,
    ...twinDeps,
    logger,
  });
  // A twin that fails (a full disk) ends the run: the fleet stops publishing and the account is printed.
  const stopRun = new AbortController();
  const abortRun = () => stopRun.abort();
  if (signal?.aborted) abortRun();
  else signal?.addEventListener('abort', abortRun, { once: true });
  twin.onFailed((failure) => {
    io.stderr.write(`\nthe twin failed: ${failure.message}\nstopping the run\n`);
    abortRun();
  });
  let dashboard: RunDashboard | undefined;
  let drops: StagingWatch | undefined;
  try {
    // Deliver whatever an interrupted earlier run left in the write-ahead log, so this run's counts are its own.
    await twin.flush();
    const before = twin.stats();
    dashboard = flags.dashboard === true ? await startRunDashboard(dataDir, flags, io) : undefined;
    const walDir = path.join(dataDir, 'wal');
    const run: RunContext = { flags, io, writeFile, walDir, logBefore: WriteAheadLog.countPending(walDir) };
    const useTls = twin.tlsUrl !== undefined;
    const url = useTls ? twin.tlsUrl! : twin.brokerUrl;
    if (useTls) {
      await issueCertificates(twin, fleetIds, io, flags.progress);
    }
    if (flags.serve) return await serve(twin, before, run, dashboard, stopRun.signal);
    const lakeTwin = flags.lake
      ? startLakeTwin({ dataDir, logger, ...(flags.sourceUrl === undefined ? {} : { sourceUrl: flags.sourceUrl }), progress: (line) => io.stdout.write(`${line}\n`) })
      : undefined;
    if (lakeTwin !== undefined) twin.onObjectsLanded(lakeTwin.onObjectsLanded);
    // A zip put in the staging folder during the run goes through the archive-drop core and starts a local execution.
    drops = lakeTwin === undefined
      ? undefined
      : watchStaging({
          dataDir,
          ...archiveDropSettings(config),
          run: twinPipelineRun({ dataDir, options: pipelineOptions(config), lake: lakeTwin }),
          onDrop: (key, result) => io.stdout.write(`  ${formatDrop(key, result)}\n`),
          onError: (key, error) => io.stderr.write(`npm start: archive drop ${key} not processed: ${error instanceof Error ? error.message : String(error)}\n`),
        });
    // The batch needs the lake's curated zone; the stream runs beside it, so both go together.
    const analyticsTwin = lakeTwin !== undefined && flags.analytics
      ? startAnalyticsTwin({ dataDir, processor: { maxClockSkewSeconds: config.telemetryMaxClockSkewSeconds, maxLatenessHours: config.telemetryMaxLatenessHours } })
      : undefined;
    if (analyticsTwin !== undefined) twin.onEnvelopes(analyticsTwin.onEnvelopes);
    const labelsFile = path.join(dataDir, 'labels', `anomalies-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`);
    const fleetOptions: FleetOptions = {
      target: { kind: 'broker', url },
      ...(useTls ? { tls: { certDir: twin.pkiDir } } : {}),
      devices: flags.devices,
      rooms: flags.rooms,
      ratePerDevice: flags.rate,
      durationSeconds: flags.duration,
      seed: flags.seed,
      faultRate: flags.faultRate,
      anomalyRate: flags.anomalyRate,
      labelsFile,
      writeFile,
      tolerances: { maxClockSkewSeconds: config.telemetryMaxClockSkewSeconds, maxLatenessHours: config.telemetryMaxLatenessHours },
      // Bounds the wait for acknowledgements that a failed twin never sends.
      operationTimeoutMs: 10_000,
      drainTimeoutMs: 10_000,
      signal: stopRun.signal,
    };
    io.stdout.write(
      `sensorlake local twin (${flags.env}) — broker ${url}${useTls ? ' (mutual TLS, one certificate per device)' : ''}\n` +
        `  raw zone ${twin.rawDir}; buffering ${(twin.buffer.sizeBytes / 2 ** 20).toFixed(0)} MiB or ${twin.buffer.intervalMs / 1000} s (Pulumi.${flags.env}.yaml)\n` +
        `  fleet ${flags.devices} devices in ${flags.rooms} rooms, ${flags.rate} msg/s each, for ${flags.duration} s\n` +
        (drops === undefined ? '' : `  archive drops: put <table>.zip in ${path.join(stagingDir(dataDir), 'in')}\n`),
    );
    const bar = publishProgress(io.stdout, flags.progress);
    const progress = bar.onProgress === undefined ? progressLines(io.stdout, flags.progress) : { hooks: { onProgress: bar.onProgress }, stop: bar.stop };
    let published: FleetProgress | undefined;
    const hooks: FleetHooks = {
      ...progress.hooks,
      onProgress: (p) => {
        published = p;
        progress.hooks.onProgress?.(p);
      },
    };
    dashboard?.live(liveCounters(twin, before, () => published));
    const fleet = await runFleet(fleetOptions, hooks).finally(progress.stop);
    await twin.stop();
    const streamRun = await analyticsTwin?.finishStream();
    const summary = summarizeRun(fleet, before, twin.stats(), { before: run.logBefore, after: WriteAheadLog.countPending(walDir) });
    // The drop being processed ends before the pipeline's own run: the lake's files are read and saved whole.
    await drops?.stop();
    const ran = lakeTwin === undefined || twin.stats().failure !== undefined ? undefined : await runPipeline(lakeTwin, config, summary.messages.landed, io);
    const lake = ran?.lake;
    const pipeline = ran?.pipeline;
    const anomalies = analyticsTwin === undefined || streamRun === undefined || lake === undefined || 'error' in lake
      ? undefined
      : await runAnalytics(analyticsTwin, streamRun, { dataDir, fleetIds, startTime: fleet.startTime, labelsFile: fleet.labelsFile, ratePerDevice: flags.rate }, io, flags.progress);
    const unwritten: WriteFailure[] = [];
    const analyticsLines = anomalies === undefined || 'error' in anomalies ? '' : `\n${formatAnomaliesSummary(anomalies)}`;
    const pipelineLine = pipeline === undefined ? '' : `\n${formatPipelineSummary(pipeline)}`;
    const lakeLines = `${lake === undefined || 'error' in lake ? '' : `\n${formatLakeSummary(lake, { dataDir })}${analyticsLines}`}${pipelineLine}`;
    if (fleet.labelsError === undefined) io.stdout.write(`${formatSummary(summary, { rawDir: twin.rawDir })}\n  labels     ${labelsFile}${lakeLines}\n`);
    else {
      io.stdout.write(`${formatSummary(summary, { rawDir: twin.rawDir })}${lakeLines}\n`);
      io.stderr.write(`npm start: labels file ${labelsFile} not written: ${fleet.labelsError.message}\n`);
      unwritten.push({ what: 'labels', error: fleet.labelsError });
    }
    const lakeProblems = lake === undefined ? [] : 'error' in lake ? [`the lake run failed: ${lake.error}`] : lake.problems;
    const analyticsProblems = anomalies === undefined ? [] : 'error' in anomalies ? [`the analytics run failed: ${anomalies.error}`] : anomalies.problems;
    const pipelineProblems = pipeline === undefined || pipeline.status === 'SUCCEEDED' ? [] : [`the pipeline ${pipeline.status}: ${pipeline.error ?? ''}: ${pipeline.cause ?? ''}`];
    const problems = [...summary.problems, ...lakeProblems.map((p) => `lake: ${p}`), ...analyticsProblems.map((p) => `anomalies: ${p}`), ...pipelineProblems];
    const ok = summary.ok && lakeProblems.length === 0 && analyticsProblems.length === 0 && pipelineProblems.length === 0;
    const summaryJson = {
      env: flags.env, dataDir, rawDir: twin.rawDir, broker: url, labelsFile: fleet.labelsFile, ...summary, ok, problems,
      ...(lake === undefined ? {} : { lake }),
      ...(anomalies === undefined ? {} : { anomalies }),
      ...(pipeline === undefined ? {} : { pipeline }),
    };
    const written = writeSummary(flags.summaryJson, summaryJson, run);
    if (written !== undefined) unwritten.push(written);
    const kept = keepLastSummary(dataDir, summaryJson, io);
    if (kept !== undefined) unwritten.push(kept);
    dashboard?.settle();
    const code = exitCodeOf(ok, twin, io, unwritten);
    const crashed = (lake !== undefined && 'error' in lake) || (anomalies !== undefined && 'error' in anomalies);
    return crashed && code !== ExitCode.DiskFull ? ExitCode.Failure : code;
  } catch (error) {
    await twin.stop().catch(() => undefined);
    await drops?.stop().catch(() => undefined);
    throw error;
  } finally {
    await dashboard?.close();
  }
}

/** Keeps the run's summary as `<dataDir>/runs/last-summary.json` for the dashboard; a failure is reported and returned, as writeSummary's. */
function keepLastSummary(dataDir: string, summary: object, io: Io): WriteFailure | undefined {
  try {
    writeLastSummary(dataDir, summary);
    return undefined;
  } catch (error) {
    io.stderr.write(`npm start: the last run's summary not written: ${error instanceof Error ? error.message : String(error)}\n`);
    return { what: 'last summary', error };
  }
}

/**
 * Runs the pipeline after ingestion flushed (the state machine, its Tasks on the lake twin) and accounts for the
 * lake's rows from the jobs it ran. A failed execution (it published its notification) is reported on stderr and
 * counted as a problem, so `npm start` exits Incomplete naming it (without a lake account when a job did not run);
 * an error of the twin itself (the source database
 * unreachable) is returned as the lake's error, since the ingestion account still stands.
 */
async function runPipeline(
  lakeTwin: LakeTwin,
  config: EnvironmentConfig,
  landed: number,
  io: Io,
): Promise<{ readonly lake?: LakeSummary | { readonly error: string }; readonly pipeline?: PipelineSummary }> {
  io.stdout.write('\npipeline: imports, crawls and curate (the state machine, run locally; training follows in the analytics step)\n');
  let session: Awaited<ReturnType<LakeTwin['open']>> | undefined;
  try {
    session = await lakeTwin.open();
    // Training is left to the analytics step that follows (one forest per room, one shingle per device): the
    // pipeline's per-room Map and its local SageMaker are exercised by local/orchestration's tests, and running both
    // here would train every room twice.
    const run = await runPipelineTwin({ dataDir: session.dataDir, lake: session, options: pipelineOptions(config), input: pipelineInput({ skip: ['train'] }) });
    const pipeline = summarizePipeline(run);
    if (run.status !== 'SUCCEEDED') io.stderr.write(`npm start: the pipeline ${run.status}: ${run.error ?? ''}: ${run.cause ?? ''}\n`);
    const { 'import-historical': historical, 'import-db': database, curate } = run.jobs;
    // A failed execution ends before its later jobs: the lake's account needs all three, the failure is the pipeline's.
    if (historical === undefined || database === undefined || curate === undefined) return { pipeline };
    const lake = summarizeLake(await session.finish({ jobs: { 'import-historical': historical, 'import-db': database, curate }, crawls: run.crawls }), landed);
    return { lake, pipeline };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`npm start: the lake run failed: ${message}\n`);
    return { lake: { error: message } };
  } finally {
    await session?.close();
  }
}

/** What the analytics run needs to know of the fleet's run. */
interface FleetScope {
  readonly dataDir: string;
  readonly fleetIds: readonly string[];
  readonly startTime: string;
  readonly labelsFile: string | null;
  readonly ratePerDevice: number;
}

/**
 * After the lake: trains, stores and scores per room (a progress bar of readings on a terminal) and judges the
 * scores against the run's labels; an error is reported on stderr and returned, as the lake's is.
 */
async function runAnalytics(analytics: AnalyticsTwin, stream: StreamRun, scope: FleetScope, io: Io, progress: boolean): Promise<AnomaliesSummary | { readonly error: string }> {
  io.stdout.write('\nanalytics: RCF per room on curated telemetry (train, store, score into curated.anomalies)\n');
  const bar = progressBar(io.stdout, progress, 'rcf training [{bar}] {percentage}% | {value}/{total} readings | room {room}');
  let started = false;
  try {
    const batch = await analytics.runBatch({
      onProgress: (done, total, room) => {
        if (!started) bar?.start(total, 0, { room });
        started = true;
        bar?.update(done, { room });
      },
    });
    bar?.stop();
    for (const r of batch.rooms) io.stdout.write(`  rcf        ${r.room}: trained on ${r.trainedRows} readings of ${r.devices} devices, threshold ${r.threshold.toFixed(3)}, flagged ${r.flagged}\n`);
    const labels = scope.labelsFile === null ? [] : readLabelsCsv(scope.labelsFile);
    const judgement = judge(labels, batch.flags, {
      devices: new Set(scope.fleetIds),
      fromMs: Date.parse(scope.startTime),
      toleranceMs: eventToleranceMs(1000 / scope.ratePerDevice, RCF_SETTINGS.shingleSize),
    });
    const summary = summarizeAnomalies(batch, stream, judgement, { modelsDir: modelsDir(scope.dataDir) });
    return scope.labelsFile === null ? { ...summary, ok: false, problems: [...summary.problems, 'no labels file was written: quality not measured'] } : summary;
  } catch (error) {
    bar?.stop();
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`npm start: the analytics run failed: ${message}\n`);
    return { error: message };
  }
}

/** The `npm start` command; `run` is replaceable so tests can check the wiring without starting anything. */
export function makeStartProgram(io: Io, run: (flags: StartFlags) => Promise<ExitCode>): Command {
  const program = newProgram('start', 'Run the sensorlake ingestion path on this machine: embedded broker, topic rule, delivery stream, simulated fleet.', io)
    .addOption(kitOption('--duration <seconds>', 'how long the fleet publishes', parse.integer(1, 86_400), 20))
    .addOption(kitOption('--devices <n>', 'number of simulated devices', parse.integer(1, 10_000), 20))
    .addOption(kitOption('--rooms <n>', 'number of rooms the devices are spread over', parse.integer(1, 1_000), 4))
    .addOption(kitOption('--rate <msgPerSecond>', 'messages per second per device', parse.positiveNumber(1_000), 1))
    .addOption(kitOption('--seed <n>', 'random seed (same seed, same messages)', parse.integer(0, 2 ** 32 - 1), 1))
    .addOption(kitOption('--fault-rate <p>', 'probability that a message carries an injected fault', parse.probability, 0.02))
    .addOption(kitOption('--anomaly-rate <p>', 'probability per reading that an anomaly starts', parse.probability, 0.002))
    .addOption(kitOption('--env <env>', `environment whose Pulumi.<env>.yaml settings the twin uses: ${ENVIRONMENTS.join(', ')}`, parse.oneOf(ENVIRONMENTS), 'dev'))
    .option('--data-dir <dir>', 'where the raw zone, write-ahead log and certificates live', path.join(PROJECT_ROOT, '.sensorlake'))
    .option('--summary-json <file>', 'also write the summary as JSON')
    .option('--no-tls', 'devices connect over plain TCP instead of mutual TLS')
    .addOption(kitOption('--broker-url <url>', 'use an external MQTT broker (e.g. Mosquitto) instead of the embedded one', parse.brokerUrl))
    .addOption(kitOption('--buffer-interval <seconds>', 'delivery buffer interval instead of the environment setting', parse.integer(0, 900)))
    .addOption(kitOption('--log-level <level>', 'log level of the twin (logs go to stderr): debug, info, warn, error', parse.oneOf(['debug', 'info', 'warn', 'error'] as const), 'warn'))
    .option('--no-progress', 'no progress bar')
    .option('--serve', 'run the twin without a fleet until interrupted, for your own devices or `npm run sensors`', false)
    .addOption(kitOption('--port <n>', 'TCP port of the embedded broker (default: free port; 1883 with --serve)', parse.integer(0, 65_535)))
    .addOption(kitOption('--tls-port <n>', 'mutual-TLS port of the embedded broker (default: free port; 8883 with --serve)', parse.integer(0, 65_535)))
    .option('--no-lake', 'skip the lake and its pipeline after ingestion (imports, crawls, curate, rooms)')
    .addOption(kitOption('--source-url <url>', "a PostgreSQL holding the readings table for import-db, instead of the twin's PGlite", sourceUrl))
    .option('--no-analytics', 'skip the real-time alerts and, after the lake, the RCF per room')
    .option('--no-dashboard', 'no dashboard (by default it is served on 127.0.0.1 while the run goes, its URL printed at start)')
    .addOption(kitOption('--dashboard-port <n>', 'port of the dashboard (default: a free port)', parse.integer(0, 65_535)))
    .action(async (flags: StartFlags) => {
      process.exitCode = await run(flags);
    });
  return program;
}

/** The exit code of an error that ended `npm start` before its account (DiskFull for ENOSPC anywhere, e.g. opening the write-ahead log). */
export function exitCodeOfError(error: unknown): ExitCode {
  if (error instanceof ConnectError || error instanceof ExternalBrokerError) return ExitCode.Unavailable;
  if (error instanceof InvalidValueError) return ExitCode.Usage;
  return isDiskFull(error) ? ExitCode.DiskFull : ExitCode.Failure;
}

/**
 * Entry point of `npm start`: the kit's ExitCode (Usage for a bad option, Unavailable when the fleet cannot connect,
 * Incomplete when a message is not accounted for, DiskFull on a full disk, Failure otherwise). `run` is
 * replaceable so tests can check the mapping of errors without starting anything.
 */
export async function main(
  argv: readonly string[],
  io: Io,
  run: (flags: StartFlags, signal: AbortSignal) => Promise<ExitCode> = (flags, signal) => startAction(flags, io, signal),
): Promise<void> {
  const abort = new AbortController();
  const interrupted = () => {
    io.stderr.write('\ninterrupted: stopping, delivering what was received\n');
    abort.abort();
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const program = makeStartProgram(io, (flags) => run(flags, abort.signal));
  try {
    const code = await parseArgv(program, argv);
    if (code !== undefined) process.exitCode = code;
  } catch (error) {
    io.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = exitCodeOfError(error);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2), processIo());
}
