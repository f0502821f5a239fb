import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMED_QUERY_NAMES } from '../../core/analytics/queries/index.js';
import { PROJECT_ROOT } from '../../core/settings.js';
import { API_PATHS, type ApiError, type FleetView, type PipelineView, type QualityView, type QueryView, type RoomSeriesView, type RoomsView } from './contract.js';
import { allowedHost, startDashboardServer, type DashboardServer } from './server.js';
import type { DashboardSource, SeriesRange } from './source.js';
import { getJson, rawRequest } from './testing.js';

const SOURCE_INFO = { kind: 'local' as const, location: '/data', live: false, generatedAt: '2026-11-22T10:00:00.000Z' };
const base = { source: SOURCE_INFO, queries: [{ name: 'room_summary', rows: 1, elapsedMs: 3 }] };

/** A source answering fixed views and recording what it was asked; `failing` makes every view throw. */
function fakeSource() {
  const calls: { view: string; args: unknown[] }[] = [];
  const state = { failing: false };
  const answer = <T>(view: string, value: T, ...args: unknown[]): Promise<T> => {
    calls.push({ view, args });
    return state.failing ? Promise.reject(new Error(`the lake is unreadable (${view})`)) : Promise.resolve(value);
  };
  const fleet: FleetView = { ...base, counters: { sent: 5, acknowledged: 5, landed: 4, quarantined: 1, refused: 0 }, quarantinedByReason: { 'out-of-range': 1 }, refusedByReason: {}, rate: [] };
  const rooms: RoomsView = { ...base, rooms: [{ room: 'r1', readings: 4, first: null, last: null, anomalies: 0 }] };
  const quality: QualityView = { ...base, byReason: [], byDay: [] };
  const pipeline: PipelineView = { ...base, graph: { width: 0, height: 0, nodes: [], edges: [] }, execution: null };
  const source: DashboardSource = {
    info: () => SOURCE_INFO,
    fleet: () => answer('fleet', fleet),
    rooms: () => answer('rooms', rooms),
    series: (room: string, range: SeriesRange) => answer<RoomSeriesView>('series', { ...base, room, from: range.from ?? null, to: range.to ?? null, points: [], anomalies: [] }, room, range),
    quality: () => answer('quality', quality),
    alerts: () => answer('alerts', { ...base, available: true, alerts: [] }),
    pipeline: () => answer('pipeline', pipeline),
    query: (name, params) => answer<QueryView>('query', { ...base, name, columns: [], rows: [] }, name, params),
    close: async () => undefined,
  };
  return { source, calls, state, views: { fleet, rooms, quality, pipeline } };
}

describe.each([
  ['127.0.0.1:8080', undefined, true],
  ['localhost:8080', undefined, true],
  ['[::1]:8080', undefined, true],
  ['LOCALHOST:8080', undefined, true],
  ['localhost:8081', undefined, false],
  ['localhost', undefined, false],
  ['evil.example:8080', undefined, false],
  ['dash.lan:8080', undefined, false],
  ['dash.lan:8080', 'dash.lan', true],
  ['192.168.1.5:8080', '192.168.1.5', true],
  ['[fe80::1]:8080', 'fe80::1', true],
  ['evil.example:8080', 'dash.lan', false],
  [undefined, undefined, false],
] as const)('allowedHost(%j, port 8080, --host %j)', (header, host, allowed) => {
  it(`THEN ${String(allowed)}`, () => expect(allowedHost(header, 8080, host)).toBe(allowed));
});

