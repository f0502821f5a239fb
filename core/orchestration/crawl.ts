import { Chain, Choice, Condition, glueGetCrawler, glueStartCrawler, Pass, Wait, type IChainable } from '../asl/index.js';
import type { GlueResource } from './resources.js';
import { recordFailure, robust } from './robust.js';

/** How a crawl is waited for. */
export interface CrawlOptions {
  /** Seconds between two reads of the crawler. */
  readonly pollSeconds: number;
  /** Reads before the crawl fails as timed out (Crawler.Timeout). */
  readonly maxPolls: number;
}

/** Where a crawl keeps its state: `{attempts, result}` while polling, `{crawler, attempts, lastCrawl}` after. */
export const CRAWL_PATH = '$.crawl';

/** The error a crawl that is still running after its last read fails with. */
export const CRAWL_TIMEOUT_ERROR = 'Crawler.Timeout';
/** The error a crawl whose last crawl FAILED or was CANCELLED fails with. */
export const CRAWL_FAILED_ERROR = 'Crawler.Failed';

/** The state names of one crawl, from its prefix (`Raw crawl: start`, ...), so nothing downstream spells them. */
export function crawlStateNames(prefix: string) {
  return {
    start: `${prefix}: start`,
    reset: `${prefix}: reset polls`,
    wait: `${prefix}: wait`,
    get: `${prefix}: get`,
    count: `${prefix}: count poll`,
    check: `${prefix}: ready?`,
    done: `${prefix}: done`,
    timedOut: `${prefix}: timed out`,
    crawlFailed: `${prefix}: crawl failed`,
  } as const;
}


const result = `${CRAWL_PATH}.result.Crawler`;

/**
 * Crawls and waits, written once and used for every crawl (crawlers have no `.sync` integration): start the crawler
 * (one already running is waited for, not a failure), reset the poll count, wait, read the crawler, count the read
 * (States.MathAdd), then: READY after a FAILED or CANCELLED last crawl fails as Crawler.Failed, READY is done,
 * RUNNING or STOPPING waits again until `maxPolls` reads, then fails as Crawler.Timeout. Every failure (the two
 * above and any error of the start or the read, after retries of the transient ones) is recorded and goes to
 * `onFailure`. State names start with `prefix`, so the fragment can be used many times in one machine.
 */
export function crawlAndWait(prefix: string, crawler: GlueResource<unknown>, options: CrawlOptions, onFailure: IChainable): Chain {
  const names = crawlStateNames(prefix);
  const call = { crawlerName: crawler.name, crawlerArn: crawler.arn, timeoutSeconds: 60 };
  const reset = new Pass(names.reset, { result: { attempts: 0 }, resultPath: CRAWL_PATH });
  const start = robust(
    glueStartCrawler(names.start, { ...call, resultPath: null }).addCatch(reset, { errors: ['Glue.CrawlerRunningException'], resultPath: null }),
    'glueCrawler',
    onFailure,
  );
  const wait = new Wait(names.wait, { time: { seconds: options.pollSeconds } });
  const get = robust(glueGetCrawler(names.get, { ...call, resultPath: `${CRAWL_PATH}.result` }), 'glueCrawler', onFailure);
  const count = new Pass(names.count, {
    parameters: { 'attempts.$': `States.MathAdd(${CRAWL_PATH}.attempts, 1)`, 'result.$': `${CRAWL_PATH}.result` },
    resultPath: CRAWL_PATH,
  });
  const lastCrawl = (status: string) =>
    Condition.and(Condition.isPresent(`${result}.LastCrawl.Status`), Condition.stringEquals(`${result}.LastCrawl.Status`, status));
  const ready = Condition.stringEquals(`${result}.State`, 'READY');
  const done = new Pass(names.done, {
    parameters: { 'crawler.$': `${result}.Name`, 'attempts.$': `${CRAWL_PATH}.attempts`, 'lastCrawl.$': `${result}.LastCrawl` },
    resultPath: CRAWL_PATH,
  });
  const crawlFailed = recordFailure(
    names.crawlFailed,
    { state: names.crawlFailed, error: CRAWL_FAILED_ERROR, cause: { path: `States.Format('crawler {} ended its crawl with {}', ${result}.Name, States.JsonToString(${result}.LastCrawl))` } },
    onFailure,
  );
  const timedOut = recordFailure(
    names.timedOut,
    {
      state: names.timedOut,
      error: CRAWL_TIMEOUT_ERROR,
      cause: { path: `States.Format('crawler {} still {} after {} reads, ${options.pollSeconds} s apart', ${result}.Name, ${result}.State, ${CRAWL_PATH}.attempts)` },
    },
    onFailure,
  );
  const check = new Choice(names.check)
    .when(Condition.and(ready, Condition.or(lastCrawl('FAILED'), lastCrawl('CANCELLED'))), crawlFailed)
    .when(ready, done)
    .when(Condition.numeric(`${CRAWL_PATH}.attempts`, 'GreaterThanEquals', options.maxPolls), timedOut)
    .when(Condition.or(Condition.stringEquals(`${result}.State`, 'RUNNING'), Condition.stringEquals(`${result}.State`, 'STOPPING')), wait)
    .otherwise(
      recordFailure(
        `${prefix}: unknown state`,
        { state: names.check, error: 'Crawler.UnknownState', cause: { path: `States.Format('crawler {} is in state {}', ${result}.Name, ${result}.State)` } },
        onFailure,
      ),
    );
  return Chain.start(start).next(reset).next(wait).next(get).next(count).next(check.afterwards());
}
