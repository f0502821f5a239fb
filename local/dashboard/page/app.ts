import type UPlot from 'uplot';
import {
  API_PATHS,
  type AlertsView,
  type ApiError,
  type FleetView,
  type PipelineView,
  type QualityView,
  type QueryCost,
  type RoomSeriesView,
  type RoomsView,
  type RoomSummary,
  type SourceInfo,
} from '../contract.js';
import { markedTimes, rateChart, roomChart, roomChartData } from './charts.js';
import { el, formatBytes, formatMs, table, type Child } from './dom.js';
import { pipelineSvg } from './pipeline-svg.js';

/** A 4xx/5xx answer of the dashboard's API, with the ApiError's message. */
class ApiFailure extends Error {
  constructor(readonly path: string, readonly status: number, message: string) {
    super(`GET ${path} answered ${status}: ${message}`);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiFailure(path, response.status, (body as ApiError | undefined)?.error?.message ?? response.statusText);
  return body as T;
}

/** What a view's queries cost: each named query with rows and time, and Athena's bytes scanned when known. */
function scannedLine(queries: readonly QueryCost[]): string {
  if (queries.length === 0) return 'no query';
  const bytes = queries.reduce((sum, q) => sum + (q.bytesScanned ?? 0), 0);
  const elapsed = queries.reduce((sum, q) => sum + q.elapsedMs, 0);
  const each = queries.map((q) => `${q.name} (${q.rows} rows, ${formatMs(q.elapsedMs)}${q.bytesScanned === undefined ? '' : `, ${formatBytes(q.bytesScanned)}`})`).join('; ');
  const scanned = queries.some((q) => q.bytesScanned !== undefined) ? `data scanned ${formatBytes(bytes)}, ` : '';
  return `${queries.length} named ${queries.length === 1 ? 'query' : 'queries'}: ${scanned}${formatMs(elapsed)} — ${each}`;
}

/** A view's section: its content (loading, data, empty state or error box) and its data-scanned line. */
class ViewBox {
  readonly content = el('div', { className: 'content' });
  readonly scanned: HTMLElement;
  private busy = false;
  /** A load asked for while one ran (a control changed): run once that one ends, so no request is lost. */
  private pending?: () => Promise<void>;

  constructor(readonly name: string) {
    const section = document.getElementById(`view-${name}`)!;
    this.scanned = el('div', { className: 'scanned', testid: `scanned-${name}` });
    section.append(this.content, this.scanned);
    section.dataset.state = 'loading';
    this.content.append(el('p', { className: 'loading', testid: `loading-${name}` }, 'loading…'));
  }

  /** Runs one load of the view, after the one running if any; shows the error box when it fails. */
  async run(load: () => Promise<void>): Promise<void> {
    if (this.busy) {
      this.pending = load;
      return;
    }
    this.busy = true;
    try {
      await load();
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
      const next = this.pending;
      this.pending = undefined;
      if (next !== undefined) void this.run(next);
    }
  }

  show(state: 'ready' | 'empty', queries: readonly QueryCost[], ...children: Child[]): void {
    this.content.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
    this.scanned.textContent = scannedLine(queries);
    document.getElementById(`view-${this.name}`)!.dataset.state = state;
  }

  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.content.replaceChildren(el('div', { className: 'error-box', role: 'alert', testid: `error-${this.name}` }, message));
    document.getElementById(`view-${this.name}`)!.dataset.state = 'error';
  }
}

const NA = 'n/a on this source';

function counter(name: string, value: number | null): HTMLElement {
  return el('div', { className: 'counter' },
    el('div', { className: 'label' }, name),
    el('div', { className: value === null ? 'value na' : 'value', testid: `fleet-${name}` }, value === null ? NA : value.toLocaleString('en-US')));
}

function reasonTable(testid: string, title: string, counts: Readonly<Record<string, number>>): HTMLElement {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return el('div', {}, el('h3', {}, title),
    rows.length === 0
      ? el('p', { className: 'empty', testid: `${testid}-empty` }, 'none')
      : table<[string, number]>(testid, [{ head: 'reason', cell: (r) => r[0] }, { head: 'count', cell: (r) => r[1], num: true }], rows));
}

