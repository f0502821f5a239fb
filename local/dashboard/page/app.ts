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
import { markedTimes, rateChart, roomChart, roomChartData, type LiveChart, type RoomChartData } from './charts.js';
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

  /** Shows the children; when they are the very nodes shown already, in order, they stay (no re-insertion, no reflow). */
  show(state: 'ready' | 'empty', queries: readonly QueryCost[], ...children: Child[]): void {
    const nodes = children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
    const shown = this.content.childNodes;
    if (nodes.length !== shown.length || nodes.some((n, i) => n !== shown[i])) this.content.replaceChildren(...nodes);
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

const fleet = new ViewBox('fleet');
/** The rate chart, kept across loads (a live page loads the fleet every second): new samples go in with setData. */
const rateBox = el('div', { testid: 'fleet-rate-chart' });
let rate: LiveChart<FleetView['rate']> | undefined;
async function loadFleet(): Promise<void> {
  const f = await getJson<FleetView>(API_PATHS.fleet);
  const c = f.counters;
  fleet.show('ready', f.queries,
    el('div', { className: 'counters' }, counter('sent', c.sent), counter('acknowledged', c.acknowledged), counter('landed', c.landed), counter('quarantined', c.quarantined), counter('refused', c.refused)),
    el('div', { className: 'row' }, reasonTable('quarantined-by-reason', 'Quarantined by reason', f.quarantinedByReason), reasonTable('refused-by-reason', 'Refused by reason', f.refusedByReason)),
    el('h3', {}, 'Rate over time'),
    f.rate.length === 0 ? el('p', { className: 'empty', testid: 'fleet-rate-empty' }, 'no samples yet') : rateBox);
  if (f.rate.length === 0) {
    rate?.plot.destroy();
    rate = undefined;
  } else if (rate === undefined) {
    rate = rateChart(rateBox, f.rate);
  } else {
    rate.update(f.rate);
  }
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

function seriesPath(room: string, wanted: typeof range): string {
  const params = new URLSearchParams();
  if (wanted.from !== '') params.set('from', wanted.from);
  if (wanted.to !== '') params.set('to', wanted.to);
  const query = params.toString();
  return `${API_PATHS.roomSeries(room)}${query === '' ? '' : `?${query}`}`;
}

/**
 * A room's section, kept across loads: its texts and anomaly table are refreshed, its chart gets the new data in
 * place (the same canvas) and its anomaly table stays open or closed as the user left it.
 */
class RoomPanel {
  readonly node: HTMLElement;
  private readonly chartBox: HTMLElement;
  private readonly body = el('div');
  private readonly head = el('span');
  private readonly count: HTMLElement;
  private readonly summaryLine = el('summary');
  private readonly details: HTMLDetailsElement;
  private chart?: LiveChart<RoomChartData>;
  private data?: RoomChartData;

  constructor(readonly room: string) {
    this.chartBox = el('div', { className: 'room-chart', testid: `room-chart-${room}` });
    this.count = el('span', { testid: `anomaly-count-${room}` });
    this.details = el('details', { testid: `anomaly-details-${room}` }, this.summaryLine);
    this.node = el('div', { className: 'room', testid: `room-${room}` },
      el('div', { className: 'room-head' }, el('h3', {}, room), this.head, el('span', { className: 'count' }, this.count, ' anomalies in range')),
      this.body, this.details);
  }

  /** Takes a load's data; the chart gets it in `draw`, once the panel is in the page (uPlot sizes to it). */
  update(summary: RoomSummary, series: RoomSeriesView): void {
    this.head.textContent = `${summary.readings.toLocaleString('en-US')} readings, ${summary.first ?? '–'} to ${summary.last ?? '–'}`;
    this.count.textContent = String(series.anomalies.length);
    const empty = series.points.length === 0 && series.anomalies.length === 0;
    this.data = empty ? undefined : roomChartData(series.points, series.anomalies);
    this.chartBox.dataset.points = String(series.points.length);
    const shown = empty ? el('p', { className: 'empty', testid: `room-empty-${this.room}` }, 'no readings in this range') : this.chartBox;
    if (this.body.firstChild !== shown) this.body.replaceChildren(shown);
    const anomalies = [...series.anomalies].sort((a, b) => a.t.localeCompare(b.t) || a.device.localeCompare(b.device));
    this.details.hidden = anomalies.length === 0;
    this.summaryLine.textContent = `the ${anomalies.length} flagged readings`;
    this.details.replaceChildren(this.summaryLine, table(`anomalies-${this.room}`, [
      { head: 'time (UTC)', cell: (a) => a.t },
      { head: 'device', cell: (a) => a.device },
      { head: '°C', cell: (a) => a.value.toFixed(2), num: true },
      { head: 'score', cell: (a) => a.score.toFixed(3), num: true },
      { head: 'threshold', cell: (a) => a.threshold.toFixed(3), num: true },
      { head: 'model', cell: (a) => a.model },
    ], anomalies));
  }

  /** Draws the chart the first time, then sets its data in place; marks it drawn with the anomaly points plotted. */
  draw(): void {
    if (this.data === undefined) {
      this.destroy();
      return;
    }
    if (this.chart === undefined) this.chart = roomChart(this.chartBox, this.data);
    else this.chart.update(this.data);
    this.chartBox.dataset.anomalyPoints = JSON.stringify(markedTimes(this.data));
    this.chartBox.dataset.drawn = 'true';
  }

  destroy(): void {
    this.chart?.plot.destroy();
    this.chart = undefined;
    delete this.chartBox.dataset.drawn;
  }
}

const rooms = new ViewBox('rooms');
const controls = roomControls();
const panels = new Map<string, RoomPanel>();
let roomOptions: string | undefined;

/** Rebuilds the room select's options only when the rooms changed (an open select stays open); selects `range.room`. */
function updateRoomSelect(known: readonly string[]): void {
  const key = JSON.stringify(known);
  if (key !== roomOptions) {
    roomSelect.replaceChildren(el('option', { value: '' }, 'all rooms'), ...known.map((room) => el('option', { value: room }, room)));
    roomOptions = key;
  }
  roomSelect.value = range.room;
}

async function loadRooms(): Promise<void> {
  const view = await getJson<RoomsView>(API_PATHS.rooms);
  latestReading = view.rooms.map((r) => r.last).filter((t): t is string => t !== null).sort().at(-1) ?? null;
  const known = view.rooms.map((r) => r.room);
  if (range.room !== '' && !known.includes(range.room)) range.room = '';
  updateRoomSelect(known);
  // What this load shows: a control changed while it runs queues the next load (ViewBox.run).
  const wanted = { ...range };
  const shown = view.rooms.filter((r) => wanted.room === '' || r.room === wanted.room);
  const series = await Promise.all(shown.map((r) => getJson<RoomSeriesView>(seriesPath(r.room, wanted))));
  for (const [room, panel] of panels) {
    if (shown.some((r) => r.room === room)) continue;
    panel.destroy();
    panels.delete(room);
  }
  if (view.rooms.length === 0) {
    rooms.show('empty', view.queries, el('p', { className: 'empty', testid: 'empty-rooms' }, 'no rooms curated yet'));
  } else {
    const list = shown.map((r, i) => {
      const panel = panels.get(r.room) ?? new RoomPanel(r.room);
      panels.set(r.room, panel);
      panel.update(r, series[i]!);
      return panel;
    });
    rooms.show('ready', [...view.queries, ...series.flatMap((s) => s.queries)], controls, ...list.map((p) => p.node));
    for (const panel of list) panel.draw();
  }
  const section = document.getElementById('view-rooms')!;
  Object.assign(section.dataset, { room: wanted.room, from: wanted.from, to: wanted.to, generation: String(Number(section.dataset.generation ?? '0') + 1) });
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

/**
 * The pipeline graph's box: the graph drawn at its natural size (12 px state names) in a box that scrolls both ways,
 * opened where it shows the most of the path taken; `fit` shrinks the whole graph into the box, `100%` goes back. Kept across
 * loads with its zoom and scroll position; the graph is redrawn only when it changed.
 */
class PipelineBox {
  readonly node: HTMLElement;
  private readonly scroll = el('div', { className: 'pipeline-scroll', testid: 'pipeline-scroll', tabindex: 0 });
  private readonly buttons: Record<'fit' | '100', HTMLButtonElement>;
  private zoom: 'fit' | '100' = '100';
  private graph?: PipelineView['graph'];
  private drawn?: string;

  constructor() {
    const button = (zoom: 'fit' | '100', label: string) => {
      const b = el('button', { type: 'button', testid: `pipeline-zoom-${zoom}` }, label);
      b.addEventListener('click', () => {
        this.zoom = zoom;
        this.applyZoom();
        if (zoom === '100') this.scrollToStart();
      });
      return b;
    };
    this.buttons = { fit: button('fit', 'fit'), 100: button('100', '100%') };
    this.node = el('div', {}, el('div', { className: 'controls' }, el('label', {}, 'zoom'), this.buttons.fit, this.buttons[100]), this.scroll);
  }

  /** Draws the graph when it differs from the one drawn; call once the box is in the page. */
  show(graph: PipelineView['graph']): void {
    const key = JSON.stringify(graph);
    if (key === this.drawn) return;
    const first = this.drawn === undefined;
    this.graph = graph;
    this.drawn = key;
    this.scroll.replaceChildren(pipelineSvg(graph));
    this.applyZoom();
    if (first) this.scrollToStart();
  }

  private applyZoom(): void {
    const graph = this.graph;
    const drawing = this.scroll.querySelector('svg');
    if (graph === undefined || drawing === null || graph.width === 0 || graph.height === 0) return;
    const scale = this.zoom === '100' ? 1 : Math.min(1, (this.scroll.clientWidth - 2) / graph.width, (this.scroll.clientHeight - 2) / graph.height);
    drawing.setAttribute('width', String(graph.width * scale));
    drawing.setAttribute('height', String(graph.height * scale));
    this.scroll.dataset.zoom = this.zoom;
    for (const [zoom, b] of Object.entries(this.buttons)) b.setAttribute('aria-pressed', String(zoom === this.zoom));
  }

  /**
   * Scrolls to where the box shows the most states the execution visited (the path taken; without an execution, the
   * most states): each such state is tried as the box's centre, the top-most of the best first.
   */
  private scrollToStart(): void {
    const nodes = this.graph?.nodes ?? [];
    const visited = nodes.filter((n) => n.status !== 'NOT_RUN');
    const wanted = visited.length === 0 ? nodes : visited;
    const { clientWidth: width, clientHeight: height } = this.scroll;
    let best: { x: number; y: number; count: number } | undefined;
    for (const c of [...wanted].sort((a, b) => a.y - b.y || a.x - b.x)) {
      const x = Math.max(0, c.x - width / 2);
      const y = Math.max(0, c.y - height / 2);
      const count = wanted.filter((n) => n.x - n.width / 2 >= x && n.x + n.width / 2 <= x + width && n.y - n.height / 2 >= y && n.y + n.height / 2 <= y + height).length;
      if (best === undefined || count > best.count) best = { x, y, count };
    }
    if (best === undefined) return;
    this.scroll.scrollLeft = best.x;
    this.scroll.scrollTop = best.y;
  }
}

const pipeline = new ViewBox('pipeline');
const pipelineBox = new PipelineBox();
/** The execution's line, notifications and legend; kept as one node so a reload never re-inserts the graph's box (its scroll would reset). */
const pipelineHead = el('div');
async function loadPipeline(): Promise<void> {
  const p = await getJson<PipelineView>(API_PATHS.pipeline);
  const e = p.execution;
  const swatches = el('div', { className: 'legend-swatches' }, ...(['SUCCEEDED', 'CAUGHT', 'FAILED', 'RUNNING', 'NOT_RUN'] as const).map((s) => el('span', {}, el('span', { className: `swatch ${s}` }), s.toLowerCase().replace('_', ' '))));
  const head = e === null
    ? el('p', { className: 'empty', testid: 'empty-pipeline' }, 'no pipeline execution yet: the graph shows the definition')
    : el('p', {},
      el('span', { className: `status ${e.status}`, testid: 'pipeline-status' }, e.status), ' ', el('span', { testid: 'pipeline-execution' }, e.name), `, started ${e.startTime}`,
      e.durationMs === null ? '' : `, ${formatMs(e.durationMs)}`,
      e.error === undefined ? '' : el('span', { testid: 'pipeline-error' }, ` — ${e.error}${e.cause === undefined ? '' : `: ${e.cause}`}`));
  const notifications = e === null || e.notifications.length === 0 ? null : el('div', { className: 'error-box', testid: 'pipeline-notifications' },
    el('strong', {}, 'failure notification'), ...e.notifications.map((n) => el('div', {}, n.subject === undefined ? '' : `${n.subject}: `, n.message)));
  pipelineHead.replaceChildren(head, ...(notifications === null ? [] : [notifications]), swatches);
  pipeline.show(e === null ? 'empty' : 'ready', p.queries, pipelineHead, pipelineBox.node);
  pipelineBox.show(p.graph);
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
