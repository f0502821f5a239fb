import path from 'node:path';
import { CURATED_TELEMETRY } from '../core/lake/tables.js';
import type { FleetReport } from '../sensors/index.js';
import { FAULT_EXPECTED_REASON, FAULT_KINDS } from '../sensors/index.js';
import type { FaultKind } from '../sensors/index.js';
import type { TwinStats } from './ingestion/twin.js';
import { accounting } from './lake/runner.js';
import type { LakeRun, LakeTableCount } from './lake/index.js';
import type { Notification } from './orchestration/index.js';
import type { PipelineTwinRun } from './orchestration/pipeline-twin.js';
import type { BatchRun, Judgement, RoomBatch, StreamRun } from './analytics/index.js';

/** How one injected fault kind was accounted for. */
export interface FaultAccount {
  readonly kind: FaultKind;
  readonly injected: number;
  readonly acknowledged: number;
  readonly expectedReason: string;
}

/** How the quarantine of one reason compares with what the fleet injected. */
export interface ReasonAccount {
  readonly reason: string;
  /** Acknowledged faulty messages whose kind maps to this reason. */
  readonly expected: number;
  readonly quarantined: number;
}

/** The end-of-run account of `npm start`, also written with `--summary-json`. */
export interface RunSummary {
  readonly ok: boolean;
  /** Every broken invariant, in words; empty when ok. */
  readonly problems: readonly string[];
  readonly messages: {
    readonly sent: number;
    readonly acknowledged: number;
    readonly received: number;
    readonly landed: number;
    readonly quarantined: number;
    /** received − landed − quarantined − keptInLog, after the final flush. */
    readonly lost: number;
    /** Entries this run added to the write-ahead log after its checkpoint (counted in the log files): acknowledged, not delivered (the twin failed: a full disk), delivered at the next start. */
    readonly keptInLog?: number;
  };
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  readonly faults: readonly FaultAccount[];
  readonly reasons: readonly ReasonAccount[];
  readonly refused: Readonly<Record<string, number>>;
  readonly offlineDropped: number;
  readonly failed: number;
  /** Anomalies the simulator injected and labelled, by kind (the JSON's `anomalies` is the detector's section). */
  readonly injectedAnomalies: Readonly<Record<string, number>>;
  readonly objectsWritten: number;
  /** Entries recovered from the write-ahead log of an earlier, interrupted run and delivered at start. */
  readonly replayedFromEarlierRun: number;
  readonly publish: {
    readonly ratePerSecond: number;
    readonly latencyMs: FleetReport['latencyMs'];
  };
}

