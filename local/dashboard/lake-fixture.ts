import { namedQuery } from '../../core/analytics/queries/index.js';
import type { AslDefinition } from '../../core/asl/index.js';
import { JOB_NAMES } from '../../core/lake/jobs.js';
import { pipelineDefinition, pipelineOptions } from '../../core/orchestration/index.js';
import { readEnvironmentConfig } from '../../core/settings.js';
import { COLUMN_TYPES, CURATED_ANOMALIES, CURATED_QUARANTINE, CURATED_TELEMETRY, type TableDefinition } from '../../core/lake/tables.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb, sqlString } from '../lake/duckdb.js';
import { writePartitioned } from '../lake/writer.js';
import { CopiedObjects, FakeSageMaker, LocalAthena, LocalCrawlers, LocalGlueJobs, NotificationLog, runLocal, type LocalRunResult } from '../orchestration/index.js';
import { localResources } from '../orchestration/pipeline-twin.js';
import { rowObjects, runNamedQuery, type Cell, type QueryEngine } from '../query/engine.js';
import type { AlertRow, FleetView, PipelineView, QueryCost, RoomsView } from './contract.js';
import { pipelineGraph } from './graph.js';
import { sourceInfo, type DashboardSource } from './source.js';

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
 * The twin's pipeline (its local resources, the dev settings) run locally over `rooms` with services that answer at
 * once; `failJob` makes that Glue job fail (the catch-all then notifies and fails the execution).
 */
export async function instantPipelineRun(rooms: readonly string[], failJob?: string): Promise<{ definition: AslDefinition; run: LocalRunResult }> {
  const resources = localResources();
  const { main, room } = pipelineDefinition(resources, pipelineOptions(readEnvironmentConfig('dev')));
  const run = await runLocal(main, { rooms }, {
    glueJobs: new LocalGlueJobs(Object.fromEntries(JOB_NAMES.map((job) => [resources.jobs[job].name, () => {
      if (job === failJob) throw new Error(`${job} broke`);
    }]))),
    crawlers: new LocalCrawlers({ raw: {}, historical: {}, database: {} }),
    notifications: new NotificationLog(),
    sageMaker: new FakeSageMaker(),
    athena: new LocalAthena(async () => ({ columns: ['room_id'], rows: rooms.map((r) => [r]) })),
    objects: new CopiedObjects(),
    machines: { [resources.roomMachine.arn]: room },
  });
  return { definition: main.toJson(), run };
}

/** The pipeline view of a local run: the graph of its visits and the execution with its notifications. */
export function pipelineViewOf(definition: AslDefinition, run: LocalRunResult): Pick<PipelineView, 'graph' | 'execution'> {
  return {
    graph: pipelineGraph(definition, run.states),
    execution: {
      name: run.name, status: run.status, startTime: run.startTime, durationMs: run.virtualDurationMs,
      ...(run.error === undefined ? {} : { error: run.error }), ...(run.cause === undefined ? {} : { cause: run.cause }),
      notifications: run.notifications.map((n) => ({ ...(n.subject === undefined ? {} : { subject: n.subject }), message: typeof n.message === 'string' ? n.message : JSON.stringify(n.message) })),
    },
  };
}

const text = (c: Cell | undefined) => String(c ?? '');
const num = (c: Cell | undefined) => Number(c ?? 0);

/** Options of namedQuerySource. */
export interface NamedQuerySourceOptions {
  readonly engine: QueryEngine;
  readonly location: string;
  /** The pipeline view's graph and execution. */
  readonly pipeline: () => Pick<PipelineView, 'graph' | 'execution'>;
  readonly alerts?: readonly AlertRow[];
  readonly live?: boolean;
}

/**
 * A dashboard source made of the registry's named queries on one engine (temperature_hourly for the series and the
 * rate, room_anomalies for the marks, quarantine_by_reason and _by_day for quality): the page's browser test and
 * the bench figure use it; it is a fixture, not the dashboard's own local source.
 */