describe('the dashboard server over a fake source', () => {
  const fake = fakeSource();
  let server: DashboardServer;
  beforeAll(async () => {
    server = await startDashboardServer({ source: fake.source });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('GIVEN no host THEN it listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it.each([
    { path: API_PATHS.fleet, view: 'fleet' },
    { path: API_PATHS.rooms, view: 'rooms' },
    { path: API_PATHS.quality, view: 'quality' },
    { path: API_PATHS.pipeline, view: 'pipeline' },
  ] as const)('GIVEN GET $path THEN the source\'s $view view as JSON with the security headers', async ({ path: p, view }) => {
    const answer = await getJson(server.url, p);
    expect(answer.status).toBe(200);
    expect(answer.body).toStrictEqual(fake.views[view]);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['content-security-policy']).toBe("default-src 'self'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('GIVEN GET /api/source and /api/alerts THEN the source info and the alerts view', async () => {
    expect((await getJson(server.url, API_PATHS.source)).body).toStrictEqual(SOURCE_INFO);
    expect((await getJson(server.url, API_PATHS.alerts)).body).toMatchObject({ available: true, alerts: [] });
  });

  it('GIVEN a room series with a range THEN the source is asked for that room and the range as parsed (one form, whatever form was sent)', async () => {
    const answer = await getJson<RoomSeriesView>(server.url, `${API_PATHS.roomSeries('room-01')}?from=2026-11-20T10:00Z&to=2026-11-21`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ room: 'room-01', from: '2026-11-20 10:00:00.000', to: '2026-11-21 00:00:00.000' });
    expect(fake.calls.at(-1)).toStrictEqual({ view: 'series', args: ['room-01', { from: '2026-11-20 10:00:00.000', to: '2026-11-21 00:00:00.000' }] });
  });

  it('GIVEN a request whose Host is not the server\'s (DNS rebinding) WHEN sent THEN it is refused with 421 bad_host naming the Host, before the source is asked', async () => {
    const calls = fake.calls.length;
    const { port } = new URL(server.url);
    for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, '127.0.0.1', `127.0.0.1:${Number(port) + 1}`]) {
      const answer = await rawRequest(server.url, API_PATHS.fleet, 'GET', { Host: host });
      expect(answer.status).toBe(421);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'bad_host', parameter: 'host', value: host } });
    }
    expect(fake.calls.length).toBe(calls);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
      expect((await rawRequest(server.url, API_PATHS.fleet, 'GET', { Host: host })).status).toBe(200);
    }
  });

  it.each([
    { path: `${API_PATHS.roomSeries('r1')}?from=yesterday`, parameter: 'from', value: 'yesterday', says: 'parameter from has invalid value "yesterday": expected a UTC time' },
    { path: `${API_PATHS.roomSeries('r1')}?to=2026-02-30`, parameter: 'to', value: '2026-02-30', says: 'parameter to has invalid value "2026-02-30"' },
    { path: `${API_PATHS.roomSeries('r1')}?from=2026-11-21&to=2026-11-20`, parameter: 'to', value: '2026-11-20', says: 'expected a time after from (2026-11-21)' },
    { path: `${API_PATHS.roomSeries('r1')}?from=2026-11-21&from=2026-11-22`, parameter: 'from', value: '2026-11-22', says: 'parameter from is given twice' },
    { path: `${API_PATHS.roomSeries('r1')}?limit=5`, parameter: 'limit', value: '5', says: "parameter limit is not one of this endpoint's: from, to" },
    { path: API_PATHS.roomSeries("r1' OR '1'='1"), parameter: 'room', value: "r1' OR '1'='1", says: 'parameter room has invalid value' },
    { path: '/api/rooms/%E0%A4%A/series', parameter: 'room', value: '%E0%A4%A', says: 'not valid percent-encoding' },
    { path: `${API_PATHS.query('temperature_hourly')}?room=r1%3B%20DROP`, parameter: 'room', value: 'r1; DROP', says: 'parameter room has invalid value "r1; DROP"' },
    { path: `${API_PATHS.query('temperature_hourly')}?hour=1`, parameter: 'hour', value: '1', says: 'expected a parameter of temperature_hourly: one of room, from, to' },
    { path: `${API_PATHS.fleet}?since=1`, parameter: 'since', value: '1', says: "parameter since is not one of this endpoint's: (none)" },
  ])('GIVEN $path THEN 400 bad_parameter naming $parameter and its value, and the source is not asked', async ({ path: p, parameter, value, says }) => {
    const before = fake.calls.length;
    const answer = await getJson<ApiError>(server.url, p);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ status: 400, code: 'bad_parameter', parameter, value });
    expect(answer.body.error.message).toContain(says);
    expect(fake.calls.length).toBe(before);
  });

  it('GIVEN a named query with parameters THEN the source runs it with them', async () => {
    const answer = await getJson<QueryView>(server.url, `${API_PATHS.query('room_anomalies')}?room=r1&from=2026-11-21`);
    expect(answer.status).toBe(200);
    expect(fake.calls.at(-1)).toStrictEqual({ view: 'query', args: ['room_anomalies', { room: 'r1', from: '2026-11-21' }] });
  });

  it('GIVEN an unknown named query THEN 404 naming the value and every known name', async () => {
    const answer = await getJson<ApiError>(server.url, API_PATHS.query('hottest<script>'));
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: 'not_found', parameter: 'name', value: 'hottest<script>' });
    expect(answer.body.error.message).toBe(`no named query "hottest<script>": the named queries are ${NAMED_QUERY_NAMES.join(', ')}`);
  });

  it.each(['/api/nothing', '/api/rooms/r1', '/api/rooms/r1/series/x', '/favicon.ico'])('GIVEN unknown path %s THEN 404 not_found naming it', async (p) => {
    const answer = await getJson<ApiError>(server.url, p);
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ status: 404, code: 'not_found', parameter: 'path', value: p });
  });

  it.each(['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'])('GIVEN %s THEN 405 with Allow: GET', async (method) => {
    const answer = await rawRequest(server.url, API_PATHS.fleet, method);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET');
    if (method !== 'HEAD') expect(JSON.parse(answer.body).error).toMatchObject({ code: 'method_not_allowed', value: method });
  });

  it('GIVEN a source that fails THEN each view answers 502 source_failed with its message', async () => {
    fake.state.failing = true;
    try {
      for (const p of [API_PATHS.fleet, API_PATHS.rooms, API_PATHS.roomSeries('r1'), API_PATHS.quality, API_PATHS.alerts, API_PATHS.pipeline, API_PATHS.query('room_summary')]) {
        const answer = await getJson<ApiError>(server.url, p);
        expect(answer.status, p).toBe(502);
        expect(answer.body.error, p).toMatchObject({ status: 502, code: 'source_failed' });
        expect(answer.body.error.message, p).toMatch(/^the lake is unreadable \(\w+\)$/);
      }
    } finally {
      fake.state.failing = false;
    }
  });

  it('GIVEN / THEN the page, with the CSP (no inline script) and nosniff', async () => {
    const answer = await rawRequest(server.url, '/');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['content-security-policy']).toBe("default-src 'self'");
    expect(answer.body).toBe(readFileSync(path.join(import.meta.dirname, 'page', 'index.html'), 'utf8'));
  });

  it('GIVEN /app.js THEN the esbuild bundle of page/app.ts (its imports inlined, no import left)', async () => {
    const answer = await rawRequest(server.url, '/app.js');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.body).toContain('/api/source');
    expect(answer.body).not.toMatch(/^\s*import\s/m);
  });

  it('GIVEN the vendor paths THEN uPlot\'s browser build and stylesheet, byte for byte those of node_modules/uplot/dist', async () => {
    const dist = path.dirname(createRequire(import.meta.url).resolve('uplot'));
    for (const [p, file, type] of [
      ['/vendor/uPlot.iife.min.js', 'uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
      ['/vendor/uPlot.min.css', 'uPlot.min.css', 'text/css; charset=utf-8'],
    ] as const) {
      const answer = await rawRequest(server.url, p);
      expect(answer.status, p).toBe(200);
      expect(answer.headers['content-type'], p).toBe(type);
      expect(answer.body, p).toBe(readFileSync(path.join(dist, file), 'utf8'));
    }
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2e%2e/',
    '/vendor/../../package.json',
    '/vendor/%2e%2e/%2e%2e/package.json',
    '/vendor/uPlot.cjs.js',
    '/app.ts',
    '/page/index.html',
    '/contract.ts',
    '//etc/passwd',
    '/index.html/../../../package.json',
    '/%2fetc%2fpasswd',
  ])('GIVEN the path %s THEN 404: only the allow-list is served, nothing outside it', async (p) => {
    const answer = await rawRequest(server.url, p);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8').slice(0, 40));
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'not_found', value: p });
  });
});
