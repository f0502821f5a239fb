import { describe, expect, it } from 'vitest';
import { EDGE_LABEL_CHARS, shortLabel, type AnomalyMark, type SeriesPoint } from '../contract.js';
import { isZoomed, markedTimes, roomChartData } from './charts.js';
import { formatBytes, formatMs } from './dom.js';
import { laneOf } from './pipeline-svg.js';

const point = (t: string, avg: number): SeriesPoint => ({ t, readings: 2, avg, min: avg - 1, max: avg + 1 });
const mark = (t: string, device: string, value: number): AnomalyMark => ({ t, device, value, score: 3, threshold: 2, model: 'rcf' });

describe('a room chart\'s data', () => {
  it.each([
    { name: 'no anomaly', points: [point('2026-11-20T00:00:00.000Z', 20), point('2026-11-20T01:00:00.000Z', 21)], anomalies: [], xs: ['2026-11-20T00:00:00.000Z', '2026-11-20T01:00:00.000Z'], marked: [] },
    {
      name: 'an anomaly between two points',
      points: [point('2026-11-20T00:00:00.000Z', 20), point('2026-11-20T01:00:00.000Z', 21)],
      anomalies: [mark('2026-11-20T00:30:00.000Z', 'd1', 27)],
      xs: ['2026-11-20T00:00:00.000Z', '2026-11-20T00:30:00.000Z', '2026-11-20T01:00:00.000Z'],
      marked: ['2026-11-20T00:30:00.000Z'],
    },
    {
      name: 'two devices flagged at the same time, on a point',
      points: [point('2026-11-20T00:00:00.000Z', 20)],
      anomalies: [mark('2026-11-20T00:00:00.000Z', 'd1', 27), mark('2026-11-20T00:00:00.000Z', 'd2', 28)],
      xs: ['2026-11-20T00:00:00.000Z', '2026-11-20T00:00:00.000Z', '2026-11-20T00:00:00.000Z'],
      marked: ['2026-11-20T00:00:00.000Z', '2026-11-20T00:00:00.000Z'],
    },
    { name: 'anomalies without points (a range with marks only)', points: [], anomalies: [mark('2026-11-20T00:00:00.000Z', 'd1', 27)], xs: ['2026-11-20T00:00:00.000Z'], marked: ['2026-11-20T00:00:00.000Z'] },
  ])('GIVEN $name THEN x is sorted with one entry per point and per anomaly, every anomaly marked once', ({ points, anomalies, xs, marked }) => {
    const chart = roomChartData(points, anomalies);
    expect(Array.from(chart.data[0], (x) => new Date(x * 1000).toISOString())).toStrictEqual(xs);
    expect(markedTimes(chart)).toStrictEqual(marked);
    expect(chart.anomalyAt.filter((a) => a !== undefined)).toHaveLength(anomalies.length);
    expect(Array.from(chart.data[1]!).filter((v) => v !== null)).toStrictEqual(points.map((p) => p.avg));
  });
});

describe('what the page prints', () => {
  it.each([
    [0, '0 B'], [950, '950 B'], [1_200, '1.2 kB'], [3_400_000, '3.4 MB'], [10_485_760, '10.5 MB'], [2e12, '2.0 TB'],
  ])('GIVEN %d bytes THEN %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [12.4, '12 ms'], [3_400, '3.4 s'], [302_000, '5 min 2 s'],
  ])('GIVEN %d ms THEN %s', (ms, text) => expect(formatMs(ms)).toBe(text));

  it.each([
    ['/Curate', ''], ['Imports#0/Import db', 'Imports#0'], ['Rooms[]/Train and score room', 'Rooms[]'], ['/A/B', ''],
  ])('GIVEN node id %s THEN its lane is %j', (id, lane) => expect(laneOf(id)).toBe(lane));

  it.each([
    ['next', 'next'],
    ['catch: States.ALL', 'catch: States.ALL'],
    ['catch: Glue.CrawlerRunningException', 'catch: Glue.CrawlerRunningE…'],
    ['choice: $.skip is present', 'skip is present'],
    ['choice: $.crawl.result.Crawler.State == "READY"', 'Crawler.State == "READY"'],
    ['choice: $.flags.skip.importHistorical == true', 'skip.importHistorical == tr…'],
    ['choice: ($.imports[0].failed == true) or ($.imports[1].failed == true)', '(imports[0].failed == true)…'],
    ['choice: ($.crawl.result.Crawler.State == "RUNNING") or ($.crawl.result.Crawler.State == "STOPPING")', '(Crawler.State == "RUNNING"…'],
  ])('GIVEN the edge label %s THEN it is drawn as %s, at most EDGE_LABEL_CHARS long', (label, drawn) => {
    expect(shortLabel(label)).toBe(drawn);
    expect(shortLabel(label).length).toBeLessThanOrEqual(EDGE_LABEL_CHARS);
  });
});

describe('whether a chart is zoomed', () => {
  const xs = [100, 160, 220, 280];
  it.each([
    { name: 'the data\'s own extent (uPlot\'s auto range, a double-click reset)', shown: { min: 100, max: 280 }, zoomed: false },
    { name: 'a range wider than the data', shown: { min: 40, max: 340 }, zoomed: false },
    { name: 'a selection inside the data', shown: { min: 150, max: 230 }, zoomed: true },
    { name: 'a selection up to the last point', shown: { min: 150, max: 280 }, zoomed: true },
    { name: 'a selection from the first point', shown: { min: 100, max: 230 }, zoomed: true },
    { name: 'a kept selection once newer data arrived past it', shown: { min: 100, max: 280 }, xs: [100, 160, 220, 280, 340], zoomed: true },
    { name: 'no data', shown: { min: 0, max: 1 }, xs: [], zoomed: false },
  ])('GIVEN $name WHEN judged THEN zoomed is $zoomed', ({ shown, zoomed, ...more }) => {
    expect(isZoomed(shown, more.xs ?? xs)).toBe(zoomed);
  });
});
