import type UPlot from 'uplot';
import type { AnomalyMark, FleetView, SeriesPoint } from '../contract.js';

/** uPlot, loaded by index.html from /vendor/uPlot.iife.min.js as a global (served from node_modules, no CDN). */
declare const uPlot: typeof UPlot;

const seconds = (t: string) => Date.parse(t) / 1000;

/** The aligned data of a room's chart and the anomalies in x order (one x per point and per anomaly). */
export interface RoomChartData {
  readonly data: UPlot.AlignedData;
  /** The anomaly at each x index, where one is marked. */
  readonly anomalyAt: readonly (AnomalyMark | undefined)[];
}

/**
 * A room's series for uPlot: x in seconds, then avg, min, max and the anomalies' values. Each anomaly gets its own
 * x (two devices flagged in the same millisecond are two marks), null in the other series; x stays sorted.
 */
export function roomChartData(points: readonly SeriesPoint[], anomalies: readonly AnomalyMark[]): RoomChartData {
  type Row = { x: number; point?: SeriesPoint; anomaly?: AnomalyMark };
  const rows: Row[] = [...points.map((point) => ({ x: seconds(point.t), point })), ...anomalies.map((anomaly) => ({ x: seconds(anomaly.t), anomaly }))];
  rows.sort((a, b) => a.x - b.x || Number(a.anomaly !== undefined) - Number(b.anomaly !== undefined));
  return {
    data: [
      rows.map((r) => r.x),
      rows.map((r) => r.point?.avg ?? null),
      rows.map((r) => r.point?.min ?? null),
      rows.map((r) => r.point?.max ?? null),
      rows.map((r) => r.anomaly?.value ?? null),
    ],
    anomalyAt: rows.map((r) => r.anomaly),
  };
}

/** The ISO times of the marked anomaly points, from the plotted data itself (what the browser test compares). */
export function markedTimes(chart: RoomChartData): string[] {
  const xs = Array.from(chart.data[0] ?? []);
  const marks = chart.data[4] ?? [];
  return xs.flatMap((x, i) => (marks[i] === null || marks[i] === undefined ? [] : [new Date(Math.round(x * 1000)).toISOString()]));
}

/** Chart width: the container's, within limits. */
function widthOf(container: HTMLElement): number {
  return Math.max(320, Math.min(1300, container.clientWidth - 8));
}

/** A chart drawn once and then given new data in place (uPlot's setData: the same canvas, no redraw of the page). */
export interface LiveChart<D> {
  readonly plot: UPlot;
  update(data: D): void;
}

/** The x range a chart shows (uPlot's x scale, in seconds). */
export interface XRange {
  readonly min: number;
  readonly max: number;
}

/**
 * True when the x range shown leaves out some of the chart's data (`xs`, sorted): the user zoomed in (a drag
 * selection). A range that covers all the data is no zoom: the data's own extent, and uPlot's double-click reset.
 */
export function isZoomed(shown: XRange, xs: ArrayLike<number>): boolean {
  if (xs.length === 0) return false;
  return shown.min > xs[0]! || shown.max < xs[xs.length - 1]!;
}

/**
 * The options with an x scale that follows the data only while the user has not zoomed, so a live update (setData)
 * keeps the user's range until the user resets it (a double-click). The state is on `box` as `data-zoomed`,
 * `data-x-min` and `data-x-max`.
 */
function keepingZoom(box: HTMLElement, opts: UPlot.Options): UPlot.Options {
  let zoomed = false;
  const record = (u: UPlot, key: string) => {
    const { min, max } = u.scales.x ?? {};
    if (key !== 'x' || min === undefined || max === undefined) return;
    zoomed = isZoomed({ min, max }, u.data[0]);
    box.dataset.zoomed = String(zoomed);
    box.dataset.xMin = String(min);
    box.dataset.xMax = String(max);
  };
  return {
    ...opts,
    scales: { ...opts.scales, x: { ...opts.scales?.x, auto: () => !zoomed } },
    hooks: { ...opts.hooks, setScale: [...(opts.hooks?.setScale ?? []), record] },
  };
}

/**
 * A room's temperature chart: average line, min/max band, anomalies as red points with their score in the legend.
 * A zoom (drag a range) stays across live updates until a double-click resets it.
 */
export function roomChart(container: HTMLElement, chart: RoomChartData): LiveChart<RoomChartData> {
  let current = chart;
  const anomalyValue = (_u: UPlot, v: number | null, _si: number, idx: number | null) => {
    if (v === null || idx === null) return '–';
    const a = current.anomalyAt[idx];
    return a === undefined ? v.toFixed(2) : `${v.toFixed(2)} °C, score ${a.score.toFixed(2)} (threshold ${a.threshold.toFixed(2)}), ${a.device}`;
  };
  const opts: UPlot.Options = {
    width: widthOf(container),
    height: 220,
    scales: { x: { time: true } },
    axes: [{}, { label: '°C' }],
    series: [
      { label: 'time (UTC)' },
      { label: 'average', stroke: '#1565c0', width: 1.5, spanGaps: true, value: (_u, v) => (v === null ? '–' : v.toFixed(2)) },
      { label: 'min', stroke: '#90caf9', width: 1, spanGaps: true, value: (_u, v) => (v === null ? '–' : v.toFixed(2)) },
      { label: 'max', stroke: '#90caf9', width: 1, spanGaps: true, value: (_u, v) => (v === null ? '–' : v.toFixed(2)) },
      { label: 'anomaly', stroke: '#c62828', width: 0, paths: () => null, points: { show: true, size: 9, fill: '#c62828', stroke: '#7f0000' }, value: anomalyValue },
    ],
    bands: [{ series: [3, 2], fill: 'rgba(144, 202, 249, 0.25)' }],
    legend: { live: true },
  };
  const plot = new uPlot(keepingZoom(container, opts), chart.data, container);
  return {
    plot,
    update(next) {
      current = next;
      plot.setData(next.data);
    },
  };
}

/** The fleet's rate: sent and landed over time; a zoom stays across live updates as on a room's chart. */
export function rateChart(container: HTMLElement, rate: FleetView['rate']): LiveChart<FleetView['rate']> {
  const data = (r: FleetView['rate']): UPlot.AlignedData => [r.map((p) => seconds(p.t)), r.map((p) => p.sent), r.map((p) => p.landed)];
  const opts: UPlot.Options = {
    width: widthOf(container),
    height: 180,
    scales: { x: { time: true } },
    axes: [{}, { label: 'messages' }],
    series: [
      { label: 'time (UTC)' },
      { label: 'sent', stroke: '#6a1b9a', width: 1.5, spanGaps: true },
      { label: 'landed', stroke: '#2e7d32', width: 1.5 },
    ],
  };
  const plot = new uPlot(keepingZoom(container, opts), data(rate), container);
  return { plot, update: (next) => plot.setData(data(next)) };
}
