import { namedQuery } from '../../core/analytics/queries/index.js';
import { rowObjects, runNamedQuery, type Cell, type QueryEngine, type QueryResult } from '../query/engine.js';
import type { AnomalyMark, QualityView, QueryCost, QueryView, RoomSeriesView, RoomsView, SeriesPoint } from './contract.js';
import type { DashboardSource, SeriesRange } from './source.js';

/** A named query's rows as objects, and what it cost. */
export interface ViewQuery {
  readonly rows: Record<string, Cell>[];
  readonly result: QueryResult;
  readonly cost: QueryCost;
}

/** What a query cost, as a view lists it. */
export function queryCost(name: string, result: QueryResult): QueryCost {
  const s = result.stats;
  return {
    name,
    rows: s.rows,
    elapsedMs: s.elapsedMs,
    ...(s.bytesScanned === undefined ? {} : { bytesScanned: s.bytesScanned }),
    ...(s.queryExecutionId === undefined ? {} : { queryExecutionId: s.queryExecutionId }),
  };
}

const text = (cell: Cell | undefined): string => String(cell ?? '');
const num = (cell: Cell | undefined): number => Number(cell ?? 0);
const textOrNull = (cell: Cell | undefined): string | null => (cell === null || cell === undefined ? null : String(cell));

/**
 * The views both sources make the same way, from the named queries on a QueryEngine (the twin's DuckDB or
 * Athena): rooms, a room's series, data quality, any named query, and the curated readings per hour.
 */
export class EngineViews {
  constructor(private readonly engine: QueryEngine) {}

  /** Runs a named query (name and parameters already valid). */
  async run(name: string, params: Readonly<Record<string, string>> = {}): Promise<ViewQuery> {
    const result = await runNamedQuery(this.engine, namedQuery(name), params);
    return { rows: rowObjects(result), result, cost: queryCost(name, result) };
  }

  async rooms(): Promise<Pick<RoomsView, 'rooms' | 'queries'>> {
    const q = await this.run('room_summary');
    const rooms = q.rows.map((r) => ({ room: text(r.room_id), readings: num(r.readings), first: textOrNull(r.first_ts), last: textOrNull(r.last_ts), anomalies: num(r.anomalies) }));
    return { rooms, queries: [q.cost] };
  }

  async series(room: string, range: SeriesRange): Promise<Pick<RoomSeriesView, 'points' | 'anomalies' | 'queries'>> {
    const params = { room, ...(range.from === undefined ? {} : { from: range.from }), ...(range.to === undefined ? {} : { to: range.to }) };
    const [minutes, flagged] = await Promise.all([this.run('temperature_by_minute', params), this.run('room_anomalies', params)]);
    const points: SeriesPoint[] = minutes.rows.map((r) => ({ t: text(r.minute), readings: num(r.readings), avg: num(r.avg_temperature), min: num(r.min_temperature), max: num(r.max_temperature) }));
    const anomalies: AnomalyMark[] = flagged.rows.map((r) => ({ t: text(r.ts), device: text(r.device_id), value: num(r.value), score: num(r.score), threshold: num(r.threshold), model: text(r.model_id) }));
    return { points, anomalies, queries: [minutes.cost, flagged.cost] };
  }

  async quality(): Promise<Pick<QualityView, 'byReason' | 'byDay' | 'queries'>> {
    const [reasons, days] = await Promise.all([this.run('quarantine_by_reason'), this.run('quarantine_by_day')]);
    return {
      byReason: reasons.rows.map((r) => ({ reason: text(r.reason), source: text(r.source), refused: num(r.refused) })),
      byDay: days.rows.map((r) => ({ day: text(r.day), refused: num(r.refused), reasons: num(r.reasons) })),
      queries: [reasons.cost, days.cost],
    };
  }

  async query(name: string, params: Readonly<Record<string, string>>): Promise<Pick<QueryView, 'name' | 'columns' | 'rows' | 'queries'>> {
    const q = await this.run(name, params);
    return { name, columns: q.result.columns, rows: q.rows, queries: [q.cost] };
  }

  /** Curated readings with a temperature per hour over every room (the lake's view of the fleet's rate). */
  async landedPerHour(): Promise<{ readonly rate: { t: string; landed: number }[]; readonly queries: QueryCost[] }> {
    const q = await this.run('temperature_hourly');
    const byHour = new Map<string, number>();
    for (const r of q.rows) byHour.set(text(r.hour), (byHour.get(text(r.hour)) ?? 0) + num(r.readings));
    return { rate: [...byHour.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, landed]) => ({ t, landed })), queries: [q.cost] };
  }
}

/** The views a source makes straight from the named queries (rooms, series, quality, any query), each with its source info. */
export function namedQueryViews(views: EngineViews, info: DashboardSource['info']): Pick<DashboardSource, 'rooms' | 'series' | 'quality' | 'query'> {
  return {
    rooms: async () => ({ source: info(), ...(await views.rooms()) }),
    series: async (room, range) => ({ source: info(), room, from: range.from ?? null, to: range.to ?? null, ...(await views.series(room, range)) }),
    quality: async () => ({ source: info(), ...(await views.quality()) }),
    query: async (name, params) => ({ source: info(), ...(await views.query(name, params)) }),
  };
}