/** Charts to destroy before a view redraws. */
const charts = new Map<string, UPlot[]>();
function replaceCharts(view: string, made: UPlot[]): void {
  for (const c of charts.get(view) ?? []) c.destroy();
  charts.set(view, made);
}

const fleet = new ViewBox('fleet');
async function loadFleet(): Promise<void> {
  const f = await getJson<FleetView>(API_PATHS.fleet);
  const c = f.counters;
  const chartBox = el('div', { testid: 'fleet-rate-chart' });
  fleet.show('ready', f.queries,
    el('div', { className: 'counters' }, counter('sent', c.sent), counter('acknowledged', c.acknowledged), counter('landed', c.landed), counter('quarantined', c.quarantined), counter('refused', c.refused)),
    el('div', { className: 'row' }, reasonTable('quarantined-by-reason', 'Quarantined by reason', f.quarantinedByReason), reasonTable('refused-by-reason', 'Refused by reason', f.refusedByReason)),
    el('h3', {}, 'Rate over time'),
    f.rate.length === 0 ? el('p', { className: 'empty', testid: 'fleet-rate-empty' }, 'no samples yet') : chartBox);
  replaceCharts('fleet', f.rate.length === 0 ? [] : [rateChart(chartBox, f.rate)]);
}

/** The rooms view's controls: which room, which time range (UTC; empty: unbounded). */
const range = { room: '', from: '', to: '' };
const roomSelect = el('select', { testid: 'room-select', 'aria-label': 'room' });
const fromInput = el('input', { type: 'datetime-local', step: 1, testid: 'range-from', 'aria-label': 'from (UTC)' });
const toInput = el('input', { type: 'datetime-local', step: 1, testid: 'range-to', 'aria-label': 'to (UTC)' });
let latestReading: string | null = null;

/** A datetime-local value read as UTC, as ISO 8601; null when empty. */
function inputIso(value: string): string | null {
  if (value === '') return null;
  const t = Date.parse(`${value}Z`);
  if (Number.isNaN(t)) throw new Error(`the time ${JSON.stringify(value)} is not a date and time`);
  return new Date(t).toISOString();
}
const isoInput = (iso: string) => iso.slice(0, 19);

function roomControls(): HTMLElement {
  const preset = (label: string, hours: number | null) => {
    const button = el('button', { type: 'button', testid: `range-${hours ?? 'all'}` }, label);
    button.addEventListener('click', () => {
      if (hours === null || latestReading === null) {
        fromInput.value = '';
        toInput.value = '';
      } else {
        const end = Date.parse(latestReading) + 1000;
        fromInput.value = isoInput(new Date(end - hours * 3_600_000).toISOString());
        toInput.value = isoInput(new Date(end).toISOString());
      }
      applyRange();
    });
    return button;
  };
  const apply = el('button', { type: 'button', testid: 'range-apply' }, 'show');
  apply.addEventListener('click', applyRange);
  roomSelect.addEventListener('change', applyRange);
  return el('div', { className: 'controls' },
    el('label', {}, 'room ', roomSelect),
    el('label', {}, 'from (UTC) ', fromInput),
    el('label', {}, 'to (UTC) ', toInput),
    apply, preset('all', null), preset('last hour', 1), preset('last 6 h', 6), preset('last day', 24));
}

function applyRange(): void {
  range.room = roomSelect.value;
  try {
    range.from = inputIso(fromInput.value) ?? '';
    range.to = inputIso(toInput.value) ?? '';
  } catch (error) {
    rooms.fail(error);
    return;
  }
  void rooms.run(loadRooms);
}

function seriesPath(room: string): string {
  const params = new URLSearchParams();
  if (range.from !== '') params.set('from', range.from);
  if (range.to !== '') params.set('to', range.to);
  const query = params.toString();
  return `${API_PATHS.roomSeries(room)}${query === '' ? '' : `?${query}`}`;
}