function delta(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const d = (after[key] ?? 0) - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

/** What the twin did between two snapshots: the part of an account that needs no fleet report. */
export interface TwinAccount {
  readonly received: number;
  readonly landed: number;
  readonly quarantined: number;
  /** received − landed − quarantined − keptInLog. */
  readonly lost: number;
  /** Entries this run added to the write-ahead log after its checkpoint, as counted in the log: received, not delivered (delivered at the next start). */
  readonly keptInLog: number;
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  readonly refused: Readonly<Record<string, number>>;
  readonly objectsWritten: number;
}

/**
 * How many entries the write-ahead log held after its checkpoint when each twin snapshot was taken, read back from
 * the log files (`WriteAheadLog.countPending`), not derived from the delivery counters.
 */
export interface LogCounts {
  readonly before: number;
  readonly after: number;
}

/** The twin's counts between two snapshots (`before` taken after an initial flush, `after` after stop), with what the log held at each. */
export function twinAccount(before: TwinStats, after: TwinStats, log: LogCounts): TwinAccount {
  const received = after.received - before.received;
  const landed = after.landed - before.landed;
  const quarantined = after.quarantined - before.quarantined;
  const keptInLog = log.after - log.before;
  return {
    received,
    landed,
    quarantined,
    lost: received - landed - quarantined - keptInLog,
    keptInLog,
    quarantinedByReason: delta(after.quarantinedByReason, before.quarantinedByReason),
    refused: delta(after.refused, before.refused),
    objectsWritten: after.objectsWritten - before.objectsWritten,
  };
}

/** The account printed when `npm start -- --serve` stops. */
export function formatTwinAccount(a: TwinAccount, rawDir: string): string {
  const reasons = Object.entries(a.quarantinedByReason).sort(([x], [y]) => x.localeCompare(y));
  const refused = Object.entries(a.refused);
  return [
    '',
    'sensorlake local twin: account',
    `  messages   received ${a.received}: landed ${a.landed} + quarantined ${a.quarantined}, lost ${a.lost}` +
      (a.keptInLog !== 0 ? `, kept in the write-ahead log ${a.keptInLog}` : ''),
    ...(reasons.length > 0 ? [`  quarantine ${reasons.map(([k, v]) => `${k} ${v}`).join(', ')}`] : []),
    ...(refused.length > 0 ? [`  refused    ${refused.map(([k, v]) => `${k} ${v}`).join(', ')}`] : []),
    `  raw zone   ${a.objectsWritten} objects written under ${rawDir}`,
    a.lost === 0 ? '  result     every received message accounted for' : `  result     FAILED: ${a.lost} received messages are neither landed, quarantined nor kept in the write-ahead log`,
  ].join('\n');
}

/**
 * Accounts for every message of one run: what the fleet sent and the broker acknowledged, what the twin received,
 * landed and quarantined (the difference between two twin snapshots taken around the run), and whether each
 * injected fault ended quarantined with the reason it should have.
 */
export function summarizeRun(fleet: FleetReport, before: TwinStats, after: TwinStats, log: LogCounts): RunSummary {
  const account = twinAccount(before, after, log);
  const { received, landed, quarantined, lost, keptInLog, quarantinedByReason } = account;

  const faults = FAULT_KINDS.map((kind) => ({
    kind,
    injected: fleet.faultsInjected[kind] ?? 0,
    acknowledged: fleet.faultsAcknowledged[kind] ?? 0,
    expectedReason: FAULT_EXPECTED_REASON[kind],
  }));
  const expectedByReason: Record<string, number> = {};
  for (const f of faults) expectedByReason[f.expectedReason] = (expectedByReason[f.expectedReason] ?? 0) + f.acknowledged;
  const reasons = [...new Set([...Object.keys(expectedByReason), ...Object.keys(quarantinedByReason)])]
    .sort()
    .map((reason) => ({ reason, expected: expectedByReason[reason] ?? 0, quarantined: quarantinedByReason[reason] ?? 0 }));

  const problems: string[] = [];
  if (lost !== 0) problems.push(`${lost} received messages are neither landed, quarantined nor kept in the write-ahead log`);
  if (after.failure !== undefined) {
    problems.push(`the twin failed: ${after.failure.message}`);
    problems.push(`${keptInLog} acknowledged messages are kept in the write-ahead log and delivered at the next start`);
  } else {
    if (after.pendingInBuffer !== 0) problems.push(`${after.pendingInBuffer} messages are still buffered after the final flush`);
    if (keptInLog !== 0) problems.push(`${keptInLog} acknowledged messages are still in the write-ahead log after the final flush`);
  }
  if (fleet.labelsError !== undefined) problems.push(`labels file ${fleet.labelsError.file} not written: ${fleet.labelsError.message}`);
  if (fleet.messages.acknowledged !== received) {
    problems.push(`the broker acknowledged ${fleet.messages.acknowledged} messages but the twin received ${received}`);
  }
  for (const r of reasons) {
    if (r.expected !== r.quarantined) {
      problems.push(`${r.quarantined} messages quarantined as ${r.reason}, but ${r.expected} injected faults lead there`);
    }
  }
  if (landed !== fleet.cleanAcknowledged) {
    problems.push(`${landed} readings landed, but the fleet had ${fleet.cleanAcknowledged} acknowledged clean readings`);
  }

  return {
    ok: problems.length === 0,
    problems,
    messages: { sent: fleet.messages.sent, acknowledged: fleet.messages.acknowledged, received, landed, quarantined, lost, ...(keptInLog !== 0 ? { keptInLog } : {}) },
    quarantinedByReason,
    faults,
    reasons,
    refused: account.refused,
    offlineDropped: fleet.messages.offlineDropped,
    failed: fleet.messages.failed,
    injectedAnomalies: fleet.anomalies,
    objectsWritten: account.objectsWritten,
    replayedFromEarlierRun: before.replayed,
    publish: { ratePerSecond: fleet.ratePerSecond, latencyMs: fleet.latencyMs },
  };
}

/** The summary as the lines `npm start` prints. */
export function formatSummary(s: RunSummary, where: { readonly rawDir: string; readonly dashboard?: string }): string {
  const m = s.messages;
  const lines = [
    '',
    'sensorlake local twin: summary',
    `  messages   sent ${m.sent}, acknowledged ${m.acknowledged}, received ${m.received}`,
    `             landed ${m.landed} + quarantined ${m.quarantined} = ${m.landed + m.quarantined}, lost ${m.lost}` +
      (m.keptInLog ? `, kept in the write-ahead log ${m.keptInLog}` : ''),
    `  publish    ${Math.round(s.publish.ratePerSecond)} msg/s, latency p50 ${s.publish.latencyMs.p50.toFixed(1)} ms, ` +
      `p99 ${s.publish.latencyMs.p99.toFixed(1)} ms`,
  ];
  if (s.failed > 0 || s.offlineDropped > 0) lines.push(`  not sent   failed ${s.failed}, offline queue dropped ${s.offlineDropped}`);
  const reasons = s.reasons.filter((r) => r.expected > 0 || r.quarantined > 0);
  if (reasons.length > 0) {
    lines.push('  quarantine reason          injected  quarantined');
    for (const r of reasons) {
      lines.push(`             ${r.reason.padEnd(16)} ${String(r.expected).padStart(8)}  ${String(r.quarantined).padStart(11)}`);
    }
  }
  const refused = Object.entries(s.refused);
  if (refused.length > 0) lines.push(`  refused    ${refused.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const injected = Object.entries(s.injectedAnomalies).filter(([, v]) => v > 0);
  if (injected.length > 0) lines.push(`  injected   anomalies ${injected.map(([k, v]) => `${k} ${v}`).join(', ')} (labelled)`);
  if (s.replayedFromEarlierRun > 0) lines.push(`  recovered  ${s.replayedFromEarlierRun} messages of an interrupted earlier run`);
  lines.push(`  raw zone   ${s.objectsWritten} objects written under ${where.rawDir}`);
  lines.push(s.ok ? '  result     every message accounted for' : `  result     FAILED:\n${s.problems.map((p) => `    - ${p}`).join('\n')}`);
  return lines.join('\n');
}

/** The lake part of the `npm start` account, also written with `--summary-json` as `lake`. */
export interface LakeSummary {
  readonly ok: boolean;
  /** Every broken invariant, in words; empty when ok. */
  readonly problems: readonly string[];
  /** Raw telemetry rows curate read (those of the objects no earlier curate processed: its job bookmark). */
  readonly rawRows: number;
  /** Rows this run's imports wrote to the raw zone: the new ones only (the imports' job bookmarks). */
  readonly importedRows: { readonly historical: number; readonly database: number };
  /**
   * What the job bookmarks left out as read by an earlier run, so neither read nor counted again: historical CSV
   * files already imported, the last source reading_id already imported (null: none yet), raw objects already curated.
   */
  readonly alreadyRead: { readonly historicalFiles: number; readonly databaseAfterKey: string | null; readonly curatedObjects: number };
  /** Rows curate read per source: raw telemetry, raw historical and raw database rows new since the last curate. */
  readonly readByCurate: { readonly telemetry: number; readonly historical: number; readonly database: number };
  readonly curatedRows: number;
  readonly quarantinedRows: number;
  readonly duplicateRows: number;
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  readonly duplicatesByKind: Readonly<Record<string, number>>;
  /** Objects the ingestion twin reported landed this run, by zone prefix. */
  readonly objectsLanded: Readonly<Record<string, number>>;
  readonly sourceDatabase: string;
  readonly tables: readonly LakeTableCount[];
  readonly elapsedSeconds: number;
}

const total = (record: Readonly<Record<string, number>>) => Object.values(record).reduce((a, b) => a + b, 0);

/**
 * Accounts for every row of the lake run: each import wrote every row it read; curate's curated + quarantined +
 * duplicates equal the rows it read (raw telemetry + imported historical + imported database); curate read at
 * least what this run landed and imported. `landed` is the records this run's ingestion landed in the raw zone.
 */
export function summarizeLake(run: LakeRun, landed: number): LakeSummary {
  const { 'import-historical': historical, 'import-db': database, curate } = run.jobs;
  const problems: string[] = [];
  for (const counts of [historical, database]) {
    const { read, accounted } = accounting(counts);
    if (read !== accounted) problems.push(`${counts.job} read ${read} rows but wrote ${accounted}`);
  }
  const readByCurate = {
    telemetry: curate.read.raw_telemetry ?? 0,
    historical: curate.read.raw_historical ?? 0,
    database: curate.read.raw_database ?? 0,
  };
  const quarantinedRows = total(curate.quarantined);
  const duplicateRows = total(curate.duplicates);
  const read = readByCurate.telemetry + readByCurate.historical + readByCurate.database;
  const accounted = curate.kept + quarantinedRows + duplicateRows;
  if (read !== accounted) {
    problems.push(`curate read ${read} rows but curated ${curate.kept} + quarantined ${quarantinedRows} + duplicates ${duplicateRows} = ${accounted}`);
  }
  if (readByCurate.telemetry < landed) problems.push(`curate read ${readByCurate.telemetry} raw telemetry rows, fewer than the ${landed} this run landed`);
  if (readByCurate.historical < historical.kept) problems.push(`curate read ${readByCurate.historical} raw historical rows, fewer than the ${historical.kept} this run imported`);
  if (readByCurate.database < database.kept) problems.push(`curate read ${readByCurate.database} raw database rows, fewer than the ${database.kept} this run imported`);
  return {
    ok: problems.length === 0,
    problems,
    rawRows: readByCurate.telemetry,
    importedRows: { historical: historical.kept, database: database.kept },
    alreadyRead: {
      historicalFiles: total(Object.fromEntries(Object.entries(historical.bookmarks).map(([view, b]) => [view, b.skippedObjects]))),
      databaseAfterKey: Object.values(database.bookmarks)[0]?.afterKey ?? null,
      curatedObjects: total(Object.fromEntries(Object.entries(curate.bookmarks).map(([view, b]) => [view, b.skippedObjects]))),
    },
    readByCurate,
    curatedRows: curate.kept,
    quarantinedRows,
    duplicateRows,
    quarantinedByReason: curate.quarantined,
    duplicatesByKind: curate.duplicates,
    objectsLanded: run.objectsLanded,
    sourceDatabase: run.sourceDatabase.url,
    tables: run.tables,
    elapsedSeconds: Math.round(run.elapsedMs / 100) / 10,
  };
}

/** The lake section of the summary `npm start` prints. */
export function formatLakeSummary(s: LakeSummary, where: { readonly dataDir: string }): string {
  const r = s.readByCurate;
  const nonZero = (record: Readonly<Record<string, number>>) => Object.entries(record).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const lines = [
    `  lake       imported historical ${s.importedRows.historical} new (${s.alreadyRead.historicalFiles} files imported before), database ${s.importedRows.database} new (${s.alreadyRead.databaseAfterKey === null ? 'first import' : `after reading_id ${s.alreadyRead.databaseAfterKey}`}) (${s.sourceDatabase})`,
    `             curate read ${r.telemetry + r.historical + r.database} new = raw telemetry ${r.telemetry} + historical ${r.historical} + database ${r.database} (${s.alreadyRead.curatedObjects} raw objects curated before)`,
    `             curated ${s.curatedRows} + quarantined ${s.quarantinedRows} + duplicates ${s.duplicateRows} = ${s.curatedRows + s.quarantinedRows + s.duplicateRows}`,
    `             quarantine ${nonZero(s.quarantinedByReason)}; duplicates ${nonZero(s.duplicatesByKind)}`,
    '  table                       partitions     files        rows',
    ...s.tables.map((t) => `             ${`${t.database}.${t.name}`.padEnd(22)} ${String(t.partitions).padStart(6)} ${String(t.files).padStart(9)} ${String(t.rows).padStart(11)}`),
    `  curated    ${path.join(where.dataDir, CURATED_TELEMETRY.zone, CURATED_TELEMETRY.prefix)}room_id=<room>/date=<date>/ (lake run ${s.elapsedSeconds} s)`,
    s.ok ? '  lake       every raw and imported row accounted for' : `  lake       FAILED:\n${s.problems.map((p) => `    - ${p}`).join('\n')}`,
  ];
  return lines.join('\n');
}

/** The pipeline part of the `npm start` account, also written with `--summary-json` as `pipeline`. */
export interface PipelineSummary {
  readonly status: PipelineTwinRun['status'];
  /** Every state the main machine visited, by virtual start. */
  readonly states: readonly string[];
  /** Real milliseconds the execution took. */
  readonly durationMs: number;
  /** What it would have taken on AWS, counting Waits, retry intervals and the rooms' nested executions. */
  readonly virtualDurationMs: number;
  /** Messages it published to the failure topic (also in `notificationsFile`). */
  readonly notifications: readonly Notification[];
  readonly notificationsFile: string;
  readonly execution: string;
  /** The rooms of the Map, and the curated rooms left out with their readings (too few to train). */
  readonly rooms: readonly string[];
  readonly roomsLeftOut: readonly { readonly room: string; readonly rows: number }[];
  /** The execution's error and cause, when it did not succeed. */
  readonly error?: string;
  readonly cause?: string;
}

/** The pipeline section from a twin run. */
export function summarizePipeline(run: PipelineTwinRun): PipelineSummary {
  return {
    status: run.status,
    states: run.states.map((s) => s.name),
    durationMs: Math.round(run.durationMs),
    virtualDurationMs: run.virtualDurationMs,
    notifications: run.notifications,
    notificationsFile: run.notificationsFile,
    execution: run.executionArn,
    rooms: run.rooms,
    roomsLeftOut: run.roomsLeftOut,
    ...(run.error === undefined ? {} : { error: run.error }),
    ...(run.cause === undefined ? {} : { cause: run.cause }),
  };
}

/** The pipeline line of the summary `npm start` prints. */
export function formatPipelineSummary(s: PipelineSummary): string {
  const rooms = s.rooms.length === 0 ? 'no room trained' : `rooms ${s.rooms.join(', ')}`;
  const leftOut = s.roomsLeftOut.length === 0 ? '' : ` (left out, too few readings: ${s.roomsLeftOut.map((r) => `${r.room} ${r.rows}`).join(', ')})`;
  const head = `  pipeline   ${s.status}: ${s.states.length} states in ${(s.durationMs / 1000).toFixed(1)} s (${(s.virtualDurationMs / 1000).toFixed(0)} s on the virtual clock), ${rooms}${leftOut}`;
  const notified = `${s.notifications.length} notification${s.notifications.length === 1 ? '' : 's'}${s.notifications.length === 0 ? '' : ` in ${s.notificationsFile}`}`;
  return s.status === 'SUCCEEDED' ? `${head}, ${notified}` : `${head}\n             ${s.error ?? ''}: ${s.cause ?? ''}; ${notified}`;
}

/** One room of the anomalies section. */
export interface AnomalyRoomSummary {
  readonly room: string;
  readonly trainedRows: number;
  readonly threshold: number;
  readonly scored: number;
  readonly flagged: number;
  readonly warmingUp: number;
}

/**
 * The analytics part of the `npm start` account, written with `--summary-json` as `anomalies`. Counts add up:
 * `readRows = scored + untrainedRows + withoutValue`, `scored = flagged + notFlagged`, `warmingUp` is part of
 * notFlagged; quality is event-wise against the run's temperature labels, the others counted `notJudged`.
 */
export interface AnomaliesSummary {
  readonly ok: boolean;
  readonly problems: readonly string[];
  /** Curated readings the batch read (every run's, of every source). */
  readonly readRows: number;
  readonly scored: number;
  readonly flagged: number;
  readonly notFlagged: number;
  readonly warmingUp: number;
  /** Readings of trained rooms in no shingled point (each device's first shingleSize - 1), not scored. */
  readonly beforeShingle: number;
  /** Readings of rooms too small to train (no warm score), not scored. */
  readonly untrainedRows: number;
  readonly withoutValue: number;
  /** Alerts the real-time stream published this run. */
  readonly alerts: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** The event-wise account behind the scores: labels judged and not, flags of the run's devices, false alarms. */
  readonly judged: Omit<Judgement, 'byKind' | 'precision' | 'recall' | 'f1'>;
  readonly byKind: Judgement['byKind'];
  readonly rooms: readonly AnomalyRoomSummary[];
  readonly untrained: readonly { readonly room: string; readonly rows: number; readonly reason: string }[];
  /** The real-time stream: records, windows, the core's counts, how each room was scored. */
  readonly stream: {
    readonly put: number;
    readonly delivered: number;
    readonly deadLettered: number;
    readonly pending: number;
    readonly windowsClosed: number;
    readonly scored: number;
    readonly warm: number;
    readonly anomalous: number;
    readonly refused: number;
    readonly rooms: readonly { readonly room: string; readonly source: string; readonly threshold: number | null; readonly scored: number; readonly warm: number }[];
    readonly alertLog: string;
  };
  readonly modelsDir: string;
  readonly elapsedSeconds: number;
}

/** The anomalies section from the batch, the drained stream and the judgement against the labels. */
export function summarizeAnomalies(batch: BatchRun, stream: StreamRun, judgement: Judgement, where: { readonly modelsDir: string }): AnomaliesSummary {
  const sum = (f: (r: RoomBatch) => number) => batch.rooms.reduce((n, r) => n + f(r), 0);
  const scored = sum((r) => r.scored);
  const flagged = sum((r) => r.flagged);
  const notFlagged = sum((r) => r.notFlagged);
  const untrainedRows = batch.untrained.reduce((n, r) => n + r.rows, 0);
  const problems: string[] = [];
  if (batch.readRows !== scored + batch.beforeShingle + untrainedRows + batch.withoutValue) {
    problems.push(`the batch read ${batch.readRows} curated readings but scored ${scored} + before a full shingle ${batch.beforeShingle} + untrained ${untrainedRows} + without value ${batch.withoutValue}`);
  }
  if (scored !== flagged + notFlagged) problems.push(`${scored} readings scored but flagged ${flagged} + not flagged ${notFlagged}`);
  if (batch.written !== scored) problems.push(`${scored} readings scored but ${batch.written} rows written to curated.anomalies`);
  if (flagged !== batch.flags.length) problems.push(`${flagged} readings flagged but ${batch.flags.length} flags listed`);
  const s = stream.stats;
  if (s.pending !== 0) problems.push(`${s.pending} records still pending on the alert stream after the final drain`);
  if (s.deadLettered !== 0) problems.push(`${s.deadLettered} records of the alert stream were dead-lettered`);
  if (s.windowsDeadLettered !== 0) problems.push(`${s.windowsDeadLettered} alert windows failed to close: their alerts are lost`);
  const { byKind, precision, recall, f1, ...judged } = judgement;
  return {
    ok: problems.length === 0,
    problems,
    readRows: batch.readRows,
    scored,
    flagged,
    notFlagged,
    warmingUp: sum((r) => r.warmingUp),
    beforeShingle: batch.beforeShingle,
    untrainedRows,
    withoutValue: batch.withoutValue,
    alerts: s.alerts,
    precision,
    recall,
    f1,
    judged,
    byKind,
    rooms: batch.rooms.map((r) => ({ room: r.room, trainedRows: r.trainedRows, threshold: r.threshold, scored: r.scored, flagged: r.flagged, warmingUp: r.warmingUp })),
    untrained: batch.untrained,
    stream: {
      put: s.put,
      delivered: s.delivered,
      deadLettered: s.deadLettered,
      pending: s.pending,
      windowsClosed: s.windowsClosed,
      scored: s.counts.scored,
      warm: s.counts.warm,
      anomalous: s.counts.anomalous,
      refused: s.counts.refused,
      rooms: stream.rooms,
      alertLog: stream.alertLog.file,
    },
    modelsDir: where.modelsDir,
    elapsedSeconds: Math.round(batch.elapsedMs / 100) / 10,
  };
}

/** The anomalies section of the summary `npm start` prints. */
export function formatAnomaliesSummary(a: AnomaliesSummary): string {
  const pct = (x: number) => x.toFixed(2);
  const j = a.judged;
  const s = a.stream;
  const sources = s.rooms.map((r) => `${r.room} ${r.source}`).join(', ') || 'none';
  const lines = [
    `  anomalies  RCF per room (${a.rooms.length} rooms, models in ${a.modelsDir}), ${a.elapsedSeconds} s`,
    `             read ${a.readRows} = scored ${a.scored} + before a full shingle ${a.beforeShingle} + untrained ${a.untrainedRows} + without value ${a.withoutValue}`,
    `             scored ${a.scored} = flagged ${a.flagged} + not flagged ${a.notFlagged} (warming up ${a.warmingUp}, never flagged)`,
    `             against this run's labels (event-wise, ${j.field}): precision ${pct(a.precision)}, recall ${pct(a.recall)}, F1 ${pct(a.f1)}`,
    `             labels ${j.labels} = judged ${j.judged} (found ${j.found}, missed ${j.missed}) + not judged ${j.notJudged} (other fields); flags of the run's devices ${j.flags} = inside a label ${j.flagsInside} + false alarms ${j.falseAlarms}`,
    '  kind         labels  judged  found  missed  not judged',
    ...Object.entries(a.byKind).map(([kind, k]) => `             ${kind.padEnd(8)} ${String(k.labels).padStart(5)} ${String(k.judged).padStart(7)} ${String(k.found).padStart(6)} ${String(k.missed).padStart(7)} ${String(k.notJudged).padStart(11)}`),
    '  room                        rows   threshold    flagged  warming up',
    ...a.rooms.map((r) => `             ${r.room.padEnd(16)} ${String(r.trainedRows).padStart(9)} ${r.threshold.toFixed(3).padStart(11)} ${String(r.flagged).padStart(10)} ${String(r.warmingUp).padStart(11)}`),
    ...a.untrained.map((r) => `             ${r.room}: ${r.rows} readings not scored (${r.reason})`),
    `  alerts     ${a.alerts} from the real-time stream (${s.put} records, ${s.windowsClosed} windows; scored ${s.scored}, warm ${s.warm}, anomalous ${s.anomalous}; rooms: ${sources}) in ${s.alertLog}`,
    a.ok ? '  anomalies  every curated reading and streamed record accounted for' : `  anomalies  FAILED:\n${a.problems.map((p) => `    - ${p}`).join('\n')}`,
  ];
  return lines.join('\n');
}
