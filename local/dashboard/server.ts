import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { LOCAL_DATABASE_NAMING } from '../../core/analytics/names.js';
import { NAMED_QUERY_NAMES, PARAMETER_TYPES, bindParameters, namedQuery, renderNamedQuery } from '../../core/analytics/queries/index.js';
import { InvalidValueError } from '../../core/errors.js';
import type { ApiError } from './contract.js';
import type { DashboardSource, SeriesRange } from './source.js';

/** Where the page lives: index.html and app.ts (bundled at start). */
export const PAGE_DIR = path.join(import.meta.dirname, 'page');

/** Options of startDashboardServer. */
export interface DashboardServerOptions {
  readonly source: DashboardSource;
  /** Default 127.0.0.1: the dashboard is for this machine unless told otherwise. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  readonly pageDir?: string;
}

/** A running dashboard server. */
export interface DashboardServer {
  /** `http://<host>:<port>/`. */
  readonly url: string;
  /** Stops accepting connections and ends the open ones (the source stays open: its owner closes it). */
  close(): Promise<void>;
}

/** Headers of every answer: nothing but this origin's files may run or load, and no type is sniffed. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

const JSON_TYPE = 'application/json; charset=utf-8';

/** A static file of the allow-list: its type and content. */
interface StaticFile {
  readonly type: string;
  readonly body: Buffer | string;
}

/** A 4xx answer: the status, code and what was at fault. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    readonly value?: string,
  ) {
    super(message);
  }
}

function badParameter(error: InvalidValueError): HttpError {
  return new HttpError(400, 'bad_parameter', error.message, error.key, typeof error.value === 'string' ? error.value : JSON.stringify(error.value));
}

/** The query string's values by name; a repeated name, or one `allowed` does not list, is a 400 naming it. */
function parameters(search: URLSearchParams, allowed: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of search) {
    if (allowed !== undefined && !allowed.includes(name)) {
      throw new HttpError(400, 'bad_parameter', `parameter ${name} is not one of this endpoint's: ${allowed.join(', ') || '(none)'}`, name, value);
    }
    if (name in out) throw new HttpError(400, 'bad_parameter', `parameter ${name} is given twice`, name, value);
    out[name] = value;
  }
  return out;
}

function segment(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'bad_parameter', `path segment ${name} is not valid percent-encoding`, name, raw);
  }
}

/** Validates a series range: each a timestamp, `from` before `to`; the range passed on is the parsed one. */
function seriesRange(params: Record<string, string>): SeriesRange {
  const bound: Record<string, string> = {};
  for (const name of ['from', 'to'] as const) {
    const raw = params[name];
    if (raw === undefined) continue;
    const value = PARAMETER_TYPES.timestamp.parse(raw);
    if (value === undefined) throw badParameter(new InvalidValueError(name, raw, PARAMETER_TYPES.timestamp.expected, 'parameter'));
    bound[name] = value;
  }
  // The parsed texts have one fixed form (`YYYY-MM-DD HH:MM:SS.mmm`), so they order as text as the times do.
  if (bound.from !== undefined && bound.to !== undefined && bound.from >= bound.to) {
    throw badParameter(new InvalidValueError('to', params.to, `a time after from (${params.from})`, 'parameter'));
  }
  return { ...(bound.from === undefined ? {} : { from: bound.from }), ...(bound.to === undefined ? {} : { to: bound.to }) };
}

/** Validates a named query's name (404 when unknown) and parameters (400), as bindParameters would on the engine. */
function checkQuery(name: string, params: Record<string, string>): void {
  if (!NAMED_QUERY_NAMES.includes(name)) {
    throw new HttpError(404, 'not_found', `no named query ${JSON.stringify(name)}: the named queries are ${NAMED_QUERY_NAMES.join(', ')}`, 'name', name);
  }
  const query = namedQuery(name);
  try {
    bindParameters(query, renderNamedQuery(query, LOCAL_DATABASE_NAMING), params);
  } catch (error) {
    if (error instanceof InvalidValueError) throw badParameter(error);
    throw error;
  }
}

/** The JSON a path answers with (validated), or undefined when it is not an API path. */
function route(source: DashboardSource, pathname: string, search: URLSearchParams): (() => Promise<unknown>) | undefined {
  const none = () => parameters(search, []);
  switch (pathname) {
    case '/api/source':
      none();
      return async () => source.info();
    case '/api/fleet':
      none();
      return () => source.fleet();
    case '/api/rooms':
      none();
      return () => source.rooms();
    case '/api/quality':
      none();
      return () => source.quality();
    case '/api/alerts':
      none();
      return () => source.alerts();
    case '/api/pipeline':
      none();
      return () => source.pipeline();
  }
  const series = /^\/api\/rooms\/([^/]+)\/series$/.exec(pathname);
  if (series !== null) {
    const room = segment(series[1] as string, 'room');
    if (PARAMETER_TYPES.room.parse(room) === undefined) throw badParameter(new InvalidValueError('room', room, PARAMETER_TYPES.room.expected, 'parameter'));
    const range = seriesRange(parameters(search, ['from', 'to']));
    return () => source.series(room, range);
  }
  const query = /^\/api\/query\/([^/]+)$/.exec(pathname);
  if (query !== null) {
    const name = segment(query[1] as string, 'name');
    const params = parameters(search, undefined);
    checkQuery(name, params);
    return () => source.query(name, params);
  }
  return undefined;
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(value), { 'Cache-Control': 'no-store' });
}

