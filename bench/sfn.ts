import { JOB_NAMES } from '../core/lake/jobs.js';
import { pipelineDefinition, pipelineOptions } from '../core/orchestration/index.js';
import { readEnvironmentConfig } from '../core/settings.js';
import { CopiedObjects, FakeSageMaker, instantAthena, LocalCrawlers, LocalGlueJobs, NotificationLog, runLocal, type LocalHandlers, type LocalMachineInput } from '../local/orchestration/index.js';
import { localResources } from '../local/orchestration/pipeline-twin.js';
import { spreadOf, type Figure } from './figures.js';

/** sfn.local's target: milliseconds per local execution of the pipeline with instant handlers (issue 8). */
export const SFN_LOCAL_TARGET_MS = 50;

/** One sfn.local measurement: a machine, its input and handlers that answer at once. */
export interface SfnBenchCase {
  readonly machine: LocalMachineInput;
  readonly input: unknown;
  /** Made fresh for each run (crawlers and job runs keep state). */
  readonly handlers: () => LocalHandlers;
  /** What the machine is, for the figure's notes. */
  readonly label: string;
}

/**
 * `sfn.local`: milliseconds per local execution (runLocal, handlers included) of a machine, the median over `runs`
 * runs after one warm-up run, with its spread. Every run must succeed, or the figure would time a failure path.
 */
export async function sfnLocalFigure(bench: SfnBenchCase, runs: number): Promise<Figure> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const result = await runLocal(bench.machine, bench.input, bench.handlers());
    const ms = performance.now() - started;
    if (result.status !== 'SUCCEEDED') throw new Error(`sfn.local: ${bench.label} ended ${result.status}: ${result.error ?? ''} ${result.cause ?? ''}`);
    if (i > 0) times.push(ms);
  }
  const spread = spreadOf(times);
  return {
    name: 'sfn.local',
    value: spread.median,
    unit: 'ms',
    target: `< ${SFN_LOCAL_TARGET_MS} ms`,
    met: spread.median < SFN_LOCAL_TARGET_MS,
    notes: `${bench.label}: median of ${spread.n} runs (min ${spread.min.toFixed(2)}, max ${spread.max.toFixed(2)} ms), after one warm-up run`,
  };
}

/**
 * The pipeline itself (pipelineDefinition with the twin's local names and the dev settings' options): Parallel
 * imports, four crawl-and-wait loops, curate, the room listing (Athena), the Map over the four rooms it lists, each a
 * nested room execution; every
 * service answers at once (jobs and crawls do nothing, the crawlers are READY after one RUNNING poll).
 */
export function sampleBenchCase(): SfnBenchCase {
  const resources = localResources();
  const { main, room } = pipelineDefinition(resources, pipelineOptions(readEnvironmentConfig('dev')));
  return {
    machine: main,
    input: {},
    handlers: () => ({
      glueJobs: new LocalGlueJobs(Object.fromEntries(JOB_NAMES.map((job) => [resources.jobs[job].name, () => undefined]))),
      crawlers: new LocalCrawlers({ raw: {}, historical: {}, database: {} }),
      notifications: new NotificationLog(),
      sageMaker: new FakeSageMaker(),
      athena: instantAthena(['r1', 'r2', 'r3', 'r4']),
      objects: new CopiedObjects(),
      machines: { [resources.roomMachine.arn]: room },
    }),
    label: 'the pipeline (Parallel imports, 3 crawl loops, curate, room listing, Map over 4 nested room executions), instant handlers',
  };
}

/** The sfn figures of `npm run bench`. */
export async function runSfnBench(o: { readonly runs?: number; readonly log: (line: string) => void }): Promise<Figure[]> {
  const figure = await sfnLocalFigure(sampleBenchCase(), o.runs ?? 30);
  o.log(`sfn.local: ${figure.value.toFixed(2)} ms per local execution`);
  return [figure];
}
