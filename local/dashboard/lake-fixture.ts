import { alertId, alertMessage, type AlertMessage, type AnomalyAlert } from '../../core/analytics/alerts.js';
import type { AslDefinition } from '../../core/asl/index.js';
import { JOB_NAMES } from '../../core/lake/jobs.js';
import { pipelineDefinition, pipelineOptions } from '../../core/orchestration/index.js';
import { readEnvironmentConfig } from '../../core/settings.js';
import { COLUMN_TYPES, CURATED_ANOMALIES, CURATED_QUARANTINE, CURATED_TELEMETRY, type TableDefinition } from '../../core/lake/tables.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb, sqlString } from '../lake/duckdb.js';
import { writePartitioned } from '../lake/writer.js';
import { CopiedObjects, FakeSageMaker, instantAthena, LocalCrawlers, LocalGlueJobs, NotificationLog, runLocal, type LocalRunResult } from '../orchestration/index.js';
import { localResources } from '../orchestration/pipeline-twin.js';
import { openAlertLog } from '../analytics/alerts-log.js';
import { lastExecutionOf, writeLastExecution } from '../orchestration/last-execution.js';
import { writeLastSummary } from './run-summary.js';

/** A generated lake for the dashboard's browser test and bench: readings every minute, spikes flagged anomalous. */
export interface DashboardLake {
  readonly devices: number;
  readonly rooms: number;
  /** Minutes of readings per device, from `start`. */
  readonly minutes: number;
  readonly start: Date;
}

/** The room of device `d` (0-based): `room-1` .. `room-<rooms>`, round robin. */
export function fixtureRoom(d: number, rooms: number): string {
  return `room-${(d % rooms) + 1}`;
}

/** A reading is a spike (6 °C up, flagged anomalous) every 53 minutes per device, and at minute 100 for every device. */
const SPIKE = '(m % 53 = (d * 7) % 53 OR m = 100)';

async function writeGenerated(dataDir: string, table: TableDefinition, from: string, expressions: Readonly<Record<string, string>>, where = 'TRUE'): Promise<void> {
  const columns = [...table.columns, ...table.partitionKeys];
  const missing = columns.filter((c) => expressions[c.name] === undefined).map((c) => c.name);
  if (missing.length > 0) throw new Error(`writeGenerated: no expression for ${table.name} columns ${missing.join(', ')}`);
  const select = `SELECT ${columns.map((c) => `CAST(${expressions[c.name]} AS ${COLUMN_TYPES[c.type].duckdb}) AS ${c.name}`).join(', ')} FROM ${from} WHERE ${where}`;
  const catalog = LocalCatalog.open(dataDir);
  const db = await openDuckdb();
  try {
    await writePartitioned(db.connection, catalog, table, select, `fixture-${table.name}-${Date.now()}`);
    catalog.save();
  } finally {
    db.close();
  }
}

/**
 * Writes curated telemetry (a reading per device and minute), its anomalies (every spike flagged; every 97th
 * reading scored but not flagged) and a few quarantined rows into a twin data directory, through the lake writer
 * and the local catalog as the jobs do.
 */
export async function writeDashboardLake(dataDir: string, lake: DashboardLake): Promise<void> {
  const start = sqlString(lake.start.toISOString().replace('T', ' ').replace('Z', ''));
  const from = `range(${lake.devices}) t(d), range(${lake.minutes}) u(m)`;
  const base = {
    device_id: `'dev-' || lpad(CAST(d AS VARCHAR), 3, '0')`,
    ts: `CAST(${start} AS TIMESTAMP) + to_minutes(m)`,
    room_id: `'room-' || CAST(d % ${lake.rooms} + 1 AS VARCHAR)`,
    date: `strftime(CAST(${start} AS TIMESTAMP) + to_minutes(m), '%Y-%m-%d')`,
  };
  const temperature = `20 + d % 3 + 1.5 * sin(m / 60.0 + d) + CASE WHEN ${SPIKE} THEN 6 ELSE 0 END`;
  await writeGenerated(dataDir, CURATED_TELEMETRY, from, {
    ...base,
    seq: 'm',
    temperature,
    humidity: '40',
    pressure: '1010',
    pitch: 'NULL',
    roll: 'NULL',
    yaw: 'NULL',
    source: `'fleet'`,
    record_key: `'dev-' || lpad(CAST(d AS VARCHAR), 3, '0') || '|' || CAST(m AS VARCHAR)`,
    ingest_ts: base.ts,
  });
  await writeGenerated(dataDir, CURATED_ANOMALIES, from, {
    ...base,
    value: temperature,
    score: `CASE WHEN ${SPIKE} THEN 3 + (d % 5) / 10.0 ELSE 1 END`,
    threshold: '2',
    warm: 'TRUE',
    is_anomaly: SPIKE,
    model_id: `'rcf-room-' || CAST(d % ${lake.rooms} + 1 AS VARCHAR)`,
    scored_at: `CAST(${start} AS TIMESTAMP) + to_minutes(${lake.minutes})`,
  }, `${SPIKE} OR m % 97 = 0`);
  await writeGenerated(dataDir, CURATED_QUARANTINE, 'range(5) q(i)', {
    date: `strftime(CAST(${start} AS TIMESTAMP), '%Y-%m-%d')`,
    source: `CASE WHEN i < 3 THEN 'fleet' ELSE 'historical' END`,
    reason: `CASE WHEN i < 2 THEN 'out-of-range' WHEN i < 4 THEN 'missing-field' ELSE 'bad-timestamp' END`,
    detail: `'generated row ' || CAST(i AS VARCHAR)`,
    device_id: 'NULL',
    record_key: 'NULL',
    row_key: `'fixture|' || CAST(i AS VARCHAR)`,
    original: `'{}'`,
  });
}