function sendError(res: ServerResponse, error: HttpError | { status: number; code: string; message: string; parameter?: string; value?: string }): void {
  const body: ApiError = {
    error: {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.parameter === undefined ? {} : { parameter: error.parameter }),
      ...(error.value === undefined ? {} : { value: error.value }),
    },
  };
  sendJson(res, error.status, body);
}

/** The page's bundle: app.ts and what it imports, for the browser (an IIFE; a CSS it imports becomes app.css). */
async function bundlePage(pageDir: string): Promise<Record<string, StaticFile>> {
  const entry = path.join(pageDir, 'app.ts');
  const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', outdir: path.join(pageDir, 'out'), logLevel: 'silent' });
  const files: Record<string, StaticFile> = {};
  for (const file of result.outputFiles) {
    if (file.path.endsWith('.js')) files['/app.js'] = { type: 'text/javascript; charset=utf-8', body: Buffer.from(file.contents) };
    if (file.path.endsWith('.css')) files['/app.css'] = { type: 'text/css; charset=utf-8', body: Buffer.from(file.contents) };
  }
  return files;
}

/**
 * True when a request's Host header names this server: `127.0.0.1`, `localhost` or `[::1]`, or the `--host` it was
 * started with, each with its port (names compared without case). Anything else is refused, so a page whose DNS
 * name was rebound to this machine cannot read the dashboard from a browser.
 */
export function allowedHost(header: string | undefined, port: number, host?: string): boolean {
  if (header === undefined) return false;
  const names = ['127.0.0.1', 'localhost', '[::1]', ...(host === undefined ? [] : [host.includes(':') ? `[${host}]` : host])];
  return names.some((name) => `${name}:${port}`.toLowerCase() === header.toLowerCase());
}

/** The charting library's browser build and stylesheet, from the installed uplot package (no CDN). */
function vendorFiles(): Record<string, StaticFile> {
  const dist = path.dirname(createRequire(import.meta.url).resolve('uplot'));
  return {
    '/vendor/uPlot.iife.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(dist, 'uPlot.iife.min.js')) },
    '/vendor/uPlot.min.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(dist, 'uPlot.min.css')) },
  };
}

/**
 * Serves the dashboard: the JSON views of `source` at the contract's API_PATHS, and a fixed allow-list of static
 * files (the page, its bundle, uPlot); any other path is a 404, so no path can reach another file. GET only.
 * Every value goes out as JSON (the page renders with textContent): nothing is interpolated into HTML here.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const pageDir = options.pageDir ?? PAGE_DIR;
  const index: StaticFile = { type: 'text/html; charset=utf-8', body: readFileSync(path.join(pageDir, 'index.html')) };
  const files: Record<string, StaticFile> = { '/': index, '/index.html': index, ...(await bundlePage(pageDir)), ...vendorFiles() };
  if (files['/app.css'] === undefined && existsSync(path.join(pageDir, 'app.css'))) {
    files['/app.css'] = { type: 'text/css; charset=utf-8', body: readFileSync(path.join(pageDir, 'app.css')) };
  }
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    // The path as sent, not normalised: `/../x` or `/%2e%2e/x` is simply not in the allow-list.
    const pathname = q < 0 ? raw : raw.slice(0, q);
    const search = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    if (!allowedHost(req.headers.host, (server.address() as AddressInfo).port, options.host)) {
      return sendError(res, { status: 421, code: 'bad_host', message: `Host ${JSON.stringify(req.headers.host ?? '')} is not this dashboard's: ask for it by 127.0.0.1, localhost or [::1] (or the --host it was started with) and its port`, parameter: 'host', value: req.headers.host ?? '' });
    }
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return sendError(res, { status: 405, code: 'method_not_allowed', message: `method ${req.method ?? ''} is not allowed: the dashboard answers GET only`, parameter: 'method', value: req.method ?? '' });
    }
    let run: (() => Promise<unknown>) | undefined;
    try {
      run = route(options.source, pathname, search);
    } catch (error) {
      if (error instanceof HttpError) return sendError(res, error);
      throw error;
    }
    if (run === undefined) {
      const file = files[pathname];
      if (file !== undefined) return send(res, 200, file.type, file.body);
      return sendError(res, { status: 404, code: 'not_found', message: `no such path ${JSON.stringify(pathname)}`, parameter: 'path', value: pathname });
    }
    try {
      sendJson(res, 200, await run());
    } catch (error) {
      sendError(res, { status: 502, code: 'source_failed', message: error instanceof Error ? error.message : String(error) });
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, { status: 500, code: 'internal', message: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