function roomSection(summary: RoomSummary, series: RoomSeriesView): { node: HTMLElement; draw: () => UPlot } {
  const data = roomChartData(series.points, series.anomalies);
  const chartBox = el('div', { className: 'room-chart', testid: `room-chart-${summary.room}`, 'data-points': series.points.length });
  const anomalies = [...series.anomalies].sort((a, b) => a.t.localeCompare(b.t) || a.device.localeCompare(b.device));
  const node = el('div', { className: 'room', testid: `room-${summary.room}` },
    el('div', { className: 'room-head' },
      el('h3', {}, summary.room),
      el('span', {}, `${summary.readings.toLocaleString('en-US')} readings, ${summary.first ?? '–'} to ${summary.last ?? '–'}`),
      el('span', { className: 'count' }, el('span', { testid: `anomaly-count-${summary.room}` }, series.anomalies.length), ' anomalies in range')),
    series.points.length === 0 && series.anomalies.length === 0 ? el('p', { className: 'empty', testid: `room-empty-${summary.room}` }, 'no readings in this range') : chartBox,
    anomalies.length === 0 ? null : el('details', {}, el('summary', {}, `the ${anomalies.length} flagged readings`), table(`anomalies-${summary.room}`, [
      { head: 'time (UTC)', cell: (a) => a.t },
      { head: 'device', cell: (a) => a.device },
      { head: '°C', cell: (a) => a.value.toFixed(2), num: true },
      { head: 'score', cell: (a) => a.score.toFixed(3), num: true },
      { head: 'threshold', cell: (a) => a.threshold.toFixed(3), num: true },
      { head: 'model', cell: (a) => a.model },
    ], anomalies)));
  return {
    node,
    draw: () => {
      const chart = roomChart(chartBox, data);
      chartBox.dataset.anomalyPoints = JSON.stringify(markedTimes(data));
      chartBox.dataset.drawn = 'true';
      return chart;
    },
  };
}

const rooms = new ViewBox('rooms');
const controls = roomControls();
async function loadRooms(): Promise<void> {
  const view = await getJson<RoomsView>(API_PATHS.rooms);
  latestReading = view.rooms.map((r) => r.last).filter((t): t is string => t !== null).sort().at(-1) ?? null;
  const known = new Set(view.rooms.map((r) => r.room));
  if (range.room !== '' && !known.has(range.room)) range.room = '';
  roomSelect.replaceChildren(el('option', { value: '' }, 'all rooms'), ...view.rooms.map((r) => el('option', { value: r.room, selected: r.room === range.room }, r.room)));
  if (view.rooms.length === 0) {
    replaceCharts('rooms', []);
    rooms.show('empty', view.queries, el('p', { className: 'empty', testid: 'empty-rooms' }, 'no rooms curated yet'));
    return;
  }
  const shown = view.rooms.filter((r) => range.room === '' || r.room === range.room);
  const series = await Promise.all(shown.map((r) => getJson<RoomSeriesView>(seriesPath(r.room))));
  const sections = shown.map((r, i) => roomSection(r, series[i]!));
  rooms.show('ready', [...view.queries, ...series.flatMap((s) => s.queries)], controls, ...sections.map((s) => s.node));
  replaceCharts('rooms', sections.filter((s) => s.node.querySelector('.room-chart') !== null).map((s) => s.draw()));
  const section = document.getElementById('view-rooms')!;
  section.dataset.generation = String(Number(section.dataset.generation ?? '0') + 1);
}

const quality = new ViewBox('quality');
async function loadQuality(): Promise<void> {
  const q = await getJson<QualityView>(API_PATHS.quality);
  if (q.byReason.length === 0 && q.byDay.length === 0) {
    quality.show('empty', q.queries, el('p', { className: 'empty', testid: 'empty-quality' }, 'nothing refused: every reading curated so far passed the checks'));
    return;
  }
  quality.show('ready', q.queries,
    el('div', { className: 'row' },
      el('div', {}, el('h3', {}, 'Refused by reason'), table('quality-by-reason', [
        { head: 'reason', cell: (r) => r.reason }, { head: 'source', cell: (r) => r.source }, { head: 'refused', cell: (r) => r.refused, num: true },
      ], q.byReason)),
      el('div', {}, el('h3', {}, 'Refused by day'), table('quality-by-day', [
        { head: 'day', cell: (r) => r.day }, { head: 'refused', cell: (r) => r.refused, num: true }, { head: 'reasons', cell: (r) => r.reasons, num: true },
      ], q.byDay))));
}

