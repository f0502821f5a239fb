import type { AlertMessage } from '../../core/analytics/alerts.js';

/**
 * The dashboard's JSON API: what each endpoint returns. The server (local/dashboard/server.ts) and the page
 * (local/dashboard/page/, bundled with esbuild) both import these types, so the two cannot drift apart.
 *
 * Every view response carries `queries`: the named queries that made it, with what each cost (Athena's bytes
 * scanned; DuckDB's elapsed time), so the page can show the data scanned. A view whose source failed answers
 * 502 with an `ApiError`; a bad request answers 400/404 with an `ApiError` naming the parameter and its value.
 */

/** Where the dashboard's data comes from. */
export interface SourceInfo {
  /** `local`: a twin data directory (DuckDB); `athena`: an environment's lake. */
  readonly kind: 'local' | 'athena';
  /** The data directory (local) or the environment (athena). */
  readonly location: string;
  /** True while `npm start` is running its fleet: the page polls the live views. */
  readonly live: boolean;
  /** ISO 8601 UTC time this response was made. */
  readonly generatedAt: string;
}

/** One named query a view ran, and what it cost. */
export interface QueryCost {
  readonly name: string;
  readonly rows: number;
  readonly elapsedMs: number;
  /** Athena only. */
  readonly bytesScanned?: number;
  readonly queryExecutionId?: string;
}

/** The common part of every view response. */
export interface ViewResponse {
  readonly source: SourceInfo;
  readonly queries: readonly QueryCost[];
}

/** GET /api/fleet. A counter is null when this source cannot know it (Athena sees no MQTT publish). */
export interface FleetView extends ViewResponse {
  readonly counters: {
    readonly sent: number | null;
    readonly acknowledged: number | null;
    readonly landed: number | null;
    readonly quarantined: number | null;
    readonly refused: number | null;
  };
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  readonly refusedByReason: Readonly<Record<string, number>>;
  /** Samples of the counters over time (live: one a second while the fleet runs; else per hour from the lake). */
  readonly rate: readonly { readonly t: string; readonly sent: number | null; readonly landed: number }[];
}

/** One room of GET /api/rooms. */
export interface RoomSummary {
  readonly room: string;
  readonly readings: number;
  readonly first: string | null;
  readonly last: string | null;
  readonly anomalies: number;
}

/** GET /api/rooms. */
export interface RoomsView extends ViewResponse {
  readonly rooms: readonly RoomSummary[];
}

/** A point of a room's temperature series (per minute: average, minimum and maximum over the room's devices). */
export interface SeriesPoint {
  readonly t: string;
  readonly readings: number;
  readonly avg: number;
  readonly min: number;
  readonly max: number;
}

/** A reading the anomalies table flags. */
export interface AnomalyMark {
  readonly t: string;
  readonly device: string;
  readonly value: number;
  readonly score: number;
  readonly threshold: number;
  readonly model: string;
}

/** GET /api/rooms/<room>/series?from=<ISO>&to=<ISO> (both optional; `to` excluded). */
export interface RoomSeriesView extends ViewResponse {
  readonly room: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly points: readonly SeriesPoint[];
  /** Every anomaly of the room in the range, exactly the rows of the anomalies table. */
  readonly anomalies: readonly AnomalyMark[];
}

/** GET /api/quality: what curate accepted and refused. */
export interface QualityView extends ViewResponse {
  readonly byReason: readonly { readonly reason: string; readonly source: string; readonly refused: number }[];
  readonly byDay: readonly { readonly day: string; readonly refused: number; readonly reasons: number }[];
}

/** One real-time alert: the SNS message body, as core/analytics/alerts.ts publishes it. */
export type AlertRow = AlertMessage;

/** GET /api/alerts. `available` is false where alerts are not kept (Athena: they go to SNS subscribers). */
export interface AlertsView extends ViewResponse {
  readonly available: boolean;
  readonly alerts: readonly AlertRow[];
}

/** A node of the pipeline graph (a state) with its layout and what the last execution did there. */
export interface GraphNode {
  /** Unique in the graph: `<lane>/<state>` (lane `''` for the machine, `<Parallel>#<i>`, `<Map>[]`). */
  readonly id: string;
  readonly state: string;
  readonly kind: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** NOT_RUN when the execution never entered it. */
  readonly status: 'SUCCEEDED' | 'CAUGHT' | 'FAILED' | 'ABORTED' | 'RUNNING' | 'NOT_RUN';
  readonly durationMs: number | null;
  readonly attempts: number;
  readonly error?: string;
  readonly cause?: string;
}

/** Edge labels are drawn at most this many characters long (the full label in the edge's title); the layout leaves room for that. */
export const EDGE_LABEL_CHARS = 28;

/** A JSONPath of a condition: `$` then `.field` and `[index]` steps. */
const JSON_PATH = /\$((?:\.[A-Za-z_]\w*(?:\[\d+\])*)+)/g;

/**
 * An edge label as drawn on the edge (the layout sizes the edge for it; the title keeps the whole label): a Choice
 * rule's condition without the `choice: ` prefix and with each path cut to its last two steps
 * (`$.crawl.result.Crawler.State` is `Crawler.State`), then anything past EDGE_LABEL_CHARS cut with an ellipsis.
 */
export function shortLabel(label: string): string {
  const short = label.startsWith('choice: ') ? label.slice('choice: '.length).replace(JSON_PATH, (_, steps: string) => steps.slice(1).split('.').slice(-2).join('.')) : label;
  return short.length <= EDGE_LABEL_CHARS ? short : `${short.slice(0, EDGE_LABEL_CHARS - 1)}…`;
}

/** An edge of the pipeline graph; `taken` when the execution went along it. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** `next`, `default`, `choice: <condition>`, `catch: <errors>`. */
  readonly label: string;
  readonly taken: boolean;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** GET /api/pipeline: the pipeline definition as a laid-out graph, and its last execution (null: none yet). */
export interface PipelineView extends ViewResponse {
  readonly graph: { readonly width: number; readonly height: number; readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] };
  readonly execution: {
    readonly name: string;
    readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
    readonly startTime: string;
    readonly durationMs: number | null;
    readonly error?: string;
    readonly cause?: string;
    /** Failure notifications the execution published (subject and message). */
    readonly notifications: readonly { readonly subject?: string; readonly message: string }[];
  } | null;
}

/** GET /api/query/<name>?<param>=<value>: any named query, its rows as objects. */
export interface QueryView extends ViewResponse {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Readonly<Record<string, string | number | boolean | null>>[];
}

/** The body of every 4xx/5xx answer. */
export interface ApiError {
  readonly error: {
    /** HTTP status. */
    readonly status: number;
    /** `not_found`, `bad_parameter`, `method_not_allowed`, `bad_host` (421), `source_failed`. */
    readonly code: string;
    readonly message: string;
    /** The parameter or path segment at fault, and the value given. */
    readonly parameter?: string;
    readonly value?: string;
  };
}

/** The endpoints, for the page and the tests. */
export const API_PATHS = {
  source: '/api/source',
  fleet: '/api/fleet',
  rooms: '/api/rooms',
  roomSeries: (room: string) => `/api/rooms/${encodeURIComponent(room)}/series`,
  quality: '/api/quality',
  alerts: '/api/alerts',
  pipeline: '/api/pipeline',
  query: (name: string) => `/api/query/${encodeURIComponent(name)}`,
} as const;
