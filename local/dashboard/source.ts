import type { AlertsView, FleetView, PipelineView, QualityView, QueryView, RoomSeriesView, RoomsView, SourceInfo } from './contract.js';

/** The time range of a room's series: validated timestamps as given (`to` excluded), or absent. */
export interface SeriesRange {
  readonly from?: string;
  readonly to?: string;
}

/**
 * Where the dashboard's views come from: one method per view, each returning the contract's view type. The server
 * validates every parameter before it calls one, so anything a method throws is the source's failure (a 502).
 */
export interface DashboardSource {
  /** What the source is; `generatedAt` is the time of the call. */
  info(): SourceInfo;
  fleet(): Promise<FleetView>;
  rooms(): Promise<RoomsView>;
  series(room: string, range: SeriesRange): Promise<RoomSeriesView>;
  quality(): Promise<QualityView>;
  alerts(): Promise<AlertsView>;
  pipeline(): Promise<PipelineView>;
  /** Any named query of the registry (the name and parameters are valid). */
  query(name: string, params: Readonly<Record<string, string>>): Promise<QueryView>;
  /** Releases the source's engine. */
  close(): Promise<void>;
}

/** The SourceInfo of a source right now. */
export function sourceInfo(kind: SourceInfo['kind'], location: string, live: boolean, now: Date = new Date()): SourceInfo {
  return { kind, location, live, generatedAt: now.toISOString() };
}