const alerts = new ViewBox('alerts');
async function loadAlerts(): Promise<void> {
  const a = await getJson<AlertsView>(API_PATHS.alerts);
  if (!a.available) {
    alerts.show('empty', a.queries, el('p', { className: 'empty', testid: 'alerts-unavailable' }, 'alerts are not kept on this source: they go to the alert topic’s subscribers'));
    return;
  }
  if (a.alerts.length === 0) {
    alerts.show('empty', a.queries, el('p', { className: 'empty', testid: 'empty-alerts' }, 'no alert raised'));
    return;
  }
  alerts.show('ready', a.queries, table('alerts-table', [
    { head: 'device', cell: (r) => r.device },
    { head: 'room', cell: (r) => r.room ?? '–' },
    { head: 'window', cell: (r) => `${r.window.start} to ${r.window.end}` },
    { head: 'anomalous', cell: (r) => `${r.count} of ${r.warmReadings}`, num: true },
    { head: 'max score', cell: (r) => r.maxScore.toFixed(3), num: true },
    { head: 'threshold', cell: (r) => r.threshold.toFixed(3), num: true },
    { head: 'first', cell: (r) => r.firstAnomalousAt },
    { head: 'last', cell: (r) => r.lastAnomalousAt },
  ], a.alerts));
}

const pipeline = new ViewBox('pipeline');
async function loadPipeline(): Promise<void> {
  const p = await getJson<PipelineView>(API_PATHS.pipeline);
  const e = p.execution;
  const swatches = el('div', { className: 'legend-swatches' }, ...(['SUCCEEDED', 'CAUGHT', 'FAILED', 'RUNNING', 'NOT_RUN'] as const).map((s) => el('span', {}, el('span', { className: `swatch ${s}` }), s.toLowerCase().replace('_', ' '))));
  const head = e === null
    ? el('p', { className: 'empty', testid: 'empty-pipeline' }, 'no pipeline execution yet: the graph shows the definition')
    : el('p', {},
      el('span', { className: `status ${e.status}`, testid: 'pipeline-status' }, e.status), ` ${e.name}, started ${e.startTime}`,
      e.durationMs === null ? '' : `, ${formatMs(e.durationMs)}`,
      e.error === undefined ? '' : el('span', { testid: 'pipeline-error' }, ` — ${e.error}${e.cause === undefined ? '' : `: ${e.cause}`}`));
  const notifications = e === null || e.notifications.length === 0 ? null : el('div', { className: 'error-box', testid: 'pipeline-notifications' },
    el('strong', {}, 'failure notification'), ...e.notifications.map((n) => el('div', {}, n.subject === undefined ? '' : `${n.subject}: `, n.message)));
  pipeline.show(e === null ? 'empty' : 'ready', p.queries, head, notifications, swatches, pipelineSvg(p.graph));
}

async function start(): Promise<void> {
  const sourceLabel = document.querySelector<HTMLElement>('[data-testid="source"]')!;
  let source: SourceInfo;
  try {
    source = await getJson<SourceInfo>(API_PATHS.source);
  } catch (error) {
    sourceLabel.replaceChildren(el('span', { className: 'error-box', role: 'alert', testid: 'error-source' }, error instanceof Error ? error.message : String(error)));
    return;
  }
  sourceLabel.textContent = source.kind === 'local' ? `local twin: ${source.location}` : `Athena: environment ${source.location}`;
  document.querySelector<HTMLElement>('[data-testid="live-badge"]')!.hidden = !source.live;
  const slow: [ViewBox, () => Promise<void>][] = [[rooms, loadRooms], [pipeline, loadPipeline], [quality, loadQuality], [alerts, loadAlerts]];
  await Promise.all([fleet.run(loadFleet), ...slow.map(([box, load]) => box.run(load))]);
  document.body.dataset.loaded = 'true';
  if (!source.live) return;
  setInterval(() => void fleet.run(loadFleet), 1000);
  setInterval(() => slow.forEach(([box, load]) => void box.run(load)), 5000);
}

void start();
