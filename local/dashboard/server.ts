import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../core/settings.js';
import type { ApiError } from './contract.js';
import type { DashboardSource } from './source.js';

/**
 * MINIMAL stand-in for the dashboard server, written on the dash-page branch for the page's browser test and bench
 * only: the dash-server branch's server.ts (validation, escaping, the query endpoint, the CLI) replaces it. Same
 * signature: it serves the page, its bundle, uPlot from node_modules and the view endpoints of contract.ts.
 */
export interface DashboardServerOptions {
  readonly source: DashboardSource;
  readonly host?: string;
  readonly port?: number;
  /** Default local/dashboard/page. */
  readonly pageDir?: string;
}

const CSP = "default-src 'self'";

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(body);
}

function apiError(status: number, code: string, message: string): string {
  return JSON.stringify({ error: { status, code, message } } satisfies ApiError);
}

/** Starts the server; `url` is where the page is. */
export async function startDashboardServer(o: DashboardServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const pageDir = o.pageDir ?? path.join(PROJECT_ROOT, 'local/dashboard/page');
  const bundle = await build({ entryPoints: [path.join(pageDir, 'app.ts')], bundle: true, write: false, format: 'iife', target: 'es2022', logLevel: 'silent' });
  const files: Record<string, { type: string; body: string | Buffer }> = {
    '/': { type: 'text/html; charset=utf-8', body: readFileSync(path.join(pageDir, 'index.html')) },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0]!.text },
    '/app.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(pageDir, 'app.css')) },
    '/vendor/uPlot.iife.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(PROJECT_ROOT, 'node_modules/uplot/dist/uPlot.iife.min.js')) },
    '/vendor/uPlot.min.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(PROJECT_ROOT, 'node_modules/uplot/dist/uPlot.min.css')) },
  };
  const s = o.source;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = files[url.pathname];
    if (file !== undefined) return send(res, 200, file.type, file.body);
    const series = /^\/api\/rooms\/([^/]+)\/series$/.exec(url.pathname);
    const views: Record<string, () => unknown> = {
      '/api/source': () => s.info(),
      '/api/fleet': () => s.fleet(),
      '/api/rooms': () => s.rooms(),
      '/api/quality': () => s.quality(),
      '/api/alerts': () => s.alerts(),
      '/api/pipeline': () => s.pipeline(),
    };
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    const view = series !== null ? () => s.series(decodeURIComponent(series[1]!), { ...(from === null ? {} : { from }), ...(to === null ? {} : { to }) }) : views[url.pathname];
    if (view === undefined) return send(res, 404, 'application/json', apiError(404, 'not_found', `no such path: ${url.pathname}`));
    Promise.resolve()
      .then(view)
      .then(
        (body) => send(res, 200, 'application/json', JSON.stringify(body)),
        (error: unknown) => send(res, 502, 'application/json', apiError(502, 'source_failed', error instanceof Error ? error.message : String(error))),
      );
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e === undefined ? resolve() : reject(e)))),
  };
}
