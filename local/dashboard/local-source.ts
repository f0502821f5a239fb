import { statSync } from 'node:fs';
import path from 'node:path';
import { pipelineOptions, pipelineDefinition } from '../../core/orchestration/index.js';
import { readEnvironmentConfig, type Environment } from '../../core/settings.js';
import { readAlertLog } from '../analytics/alerts-log.js';
import { lastExecutionFile, readLastExecution } from '../orchestration/last-execution.js';
import { localResources } from '../orchestration/pipeline-twin.js';
import { openDuckdbEngine, type DuckdbEngineOptions } from '../query/duckdb-engine.js';
import type { QueryEngine, QueryResult } from '../query/engine.js';
import type { FleetView, PipelineView } from './contract.js';
import { EngineViews, namedQueryViews } from './engine-views.js';
import { pipelineGraph } from './graph.js';
import type { LiveFleet } from './live.js';
import { readLastSummary } from './run-summary.js';
import { sourceInfo, type DashboardSource } from './source.js';

/** A file's modification time and size, or `none`: what tells a rewritten file from the one read before. */
function fileKey(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'none';
  }
}

/** Options of the local source. */
export interface LocalSourceOptions {
  /** The twin's data directory. */
  readonly dataDir: string;
  /** The running fleet's counters while `npm start` runs (undefined: none running). */
  readonly live?: () => LiveFleet | undefined;
  /** The environment whose settings the pipeline definition takes when no execution is recorded yet. */
  readonly env?: Environment;
  readonly engine?: DuckdbEngineOptions;
}

/**
 * The twin's DuckDB engine over a data directory, reopened when the lake's catalog changes (a job registered
 * partitions, so the engine's views would miss them), with its runs one at a time (one DuckDB connection).
 */
class FreshEngine {
  private current?: { readonly key: string; readonly engine: Promise<QueryEngine> };
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly options: DuckdbEngineOptions,
  ) {}

  private catalogKey(): string {
    return fileKey(path.join(this.dataDir, 'catalog.json'));
  }

  /** An engine whose runs are serialised, over the catalog as it is now. */
  readonly engine: QueryEngine = {
    naming: (database) => database,
    run: (sql, params) => {
      const next = this.tail.then(() => this.use((engine) => engine.run(sql, params)));
      this.tail = next.catch(() => undefined);
      return next as Promise<QueryResult>;
    },
    close: () => this.close(),
  };

  /** Runs one at a time (see `engine.run`), so retiring an engine never cuts a run short. */
  private async use<T>(work: (engine: QueryEngine) => Promise<T>): Promise<T> {
    const key = this.catalogKey();
    if (this.current !== undefined && this.current.key !== key) await this.retire();
    if (this.current === undefined) this.current = { key, engine: openDuckdbEngine(this.dataDir, this.options) };
    let engine: QueryEngine;
    try {
      engine = await this.current.engine;
    } catch (error) {
      // Not kept: the next view tries again.
      this.current = undefined;
      throw error;
    }
    return work(engine);
  }

  private async retire(): Promise<void> {
    const old = this.current;
    this.current = undefined;
    if (old !== undefined) await (await old.engine.catch(() => undefined))?.close();
  }

  async close(): Promise<void> {
    await this.tail;
    await this.retire();
  }
}

/** The dashboard over a twin data directory: named queries on DuckDB, the alert log, the last execution, the fleet. */
export function openLocalSource(options: LocalSourceOptions): DashboardSource {
  const dataDir = path.resolve(options.dataDir);
  const fresh = new FreshEngine(dataDir, options.engine ?? {});
  const views = new EngineViews(fresh.engine);
  const live = () => options.live?.();
  const info = () => sourceInfo('local', dataDir, live() !== undefined);
  // The layout of the whole pipeline takes most of a second; it changes only when a new execution is recorded.
  let layout: { readonly key: string; readonly graph: PipelineView['graph'] } | undefined;
  const laidOut = (key: string, make: () => PipelineView['graph']) => {
    if (layout?.key !== key) layout = { key, graph: make() };
    return layout.graph;
  };
  return {
    info,
    ...namedQueryViews(views, info),
    async fleet(): Promise<FleetView> {
      const running = live();
      if (running !== undefined) return { source: info(), queries: [], ...running.view() };
      const summary = readLastSummary(dataDir);
      const lake = await views.landedPerHour();
      const fromLake = lake.rate.reduce((sum, r) => sum + r.landed, 0);
      return {
        source: info(),
        queries: lake.queries,
        counters: {
          sent: summary?.messages.sent ?? null,
          acknowledged: summary?.messages.acknowledged ?? null,
          landed: summary?.messages.landed ?? fromLake,
          quarantined: summary?.messages.quarantined ?? null,
          refused: summary === undefined ? null : Object.values(summary.refused).reduce((a, b) => a + b, 0),
        },
        quarantinedByReason: summary?.quarantinedByReason ?? {},
        refusedByReason: summary?.refused ?? {},
        rate: lake.rate.map((r) => ({ t: r.t, sent: null, landed: r.landed })),
      };
    },
    async alerts() {
      return { source: info(), queries: [], available: true, alerts: readAlertLog(dataDir) };
    },
    async pipeline(): Promise<PipelineView> {
      const last = readLastExecution(dataDir);
      if (last === undefined) {
        const graph = laidOut('no execution', () => pipelineGraph(pipelineDefinition(localResources(), pipelineOptions(readEnvironmentConfig(options.env ?? 'dev'))).main.toJson(), []));
        return { source: info(), queries: [], graph, execution: null };
      }
      const { states, definition, ...execution } = last;
      return { source: info(), queries: [], graph: laidOut(fileKey(lastExecutionFile(dataDir)), () => pipelineGraph(definition, states)), execution };
    },
    close: () => fresh.close(),
  };
}