export function namedQuerySource(o: NamedQuerySourceOptions): DashboardSource {
  const run = async (name: string, params: Readonly<Record<string, string>> = {}) => {
    const result = await runNamedQuery(o.engine, namedQuery(name), params);
    const cost: QueryCost = { name, rows: result.stats.rows, elapsedMs: result.stats.elapsedMs };
    return { rows: rowObjects(result), cost };
  };
  const info = () => sourceInfo('local', o.location, o.live ?? false);
  return {
    info,
    async fleet(): Promise<FleetView> {
      const [hourly, reasons] = await Promise.all([run('temperature_hourly'), run('quarantine_by_reason')]);
      const byHour = new Map<string, number>();
      for (const r of hourly.rows) byHour.set(text(r.hour), (byHour.get(text(r.hour)) ?? 0) + num(r.readings));
      const quarantinedByReason: Record<string, number> = {};
      for (const r of reasons.rows) quarantinedByReason[text(r.reason)] = (quarantinedByReason[text(r.reason)] ?? 0) + num(r.refused);
      return {
        source: info(),
        queries: [hourly.cost, reasons.cost],
        counters: { sent: null, acknowledged: null, landed: [...byHour.values()].reduce((a, b) => a + b, 0), quarantined: Object.values(quarantinedByReason).reduce((a, b) => a + b, 0), refused: null },
        quarantinedByReason,
        refusedByReason: {},
        rate: [...byHour].sort(([a], [b]) => a.localeCompare(b)).map(([t, landed]) => ({ t, sent: null, landed })),
      };
    },
    async rooms(): Promise<RoomsView> {
      const [hourly, flagged] = await Promise.all([run('temperature_hourly'), run('room_anomalies')]);
      const rooms = new Map<string, { readings: number; first: string; last: string; anomalies: number }>();
      for (const r of hourly.rows) {
        const room = rooms.get(text(r.room_id)) ?? { readings: 0, first: text(r.hour), last: text(r.hour), anomalies: 0 };
        room.readings += num(r.readings);
        room.first = text(r.hour) < room.first ? text(r.hour) : room.first;
        room.last = text(r.hour) > room.last ? text(r.hour) : room.last;
        rooms.set(text(r.room_id), room);
      }
      for (const r of flagged.rows) {
        const room = rooms.get(text(r.room_id));
        if (room !== undefined) room.anomalies = num(r.room_anomalies);
      }
      return { source: info(), queries: [hourly.cost, flagged.cost], rooms: [...rooms].sort(([a], [b]) => a.localeCompare(b)).map(([room, r]) => ({ room, ...r })) };
    },
    async series(room, range) {
      const params = { room, ...(range.from === undefined ? {} : { from: range.from }), ...(range.to === undefined ? {} : { to: range.to }) };
      const [hourly, flagged] = await Promise.all([run('temperature_hourly', params), run('room_anomalies', params)]);
      return {
        source: info(),
        queries: [hourly.cost, flagged.cost],
        room,
        from: range.from ?? null,
        to: range.to ?? null,
        points: hourly.rows.map((r) => ({ t: text(r.hour), readings: num(r.readings), avg: num(r.avg_temperature), min: num(r.min_temperature), max: num(r.max_temperature) })),
        anomalies: flagged.rows.map((r) => ({ t: text(r.ts), device: text(r.device_id), value: num(r.value), score: num(r.score), threshold: num(r.threshold), model: text(r.model_id) })),
      };
    },
    async quality() {
      const [reasons, days] = await Promise.all([run('quarantine_by_reason'), run('quarantine_by_day')]);
      return {
        source: info(),
        queries: [reasons.cost, days.cost],
        byReason: reasons.rows.map((r) => ({ reason: text(r.reason), source: text(r.source), refused: num(r.refused) })),
        byDay: days.rows.map((r) => ({ day: text(r.day), refused: num(r.refused), reasons: num(r.reasons) })),
      };
    },
    async alerts() {
      return { source: info(), queries: [], available: true, alerts: o.alerts ?? [] };
    },
    async pipeline() {
      return { source: info(), queries: [], ...o.pipeline() };
    },
    async query() {
      throw new Error('namedQuerySource: the query endpoint is not part of this fixture');
    },
    close: () => o.engine.close(),
  };
}
