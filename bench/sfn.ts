import { Chain, Choice, Condition, glueGetCrawler, glueStartCrawler, glueStartJobRun, lambdaInvoke, Map, Parallel, Pass, StateMachine, Succeed, Wait } from '../core/asl/index.js';
import { LocalCrawlers, LocalGlueJobs, NotificationLog, runLocal, type LocalHandlers, type LocalMachineInput } from '../local/orchestration/index.js';
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

const ARN = 'arn:aws:glue:eu-west-1:123456789012';

/**
 * A stand-in for the pipeline until it is merged: Parallel imports, a crawl-and-wait loop, curate, a Map calling
 * a function per room; every handler instant.
 */
export function sampleBenchCase(): SfnBenchCase {
  const imports = new Parallel('Imports', { resultPath: null }).branch(
    glueStartJobRun('Import db', { jobName: 'import-db', jobArn: `${ARN}:job/import-db` }),
    glueStartJobRun('Import historical', { jobName: 'import-historical', jobArn: `${ARN}:job/import-historical` }),
  );
  const wait = new Wait('Wait for crawler', { time: { seconds: 60 } });
  const crawl = Chain.start(glueStartCrawler('Start crawler', { crawlerName: 'raw', crawlerArn: `${ARN}:crawler/raw`, resultPath: null }))
    .next(wait)
    .next(glueGetCrawler('Get crawler', { crawlerName: 'raw', crawlerArn: `${ARN}:crawler/raw`, resultSelector: { 'State.$': '$.Crawler.State' }, resultPath: '$.crawler' }))
    .next(new Choice('Crawler ready?').when(Condition.stringEquals('$.crawler.State', 'READY'), new Pass('Crawled')).otherwise(wait).afterwards());
  const rooms = new Map('Per room', { itemsPath: '$.rooms', maxConcurrency: 2, resultPath: '$.scores' }).itemProcessor(
    lambdaInvoke('Score room', { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:score', resultSelector: { 'score.$': '$.Payload' } }),
  );
  const machine = new StateMachine({
    definition: Chain.start(imports).next(crawl).next(glueStartJobRun('Curate', { jobName: 'curate', jobArn: `${ARN}:job/curate`, resultPath: null })).next(rooms).next(new Succeed('Done')),
  });
  return {
    machine,
    input: { rooms: ['r1', 'r2', 'r3', 'r4'] },
    handlers: () => ({
      glueJobs: new LocalGlueJobs({ 'import-db': () => undefined, 'import-historical': () => undefined, curate: () => undefined }),
      crawlers: new LocalCrawlers({ raw: { runningPolls: 2 } }),
      notifications: new NotificationLog(),
      functions: { score: () => 1 },
    }),
    label: 'a 12-state stand-in for the pipeline (Parallel imports, crawl loop of 4 polls, curate, Map over 4 rooms)',
  };
}

/** The sfn figures of `npm run bench`. */
export async function runSfnBench(o: { readonly runs?: number; readonly log: (line: string) => void }): Promise<Figure[]> {
  const figure = await sfnLocalFigure(sampleBenchCase(), o.runs ?? 30);
  o.log(`sfn.local: ${figure.value.toFixed(2)} ms per local execution`);
  return [figure];
}