/**
 * The twin's pipeline (its local resources, the dev settings) run locally with services that answer at once, its
 * room listing (Athena) answering `rooms`, as the twin's does over the lake; `failJob` makes that Glue job fail (the
 * catch-all then notifies and fails the execution).
 */
export async function instantPipelineRun(rooms: readonly string[], failJob?: string): Promise<{ definition: AslDefinition; run: LocalRunResult }> {
  const resources = localResources();
  const { main, room } = pipelineDefinition(resources, pipelineOptions(readEnvironmentConfig('dev')));
  const run = await runLocal(main, {}, {
    glueJobs: new LocalGlueJobs(Object.fromEntries(JOB_NAMES.map((job) => [resources.jobs[job].name, () => {
      if (job === failJob) throw new Error(`${job} broke`);
    }]))),
    crawlers: new LocalCrawlers({ raw: {}, historical: {}, database: {} }),
    notifications: new NotificationLog(),
    sageMaker: new FakeSageMaker(),
    athena: instantAthena(rooms),
    objects: new CopiedObjects(),
    machines: { [resources.roomMachine.arn]: room },
  });
  return { definition: main.toJson(), run };
}

/** What writeDashboardDataDir wrote besides the lake rows. */
export interface DashboardDataDir {
  readonly definition: AslDefinition;
  readonly run: LocalRunResult;
  /** The alert in the alert log, as the page lists it. */
  readonly alert: AlertMessage;
  /** The counters of the run summary. */
  readonly summary: { readonly sent: number; readonly acknowledged: number; readonly landed: number; readonly quarantined: number; readonly refused: number };
}

/** Options of writeDashboardDataDir. */
export interface DashboardDataDirOptions {
  /** The Glue job the pipeline run fails at (see instantPipelineRun). */
  readonly failJob?: string;
}

/**
 * A twin data directory holding everything a finished run of the twin writes: the lake rows (writeDashboardLake),
 * the pipeline's last execution as the pipeline twin records it (lastExecutionOf + writeLastExecution, the run over
 * the lake's rooms), one alert in the alert log (openAlertLog, as the analytics twin publishes it) and the run's
 * summary (writeLastSummary, as `npm start` writes it at its end).
 */
export async function writeDashboardDataDir(dataDir: string, lake: DashboardLake, o: DashboardDataDirOptions = {}): Promise<DashboardDataDir> {
  await writeDashboardLake(dataDir, lake);
  const rooms = Array.from({ length: lake.rooms }, (_, i) => fixtureRoom(i, lake.rooms));
  const { definition, run } = await instantPipelineRun(rooms, o.failJob);
  writeLastExecution(dataDir, lastExecutionOf(run, definition));
  const at = (minute: number) => new Date(lake.start.getTime() + minute * 60_000).toISOString();
  const device = 'dev-001';
  const window = { start: at(100), end: at(105) };
  const alert: AnomalyAlert = {
    id: alertId(device, window), deviceId: device, roomId: fixtureRoom(1, lake.rooms), window, readings: 5, warmReadings: 5, anomalousReadings: 1,
    maxScore: 3.1, threshold: 2, firstAnomalousAt: at(100), lastAnomalousAt: at(100), windowTerminatedEarly: false,
  };
  await openAlertLog(dataDir).publish(alert);
  const landed = lake.devices * lake.minutes;
  const summary = { sent: landed + 7, acknowledged: landed + 5, landed, quarantined: 5, refused: 2 };
  writeLastSummary(dataDir, {
    ok: true,
    messages: { sent: summary.sent, acknowledged: summary.acknowledged, received: landed + 5, landed, quarantined: summary.quarantined, lost: 0 },
    quarantinedByReason: { 'out-of-range': 3, 'missing-field': 2 },
    refused: { 'unknown-device': 2 },
  });
  return { definition, run, alert: alertMessage(alert), summary };
}
